package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.PlotStatus;
import net.dig.storage.PlotSummary;
import net.dig.storage.StorageEngine;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during a repair: the destination holds the source's version with capsule 1 found bad; a child
 * process ({@link RepairCrashChild}) repairing it is killed mid-fetch, just before the store, wherever it
 * is once the store began, and after the store before its staging area goes. After each kill the capsule
 * is either still refused with the damaged copy (the old state) or served byte-identical from a new,
 * clean plot (the repaired state), never anything else; a restarted child finishes the job or finds
 * nothing left to do.
 */
class RepairCrashTest {
    static final int WINDOW = 32 * 1024;
    private static final int CAPSULE = 256 * 1024;
    private static final int BYTES = 2 * CAPSULE + 5000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aRepairKilledAnywhereLeavesTheOldStateOrTheRepairedOneAndARestartFinishesIt() throws Exception {
        List<String> kills = List.of("window:3", "land:1", "land-nowait:1", "repaired:1");
        for (int k = 0; k < kills.size(); k++) {
            Path dir = tmp.resolve("case-" + k);
            CapsuleLocation bad = damagedDestination(dir);
            String kill = kills.get(k);
            List<String> lines = FetchCrashTest.runChild(RepairCrashChild.class, dir, BYTES, 0, kill, true);
            assertThat(lines).as(kill).endsWith("halt");
            boolean repaired = assertOldOrRepaired(dir, bad, kill);
            if (kill.equals("repaired:1")) {
                assertThat(repaired).as("killed after the store").isTrue();
            }
            if (kill.startsWith("window") || kill.equals("land:1")) {
                assertThat(repaired).as("killed before the store").isFalse();
            }
            List<String> last = FetchCrashTest.runChild(RepairCrashChild.class, dir, BYTES, 1, "none", false);
            assertThat(last.getLast()).as(kill).isIn("outcome LANDED", "nothing to repair");
            if (!repaired && !kill.startsWith("window")) {
                assertThat(last).as("the staged capsule was resumed, not fetched again").doesNotContain("window");
            }
            assertThat(assertOldOrRepaired(dir, bad, kill)).isTrue();
            assertThat(net.dig.storage.StorageConfig.under(dir.resolve("dest")).dataDir().resolve("repair")).as("%s: no staging area left", kill).isEmptyDirectory();
        }
    }

    /** Homes under {@code dir}: the destination fetched the version, then capsule 1 rotted and a verify found it. */
    private static CapsuleLocation damagedDestination(Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        try (FetchHarness h = FetchHarness.create(dir, CAPSULE, BYTES)) {
            FetchService fetches = h.fetches(FetchHarness.config(WINDOW));
            FetchHarness.Link link = h.link();
            assertThat(link.run(fetches.begin(h.manifest.version(), List.of("p1"), link)).state()).isEqualTo(FetchSession.State.LANDED);
            CapsuleLocation loc = h.destEngine.locate(h.manifest.datastoreId(), 1).orElseThrow();
            Corruption.flip(loc.plotPath(), loc.offset() + 1000);
            assertThat(h.dest.datastores().verify(Optional.of(loc.plotId()), Progress.none()).ok()).isFalse();
            return loc;
        }
    }

    /** Asserts the destination is in the old state or the repaired one; true for repaired. */
    private static boolean assertOldOrRepaired(Path dir, CapsuleLocation bad, String kill) {
        byte[] want = Arrays.copyOfRange(FetchHarness.content(BYTES), CAPSULE, 2 * CAPSULE);
        try (StorageEngine dest = FetchHarness.open(dir.resolve("dest"), 9)) {
            Bytes32 id = dest.datastores().getFirst().datastoreId();
            assertThat(dest.capsuleServable(bad, id, 1)).as("%s: the damaged copy stays refused", kill).isFalse();
            assertThat(dest.plots()).allSatisfy(p -> assertThat(p.status())
                    .isEqualTo(p.plotId().equals(bad.plotId()) ? PlotStatus.DEGRADED : PlotStatus.OK));
            boolean repaired = dest.unavailableCapsules(id).isEmpty();
            if (repaired) {
                assertThat(dest.readCapsule(id, 1)).as(kill).isEqualTo(want);
                assertThat(dest.plots()).hasSize(2);
            } else {
                assertThat(dest.unavailableCapsules(id)).containsExactly(1);
                assertThat(dest.plots()).hasSize(1);
            }
            for (PlotSummary p : dest.plots()) {
                if (!p.plotId().equals(bad.plotId())) {
                    assertThat(dest.verify(Optional.of(p.plotId()), Progress.none()).ok()).as("%s: the new plot is clean", kill).isTrue();
                }
            }
            assertThat(dest.readCapsule(id, 0)).isEqualTo(Arrays.copyOfRange(FetchHarness.content(BYTES), 0, CAPSULE));
            return repaired;
        }
    }
}
