package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import net.dig.core.Progress;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (headless Chromium over DevTools): the page loads without console
 * errors or uncaught exceptions, shows the node id and a datastore this test adds, and draws its
 * charts from a closed minute of history. The screenshot is kept as {@code target/dashboard/dashboard.png}.
 * Without Chromium the test fails under {@code CI=true} and is skipped elsewhere.
 */
class DashboardBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void thePageShowsTheNodeAndANewDatastoreWithoutConsoleErrors() throws Exception {
        Optional<Path> chromium = HeadlessChromium.binary();
        if (chromium.isEmpty()) {
            assertThat("true".equals(System.getenv("CI"))).as("Chromium is required under CI (apt-get install -y chromium)").isFalse();
            Assumptions.abort("no Chromium on this machine (apt-get install -y chromium)");
        }
        ManualClock clock = new ManualClock();
        try (ApiFixture f = new ApiFixture(tmp.resolve("node"), clock, PeerDirectory.none(), c -> c)) {
            Path src = tmp.resolve("added.txt");
            Files.writeString(src, "a datastore the browser test adds\n");
            Manifest added = f.storage.ingest(src, new IngestOptions(262_144, Compression.NONE, "browser-test"), f.owner,
                    Progress.none());
            f.server.history().tick();
            assertThat(f.get("/capsule/" + added.datastoreId().toHex() + "/0").statusCode()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(1));
            f.server.history().tick();

            try (HeadlessChromium browser = new HeadlessChromium(chromium.get(), tmp.resolve("profile"))) {
                browser.open(f.uri("/dashboard").toString());
                String id = added.datastoreId().toHex();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(browser.eval("document.getElementById('node-id').textContent").asText()).isEqualTo(f.node.nodeId());
                    assertThat(browser.eval("Array.from(document.querySelectorAll('#datastores .datastore-id'))"
                            + ".map(e => e.textContent).join(' ')").asText()).contains(id);
                    assertThat(browser.eval("document.querySelectorAll('#chart-requests polyline').length").asInt()).isEqualTo(1);
                    assertThat(browser.eval("document.getElementById('holders-' + '" + id + "').textContent").asText())
                            .isEqualTo("0");
                });
                assertThat(browser.eval("document.body.innerText").asText()).contains("browser-test", f.node.nodeId());
                Path shot = Path.of("target", "dashboard", "dashboard.png");
                browser.screenshot(shot);
                assertThat(Files.size(shot)).isPositive();
                assertThat(browser.errors).as("console errors and uncaught exceptions").isEmpty();
            }
        }
    }
}
