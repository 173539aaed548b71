package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at each step of an eviction: a real child JVM ({@link EvictionCrashChild}) evicts datastore
 * a, whose removal needs a shared plot rewritten, and is killed with SIGKILL at a chosen step. The next
 * {@link StorageEngine#open} must find the old state (before the eviction record is durable) or the new
 * one (after), whole: never a mix.
 */
class EvictionCrashTest {
    @TempDir
    Path tmp;

    /** Where the child is killed, and whether the eviction had become durable there. */
    record KillPoint(String step, int occurrence, boolean evicted) {}

    static final List<KillPoint> POINTS = List.of(
            new KillPoint("begin", 1, false),
            new KillPoint("intent", 1, true),
            new KillPoint("publishing", 1, true),
            new KillPoint("published", 1, true),
            new KillPoint("indexed", 1, true),
            new KillPoint("deleted", 1, true),
            new KillPoint("deleted", 2, true));

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void killedEvictionLeavesTheOldOrTheNewStateNeverAMix() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int run = 0;
        for (KillPoint point : POINTS) {
            Path dir = tmp.resolve("run-" + run++);
            EvictionTest.Store s = EvictionTest.threeDatastores(dir);
            Bytes32 a = s.manifests().get("a").datastoreId();
            EvictionTest.dropOwnPlotOf(s, s.manifests().get("b").datastoreId());
            StorageConfig c = s.config();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    EvictionCrashChild.class.getName(), c.dataDir().toString(), c.plotDirs().get(0).toString(),
                    c.plotDirs().get(1).toString(), a.toHex(), point.step(), Integer.toString(point.occurrence()))
                    .redirectError(dir.resolve("child.err").toFile()).start();
            String transcript = waitFor(child, "at " + point.step(), dir.resolve("child.err"));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

            try (StorageEngine e = StorageTestSupport.open(c)) {
                if (point.evicted()) {
                    EvictionTest.assertEvicted(e, s, "a", List.of("b", "c"));
                } else {
                    EvictionTest.assertWhole(e, s, List.of("a", "b", "c"));
                    assertThat(EvictionTest.datastoresInPlotFiles(c)).as(transcript).contains(a);
                }
            }
            // and a second open finds the same
            try (StorageEngine e = StorageTestSupport.open(c)) {
                assertThat(e.manifest(a).isPresent()).as(point.toString()).isEqualTo(!point.evicted());
            }
        }
    }

    private static String waitFor(Process child, String line, Path err) throws Exception {
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.offer(l);
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        });
        StringBuilder transcript = new StringBuilder();
        while (true) {
            String l = lines.poll(60, TimeUnit.SECONDS);
            assertThat(l).as("child output so far: %s, stderr: %s", transcript, Files.exists(err) ? Files.readString(err) : "")
                    .isNotNull();
            transcript.append(l).append('\n');
            assertThat(l).as("the child finished before %s: %s", line, transcript).isNotEqualTo("done");
            if (l.equals(line)) {
                return transcript.toString();
            }
        }
    }
}
