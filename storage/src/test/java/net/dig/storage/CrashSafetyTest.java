package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at seeded-random points of plotting: a real child JVM ingests in a loop and is killed with
 * SIGKILL after a random number of progress lines; after each kill a fresh {@link StorageEngine#open}
 * must find only complete, valid plots (every one indexed and verifying) and no temporary files.
 */
class CrashSafetyTest {
    static final int KILLS = 10;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void killedPlottingLeavesNoTornPlot() throws Exception {
        Path home = tmp.resolve("home");
        Path source = StorageTestSupport.write(tmp.resolve("source.bin"), StorageTestSupport.compressibleBytes(2 * 262_144 + 5000, 3));
        StorageConfig config = StorageConfig.under(home);
        SplittableRandom random = new SplittableRandom(20261120);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int tempFilesSeen = 0;
        long committedTotal = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            int linesBeforeKill = 1 + random.nextInt(12);
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    PlotCrashChild.class.getName(), home.toString(), source.toString(), Long.toString(random.nextLong()))
                    .redirectError(tmp.resolve("child-" + kill + ".err").toFile()).start();
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
            Thread pump = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.offer(l);
                    }
                } catch (IOException ignored) {
                    // the child was killed
                }
            });
            int seen = 0;
            StringBuilder transcript = new StringBuilder();
            while (seen < linesBeforeKill) {
                String l = lines.poll(30, TimeUnit.SECONDS);
                assertThat(l).as("child output so far: %s, stderr: %s", transcript,
                        Files.readString(tmp.resolve("child-" + kill + ".err"))).isNotNull();
                transcript.append(l).append('\n');
                assertThat(l).as("child output").isIn("open", "capsule", "committed");
                if (l.equals("committed")) {
                    committedTotal++;
                }
                seen++;
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pump.join(10_000);
            for (String l : lines) {
                if (l.equals("committed")) {
                    committedTotal++;
                }
            }
            tempFilesSeen += (int) StorageTestSupport.countTempFiles(config);

            try (StorageEngine engine = StorageTestSupport.open(config)) {
                assertThat(StorageTestSupport.countTempFiles(config)).isZero();
                List<PlotSummary> plots = engine.plots();
                assertThat(plots).allSatisfy(p -> assertThat(p.status()).as(p.toString()).isEqualTo(PlotStatus.OK));
                assertThat((long) plots.size()).isGreaterThanOrEqualTo(committedTotal);
                assertThat(StorageTestSupport.countPlotFiles(config)).isEqualTo(plots.size());
                assertThat(engine.datastores()).hasSize(plots.size());
                VerifyReport report = engine.verify(Optional.empty(), Progress.none());
                assertThat(report.ok()).as(report.toString()).isTrue();
                for (DatastoreSummary d : engine.datastores()) {
                    assertThat(engine.readCapsule(d.datastoreId(), d.capsuleCount() - 1)).hasSize(5000);
                }
            }
        }
        // the kills landed inside plotting at least once (a temp file was left for open to clean)
        assertThat(tempFilesSeen).isPositive();
        assertThat(Files.exists(home.resolve("index.sqlite"))).isTrue();
    }
}
