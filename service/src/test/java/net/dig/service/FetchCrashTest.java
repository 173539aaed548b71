package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import net.dig.storage.PlotStatus;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 and resume: a fetch runs in a child process ({@link FetchCrashChild}) that is killed
 * ({@link Process#destroyForcibly}) after a seeded number of verified windows, ten times, then just
 * before the store, then after the store and before its staging area is deleted; each restart resumes.
 * After every kill the destination must list nothing of the datastore until it landed, hold only sound
 * plots, and keep the staging area; in all, every window is fetched exactly once; at the end the
 * version is held byte for byte and no staging area is left. A kill that lands wherever the child is
 * once it began the store (inside the plot write, or after it) leaves either nothing or the whole version.
 */
class FetchCrashTest {
    static final int WINDOW = 32 * 1024;
    private static final int CAPSULE = 256 * 1024;
    private static final int BYTES = 5 * CAPSULE + 5000;
    private static final int WINDOWS = 5 * (CAPSULE / WINDOW) + 1;
    private static final long SEED = 20261202L;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aFetchKilledAtSeededPointsResumesWhereItWasAndLandsOnce() throws Exception {
        Bytes32 id;
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, BYTES)) {
            id = h.manifest.datastoreId();
        }
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> kills = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            kills.add("window:" + (1 + random.nextInt(3)));
        }
        kills.add("land:1");
        kills.add("landed:1");
        int windows = 0;
        Path staging = FetchStaging.dirOf(StorageConfig.under(tmp.resolve("dest")).dataDir().resolve("fetch"), id, 1);
        for (int run = 0; run < kills.size(); run++) {
            String kill = kills.get(run);
            List<String> lines = runChild(run, kill, true);
            assertThat(lines).as("seed %d, run %d (%s)", SEED, run, kill).endsWith("halt");
            windows += (int) lines.stream().filter("window"::equals).count();
            if (kill.startsWith("window")) {
                assertThat(lines.stream().filter("window"::equals).count()).isEqualTo(Long.parseLong(kill.substring(7)));
            }
            boolean landed = kill.equals("landed:1");
            try (StorageEngine dest = FetchHarness.open(tmp.resolve("dest"), 9)) {
                assertThat(dest.datastores()).as("run %d (%s)", run, kill).hasSize(landed ? 1 : 0);
                assertThat(dest.plots()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PlotStatus.OK));
                assertThat(dest.verify(Optional.empty(), Progress.none()).ok()).isTrue();
            }
            assertThat(staging).isDirectory();
        }
        assertThat(windows).as("each window fetched once across the restarts").isEqualTo(WINDOWS);
        List<String> last = runChild(kills.size(), "none", false);
        assertThat(last).containsExactly("held");
        assertThat(staging).doesNotExist();
        try (FetchHarness h = FetchHarness.reopen(tmp, BYTES)) {
            FetchSessionTest.assertLanded(h, h.fetches(FetchHarness.config(WINDOW)));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aKillWhileTheVersionIsBeingStoredLeavesEitherNothingOrAllOfIt() throws Exception {
        Bytes32 id;
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, BYTES)) {
            id = h.manifest.datastoreId();
        }
        List<String> lines = runChild(0, "land-nowait:1", true);
        assertThat(lines).endsWith("halt");
        int held;
        try (StorageEngine dest = FetchHarness.open(tmp.resolve("dest"), 9)) {
            held = dest.datastores().size();
            assertThat(held).isBetween(0, 1);
            assertThat(dest.plots()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PlotStatus.OK));
            assertThat(dest.plots()).hasSize(held);
            assertThat(dest.verify(Optional.empty(), Progress.none()).ok()).isTrue();
        }
        List<String> last = runChild(1, "none", false);
        assertThat(last.getLast()).isIn("held", "outcome LANDED");
        assertThat(last.stream().filter("window"::equals).count()).as("nothing fetched again").isZero();
        try (FetchHarness h = FetchHarness.reopen(tmp, BYTES)) {
            assertThat(h.manifest.datastoreId()).isEqualTo(id);
            FetchSessionTest.assertLanded(h, h.fetches(FetchHarness.config(WINDOW)));
        }
    }

    private List<String> runChild(int run, String kill, boolean expectHalt) throws Exception {
        return runChild(FetchCrashChild.class, tmp, BYTES, run, kill, expectHalt);
    }

    /**
     * Runs {@code main} with {@code tmp bytes kill} until it prints {@code halt} (then kills it) or ends;
     * its output lines.
     */
    static List<String> runChild(Class<?> main, Path tmp, int bytes, int run, String kill, boolean expectHalt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = tmp.resolve("child-" + run + ".err");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main.getName(),
                tmp.toString(), Integer.toString(bytes), kill).redirectError(err.toFile()).start();
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(10_000);
        Thread pump = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    queue.offer(l);
                }
            } catch (IOException ignored) {
                // the child was killed
            }
            queue.offer("<eof>");
        });
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = queue.poll(60, TimeUnit.SECONDS);
            assertThat(l).as("child output so far %s, stderr: %s", lines, Files.readString(err)).isNotNull();
            if (l.equals("<eof>")) {
                break;
            }
            lines.add(l);
            if (l.equals("halt")) {
                child.destroyForcibly();
                break;
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        pump.join(10_000);
        if (!expectHalt) {
            assertThat(child.exitValue()).as("stderr: %s", Files.readString(err)).isZero();
        }
        return lines;
    }
}
