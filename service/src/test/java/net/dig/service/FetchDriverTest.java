package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The driver runs the session only on its executor, with the injected clock's time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchDriverTest {
    @TempDir
    Path tmp;

    @Test
    void answersAndTicksReachTheSessionOnlyWhenTheExecutorRunsThem() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 300_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            link.behaviours.put("p2", (req, honest) -> null);
            Queue<Runnable> tasks = new ArrayDeque<>();
            Executor queued = tasks::add;
            FetchDriver<String> driver = FetchDriver.of(fetches.begin(h.manifest.version(), List.of("p1", "p2"), link), queued,
                    h.clock);
            driver.start();
            assertThat(link.queue).as("nothing runs on the caller's thread").isEmpty();
            for (int round = 0; round < 10_000 && driver.session().outcome().isEmpty(); round++) {
                while (!tasks.isEmpty()) {
                    tasks.poll().run();
                }
                var sent = link.queue.poll();
                if (sent == null) {
                    h.clock.advance(Duration.ofSeconds(11));
                    driver.tick();
                    continue;
                }
                FetchResponse honest = h.windows.answer(sent.peer(), sent.request());
                FetchResponse answer = link.behaviours.containsKey(sent.peer())
                        ? link.behaviours.get(sent.peer()).apply(sent.request(), honest) : honest;
                if (answer != null) {
                    driver.onResponse(sent.peer(), answer);
                    assertThat(driver.session().outcome()).isEmpty();
                }
            }
            assertThat(driver.session().outcome()).map(FetchSession.Outcome::state).contains(FetchSession.State.LANDED);
            assertThat(link.penalties).extracting(FetchHarness.Penalty::code).containsExactly(ErrorCode.REQUEST_TIMEOUT);
            FetchSessionTest.assertLanded(h, fetches);
        }
    }
}
