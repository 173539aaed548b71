package net.dig.storage;

import static net.dig.storage.StorageErrorCodesTest.codeOf;
import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.compressibleBytes;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static net.dig.testkit.Corruption.flip;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored bytes handed out to be sent as they are ({@link StorageEngine#region}, {@link StorageEngine#locate})
 * are known good: rehashed on first hand-out since open, recorded bad (persisted, capsule by capsule) when
 * they do not match, another copy handed out instead; findings of another process are taken in.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeIntegrityTest {
    static final int KB256 = 262_144;

    @TempDir
    Path tmp;

    @Test
    void aFlippedPlainCapsuleIsNotHandedOutAndOnlyThatCapsuleIsRefused() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = randomBytes(3 * KB256, 1);
        Manifest m;
        CapsuleLocation one;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER, Progress.none());
            one = e.locate(m.datastoreId(), 1).orElseThrow();
        }
        try (StorageEngine e = StorageTestSupport.open(config)) {
            flip(one.plotPath(), one.offset() + 1000); // while the node runs, before any serve since open
            assertThat(codeOf(() -> e.region(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.locate(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(e.capsuleServable(one, m.datastoreId(), 1)).isFalse();
            // capsule-level: the plot's sound capsules are still handed out
            CapsuleLocation zero = e.locate(m.datastoreId(), 0).orElseThrow();
            assertThat(zero.plotId()).isEqualTo(one.plotId());
            assertThat(e.capsuleServable(zero, m.datastoreId(), 0)).isTrue();
            assertThat(e.region(m.datastoreId(), 2).hash()).isEqualTo(m.capsules().get(2).hash());
            assertThat(e.badCapsuleCount()).isEqualTo(1);
            assertThat(e.unavailableCapsules(m.datastoreId())).containsExactly(1);
            assertThat(e.plots()).singleElement().satisfies(p -> assertThat(p.status()).isEqualTo(PlotStatus.DEGRADED));
        }
        try (StorageEngine e = StorageTestSupport.open(config)) { // persisted
            assertThat(codeOf(() -> e.region(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(e.capsuleServable(one, m.datastoreId(), 1)).isFalse();
            assertThat(e.unavailableCapsules(m.datastoreId())).containsExactly(1);
        }
    }

    @Test
    void aFlippedZstdFrameIsNotHandedOut() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = compressibleBytes(2 * KB256, 2);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            Manifest m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.ZSTD, "z"), OWNER,
                    Progress.none());
            CapsuleLocation z;
            try (StorageEngine other = StorageTestSupport.open(config)) { // find where it is without handing it out here
                z = other.locate(m.datastoreId(), 0).orElseThrow();
            }
            assertThat(z.codec()).isEqualTo(Compression.ZSTD);
            flip(z.plotPath(), z.offset() + z.storedLength() / 2);
            e.syncQuarantine();
            assertThat(codeOf(() -> e.region(m.datastoreId(), 0))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.locate(m.datastoreId(), 0))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(e.region(m.datastoreId(), 1).compression()).isEqualTo(Compression.ZSTD);
        }
    }

    @Test
    void anotherCopyIsHandedOutWhenTheFirstIsBad() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = randomBytes(2 * KB256, 3);
        Manifest m;
        CapsuleLocation first;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER, Progress.none());
            e.createPlot(m.datastoreId(), List.of(0), Compression.NONE);
            first = e.locate(m.datastoreId(), 0).orElseThrow();
        }
        flip(first.plotPath(), first.offset() + 3);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            CapsuleRegion r = e.region(m.datastoreId(), 0);
            assertThat(r.plotId()).isNotEqualTo(first.plotId());
            assertThat(r.hash()).isEqualTo(m.capsules().get(0).hash());
            assertThat(e.capsuleServable(first, m.datastoreId(), 0)).isFalse();
            assertThat(e.unavailableCapsules(m.datastoreId())).isEmpty();
        }
    }

    @Test
    void whatAnotherProcessFindsIsRefusedAfterASyncAndAnnouncedForRepair() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = randomBytes(2 * KB256, 4);
        try (StorageEngine node = StorageTestSupport.open(config)) {
            Manifest m = node.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER,
                    Progress.none());
            CapsuleLocation loc = node.locate(m.datastoreId(), 1).orElseThrow(); // known good from now on
            List<CapsuleDamage> damaged = StorageTestSupport.damages(node);
            flip(loc.plotPath(), loc.offset() + 77);
            try (StorageEngine cli = StorageTestSupport.open(config)) { // plot verify next to the running node
                assertThat(cli.verify(Optional.empty(), Progress.none()).ok()).isFalse();
            }
            assertThat(node.capsuleServable(loc, m.datastoreId(), 1)).isTrue(); // not yet seen
            assertThat(node.syncQuarantine()).isTrue();
            assertThat(node.syncQuarantine()).isFalse();
            assertThat(node.capsuleServable(loc, m.datastoreId(), 1)).isFalse();
            assertThat(codeOf(() -> node.region(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(node.badCapsuleCount()).isEqualTo(1);
            assertThat(damaged).singleElement().satisfies(d -> {
                assertThat(d.datastoreId()).isEqualTo(m.datastoreId());
                assertThat(d.capsuleIndex()).isEqualTo(1);
                assertThat(d.hash()).isEqualTo(m.capsules().get(1).hash());
                assertThat(d.plotId()).isEqualTo(loc.plotId());
            });
        }
    }

    @Test
    void aRepairStoresVerifiedBytesInANewPlotAndTheCapsuleIsServedAgain() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = randomBytes(2 * KB256, 5);
        Manifest m;
        CapsuleLocation bad;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER, Progress.none());
            bad = e.locate(m.datastoreId(), 1).orElseThrow();
        }
        flip(bad.plotPath(), bad.offset() + 9);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            List<CapsuleDamage> damaged = StorageTestSupport.damages(e);
            assertThat(codeOf(() -> e.region(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(damaged).singleElement().satisfies(d -> assertThat(d.capsuleIndex()).isEqualTo(1));
            byte[] wrong = data.clone();
            wrong[KB256] ^= 1;
            assertThat(codeOf(() -> e.repairCapsule(m.datastoreId(), 1, Arrays.copyOfRange(wrong, KB256, 2 * KB256),
                    Compression.NONE))).isEqualTo(StorageErrorCode.VERIFICATION_FAILED);
            PlotSummary fresh = e.repairCapsule(m.datastoreId(), 1, Arrays.copyOfRange(data, KB256, 2 * KB256), Compression.NONE);
            assertThat(fresh.plotId()).isNotEqualTo(bad.plotId());
            assertThat(e.region(m.datastoreId(), 1).plotId()).isEqualTo(fresh.plotId());
            assertThat(e.readCapsule(m.datastoreId(), 1)).isEqualTo(Arrays.copyOfRange(data, KB256, 2 * KB256));
            assertThat(e.unavailableCapsules(m.datastoreId())).isEmpty();
        }
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.readCapsule(m.datastoreId(), 1)).isEqualTo(Arrays.copyOfRange(data, KB256, 2 * KB256));
            assertThat(e.capsuleServable(bad, m.datastoreId(), 1)).isFalse(); // the bad copy stays refused
        }
    }
}
