package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import net.dig.storage.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a fetch spreads its windows over providers of different speeds, on simulated time: each fake
 * provider answers its requests one after another at its own rate (the injected clock jumps from answer
 * to answer), the answers are the source node's honest ones. Nothing here depends on the machine's speed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FetchSchedulingTest {
    private static final int MIB = 1 << 20;
    private static final int WINDOW = 64 * 1024;
    private static final long LATENCY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path tmp;

    @Test
    void threeProvidersOfDifferentSpeedsAreUsedInProportionAndTogetherFinishAtTheirSummedRate() throws Exception {
        usedInProportion(config());
    }

    @Test
    void withFewerRequestsAllowedInAllThanProvidersHaveSlotsEveryProviderStaysBusy() throws Exception {
        usedInProportion(new FetchConfig(WINDOW, 4, 4, Duration.ofSeconds(10), 1000, Compression.NONE));
    }

    private void usedInProportion(FetchConfig config) throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, MIB, 4 * MIB)) {
            FetchService fetches = h.fetches(config);
            Map<String, Double> speed = Map.of("p1", 1.0 * MIB, "p2", 2.0 * MIB, "p3", 4.0 * MIB);
            SimulatedLink link = new SimulatedLink(h, Map.of("p1", n -> speed.get("p1"), "p2", n -> speed.get("p2"),
                    "p3", n -> speed.get("p3")));
            FetchSession<String> s = fetches.begin(h.manifest.version(), List.of("p1", "p2", "p3"), link);
            double seconds = link.run(s);

            assertThat(s.outcome().orElseThrow().state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.penalties).isEmpty();
            int total = s.windowsFrom().values().stream().mapToInt(Integer::intValue).sum();
            assertThat(total).isEqualTo(4 * MIB / WINDOW);
            double sum = speed.values().stream().mapToDouble(Double::doubleValue).sum();
            for (var e : speed.entrySet()) {
                double share = e.getValue() / sum * total;
                assertThat((double) s.windowsFrom().get(e.getKey())).as("windows from %s", e.getKey())
                        .isBetween(share * 0.8, share * 1.2);
            }
            assertThat(seconds).as("simulated seconds").isLessThan(1.15 * 4 * MIB / sum);
            FetchSessionTest.assertLanded(h, fetches);
        }
    }

    @Test
    void theLastWindowsOfAProviderThatSlowsDownAreAskedOfIdleOnesAndTheFetchDoesNotWaitForIt() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, MIB, 4 * MIB)) {
            FetchService fetches = h.fetches(config());
            double fast = 4.0 * MIB;
            // p3 is as fast as the others for its first four answers, then takes 9 s a window (the timeout is 10 s)
            SimulatedLink link = new SimulatedLink(h, Map.of("p1", n -> fast, "p2", n -> fast,
                    "p3", n -> n < 4 ? fast : WINDOW / 9.0));
            FetchSession<String> s = fetches.begin(h.manifest.version(), List.of("p1", "p2", "p3"), link);
            double seconds = link.run(s);

            assertThat(s.outcome().orElseThrow().state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(seconds).as("simulated seconds").isLessThan(1.5 * 4 * MIB / (3 * fast));
            assertThat(link.askedTwice()).as("windows asked of two providers").isNotEmpty()
                    .allSatisfy(w -> assertThat(w.getFirst()).isEqualTo("p3"));
            assertThat(link.penalties).as("p3 answered within the timeout").isEmpty();
            assertThat(s.windowsFrom().get("p3")).isEqualTo(4);
            FetchSessionTest.assertLanded(h, fetches);
        }
    }

    @Test
    void providersOfEqualSpeedShareEvenlyAndNoWindowIsAskedTwice() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, MIB, 4 * MIB)) {
            FetchService fetches = h.fetches(config());
            double rate = 2.0 * MIB;
            SimulatedLink link = new SimulatedLink(h, Map.of("p1", n -> rate, "p2", n -> rate, "p3", n -> rate));
            FetchSession<String> s = fetches.begin(h.manifest.version(), List.of("p1", "p2", "p3"), link);
            double seconds = link.run(s);

            assertThat(s.outcome().orElseThrow().state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.askedTwice()).isEmpty();
            assertThat(s.windowsFrom().values()).allSatisfy(n -> assertThat(n).isBetween(20, 23));
            assertThat(seconds).isLessThan(1.1 * 4 * MIB / (3 * rate));
        }
    }

    private static FetchConfig config() {
        return new FetchConfig(WINDOW, 2, 8, Duration.ofSeconds(10), 1000, Compression.NONE);
    }

    /**
     * Providers that answer their requests in order, each at {@code rate.apply(n)} bytes a second for its
     * {@code n}-th window answer, plus a millisecond of latency; ticks every 50 ms of simulated time.
     */
    private static final class SimulatedLink implements PeerLink<String> {
        private record Event(long at, long seq, String peer, FetchResponse answer) {
        }

        final List<FetchHarness.Penalty> penalties = new ArrayList<>();
        private final Map<String, List<String>> askedOf = new HashMap<>();
        private final FetchHarness h;
        private final Map<String, IntFunction<Double>> rate;
        private final Map<String, Long> busyUntil = new HashMap<>();
        private final Map<String, Integer> answered = new HashMap<>();
        private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at() != b.at()
                ? Long.compare(a.at(), b.at()) : Long.compare(a.seq(), b.seq()));
        private long seq;

        SimulatedLink(FetchHarness h, Map<String, IntFunction<Double>> rate) {
            this.h = h;
            this.rate = rate;
        }

        @Override
        public void send(String peer, FetchRequest request) {
            FetchResponse answer = h.windows.answer(peer, request);
            long now = h.clock.nanos();
            long bytes = 0;
            if (answer instanceof FetchResponse.Window w) {
                bytes = w.data().length + (w.prologue() == null ? 0 : w.prologue().chunkHashes().length);
                askedOf.computeIfAbsent(w.capsuleIndex() + "@" + w.offset(), k -> new ArrayList<>()).add(peer);
            }
            int n = answered.getOrDefault(peer, 0);
            if (answer instanceof FetchResponse.Window) {
                answered.put(peer, n + 1);
            }
            long start = Math.max(now, busyUntil.getOrDefault(peer, 0L));
            long done = start + (long) (bytes / rate.get(peer).apply(n) * 1e9);
            busyUntil.put(peer, done);
            events.add(new Event(done + LATENCY_NANOS, seq++, peer, answer));
        }

        @Override
        public void penalise(String peer, ErrorCode code, String why) {
            penalties.add(new FetchHarness.Penalty(peer, code, why));
        }

        /** The providers each window asked of more than one was asked of, in order. */
        List<List<String>> askedTwice() {
            return askedOf.values().stream().filter(l -> l.size() > 1).toList();
        }

        /** Runs the session to its end; the simulated seconds from its start to its end. */
        double run(FetchSession<String> session) {
            long begin = h.clock.nanos();
            events.add(new Event(begin + TICK_NANOS, seq++, null, null));
            session.start(begin);
            while (session.outcome().isEmpty()) {
                Event e = events.poll();
                assertThat(e).as("a request outstanding").isNotNull();
                h.clock.advance(Duration.ofNanos(e.at() - h.clock.nanos()));
                if (e.peer() == null) {
                    session.onTick(e.at());
                    events.add(new Event(e.at() + TICK_NANOS, seq++, null, null));
                } else {
                    session.onResponse(e.peer(), e.answer(), e.at());
                }
            }
            return (h.clock.nanos() - begin) / 1e9;
        }
    }
}
