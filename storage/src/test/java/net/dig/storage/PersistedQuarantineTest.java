package net.dig.storage;

import static net.dig.storage.StorageErrorCodesTest.codeOf;
import static net.dig.testkit.Corruption.flip;
import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Optional;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What verify or a read finds bad stays refused after a restart, and the index records it. */
class PersistedQuarantineTest {
    static final int KB256 = 262_144;

    @TempDir
    Path tmp;

    @Test
    void aCapsuleVerifyFoundBadIsRefusedAfterARestartAndTheRestFollowsThePolicy() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = randomBytes(3 * KB256, 1);
        Manifest m;
        CapsuleLocation bad;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER, Progress.none());
            bad = e.locate(m.datastoreId(), 1).orElseThrow();
        }
        flip(bad.plotPath(), bad.offset() + 5000);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            VerifyReport report = e.verify(Optional.empty(), Progress.none());
            assertThat(report.plots()).singleElement().satisfies(v -> assertThat(v.badCapsules())
                    .containsExactly(new CapsuleProblem(m.datastoreId(), 1, "capsule hash mismatch")));
        }
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(codeOf(() -> e.readCapsule(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.region(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.locate(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            // the plot is not served whole, as before the restart
            assertThat(e.plotServable(bad.plotId())).isFalse();
            assertThat(e.plots()).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(PlotStatus.DEGRADED);
                assertThat(p.quarantineReason()).startsWith("1 bad capsule refused: capsule 1 of ");
                assertThat(p.servable()).isFalse();
                assertThat(p.badCapsules()).containsExactly(new CapsuleProblem(m.datastoreId(), 1, "capsule hash mismatch"));
            });
            // the plot's other capsules are still read, and the bad capsule's intact chunks too
            assertThat(e.readCapsule(m.datastoreId(), 0)).isEqualTo(java.util.Arrays.copyOfRange(data, 0, KB256));
            assertThat(e.readCapsule(m.datastoreId(), 2)).isEqualTo(java.util.Arrays.copyOfRange(data, 2 * KB256, 3 * KB256));
            assertThat(e.readChunk(m.datastoreId(), 1, 0)).isEqualTo(java.util.Arrays.copyOfRange(data, KB256, KB256 + 4096));
            assertThat(codeOf(() -> e.readChunk(m.datastoreId(), 1, 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            // a rebuild of the index keeps the finding: plot bytes are not rechecked by it
            e.rebuildIndex();
            assertThat(codeOf(() -> e.readCapsule(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
        }
        // repaired on disk and verified clean: served again, also after a restart
        flip(bad.plotPath(), bad.offset() + 5000);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.verify(Optional.empty(), Progress.none()).ok()).isTrue();
        }
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.plotServable(bad.plotId())).isTrue();
            assertThat(e.plots()).singleElement().satisfies(p -> assertThat(p.servable()).isTrue());
            assertThat(e.readCapsule(m.datastoreId(), 1)).isEqualTo(java.util.Arrays.copyOfRange(data, KB256, 2 * KB256));
        }
    }

    @Test
    void aReadThatFindsAHashMismatchRecordsItAndAnotherCopyIsServed() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = randomBytes(2 * KB256, 2);
        Manifest m;
        CapsuleLocation first;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER, Progress.none());
            e.createPlot(m.datastoreId(), List.of(0), Compression.NONE);
            first = e.locate(m.datastoreId(), 0).orElseThrow(); // the copy a read tries first
        }
        flip(first.plotPath(), first.offset() + 10);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            for (int round = 0; round < 3; round++) {
                assertThat(e.readCapsule(m.datastoreId(), 0)).isEqualTo(java.util.Arrays.copyOf(data, KB256));
            }
            assertThat(e.plotServable(first.plotId())).isFalse();
        }
        try (StorageEngine e = StorageTestSupport.open(config)) {
            CapsuleRegion region = e.region(m.datastoreId(), 0);
            assertThat(region.plotId()).isNotEqualTo(first.plotId());
            assertThat(e.locate(m.datastoreId(), 0).orElseThrow().plotId()).isNotEqualTo(first.plotId());
            assertThat(e.plotServable(first.plotId())).isFalse();
            assertThat(e.plots()).filteredOn(p -> p.path().equals(first.plotPath())).singleElement()
                    .satisfies(p -> assertThat(p.badCapsules()).extracting(CapsuleProblem::capsuleIndex).containsExactly(0));
            // the other capsule of the damaged plot is still read from it
            assertThat(e.readCapsule(m.datastoreId(), 1)).hasSize(KB256);
        }
    }

    @Test
    void aRegionTransfersTheStoredBytes() throws Exception {
        byte[] data = randomBytes(KB256 + 1000, 3);
        try (StorageEngine e = StorageTestSupport.open(tmp.resolve("home"))) {
            Manifest m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER,
                    Progress.none());
            CapsuleRegion r = e.region(m.datastoreId(), 1);
            assertThat(r.length()).isEqualTo(1000);
            assertThat(r.size()).isEqualTo(1000);
            assertThat(r.hash()).isEqualTo(m.capsules().get(1).hash());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            assertThat(r.transferTo(0, r.length(), Channels.newChannel(out))).isEqualTo(1000);
            assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, KB256, KB256 + 1000));
            out.reset();
            r.transferTo(10, 20, Channels.newChannel(out));
            assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, KB256 + 10, KB256 + 30));
            // the channel is still open for the next reader
            assertThat(e.readCapsule(m.datastoreId(), 1)).hasSize(1000);
            assertThat(r.channel().read(ByteBuffer.allocate(1), r.offset())).isEqualTo(1);
        }
    }

    @Test
    void aVersionOneIndexIsMigrated() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Manifest m;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = e.ingest(write(tmp.resolve("d"), randomBytes(1000, 4)), new IngestOptions(KB256, Compression.NONE, "d"), OWNER,
                    Progress.none());
        }
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + config.indexFile()); var s = db.createStatement()) {
            s.execute("DROP TABLE bad_capsules");
            s.execute("UPDATE meta SET value='1' WHERE key='schema_version'");
        }
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.readCapsule(m.datastoreId(), 0)).hasSize(1000);
        }
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + config.indexFile()); var s = db.createStatement();
             var rs = s.executeQuery("SELECT value FROM meta WHERE key='schema_version'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(String.valueOf(CapsuleIndex.SCHEMA_VERSION));
        }
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + config.indexFile()); var s = db.createStatement()) {
            s.execute("UPDATE meta SET value='7' WHERE key='schema_version'");
        }
        assertThat(codeOf(() -> StorageTestSupport.open(config).close())).isEqualTo(StorageErrorCode.INDEX_CORRUPT);
        assertThat(Files.exists(config.indexFile())).isTrue();
    }
}
