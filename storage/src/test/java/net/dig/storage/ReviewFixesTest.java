package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.compressibleBytes;
import static net.dig.storage.StorageTestSupport.countTempFiles;
import static net.dig.storage.StorageTestSupport.open;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression tests for the defects a review found in the storage engine. */
class ReviewFixesTest {
    @TempDir
    Path tmp;

    /** Records every progress call. */
    static final class RecordingProgress implements Progress {
        long total = -1;
        long done;
        final List<Long> advances = new ArrayList<>();
        boolean ended;

        @Override
        public synchronized void begin(String task, long totalUnits) {
            total = totalUnits;
        }

        @Override
        public synchronized void advance(long units) {
            done += units;
            advances.add(done);
        }

        @Override
        public synchronized void end() {
            ended = true;
        }
    }

    @Test
    void verifyProgressEndsAtExactlyItsTotal() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = open(config)) {
            e.ingest(write(tmp.resolve("a.bin"), compressibleBytes(700_000, 1)),
                    new IngestOptions(262_144, Compression.ZSTD, null), OWNER, Progress.none());
            e.ingest(write(tmp.resolve("b.bin"), randomBytes(300_000, 2)),
                    new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            RecordingProgress p = new RecordingProgress();
            VerifyReport report = e.verify(Optional.empty(), p);
            assertThat(report.plots()).hasSize(2);
            assertThat(p.total).isPositive();
            assertThat(p.done).isEqualTo(p.total);
            assertThat(p.advances).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(p.total));
            assertThat(p.ended).isTrue();
        }
    }

    @Test
    void anotherEngineOpeningWhileAPlotIsPublishedLeavesItAlone() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Path src = write(tmp.resolve("a.bin"), randomBytes(600_000, 3));
        try (StorageEngine writer = open(config)) {
            AtomicReference<Throwable> openFailure = new AtomicReference<>();
            AtomicReference<Long> tempsSeen = new AtomicReference<>();
            writer.beforePublish = () -> {
                // a second engine on the same directories (as a CLI next to a running node) opens now
                try (StorageEngine other = open(config)) {
                    tempsSeen.set(countTempFiles(config));
                } catch (Throwable t) {
                    openFailure.set(t);
                }
            };
            Manifest m = writer.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            assertThat(openFailure.get()).isNull();
            assertThat(tempsSeen.get()).isEqualTo(1L);
            assertThat(writer.readCapsule(m.datastoreId(), 0)).hasSize(262_144);
            assertThat(countTempFiles(config)).isZero();
        }
    }

    @Test
    void aPlotMadeByAnotherNodeIsQuarantinedAndNeverServed() throws Exception {
        StorageConfig theirs = StorageConfig.under(tmp.resolve("theirs"));
        Manifest m;
        try (StorageEngine e = open(theirs)) {
            m = e.ingest(write(tmp.resolve("a.bin"), randomBytes(300_000, 4)),
                    new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
        }
        Path plot;
        try (var s = java.nio.file.Files.list(theirs.plotDirs().getFirst())) {
            plot = s.filter(p -> p.toString().endsWith(".plot")).findFirst().orElseThrow();
        }
        StorageConfig mine = StorageConfig.under(tmp.resolve("mine"));
        java.nio.file.Files.createDirectories(mine.plotDirs().getFirst());
        java.nio.file.Files.copy(plot, mine.plotDirs().getFirst().resolve(plot.getFileName()));
        net.dig.core.NodeIdentity me = net.dig.core.NodeIdentity.fromSeed(StorageTestSupport.seed(9));
        String reason = "foreign plot: made by node " + StorageTestSupport.NODE.nodeId();
        try (StorageEngine e = StorageEngine.open(mine, new net.dig.testkit.ManualClock(), me, new java.util.SplittableRandom(1))) {
            assertThat(e.plots()).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(PlotStatus.QUARANTINED);
                assertThat(p.quarantineReason()).isEqualTo(reason);
            });
            assertThat(e.datastores()).isEmpty();
            assertThat(e.manifest(m.datastoreId())).isEmpty();
            e.rebuildIndex();
            assertThat(e.plots()).singleElement().satisfies(p -> assertThat(p.quarantineReason()).isEqualTo(reason));
            assertThat(e.datastores()).isEmpty();
            VerifyReport report = e.verify(Optional.empty(), Progress.none());
            assertThat(report.plots()).singleElement().satisfies(v -> assertThat(v.ok()).isFalse());
            assertThat(e.plots()).singleElement().satisfies(p -> assertThat(p.quarantineReason()).isEqualTo(reason));
        }
    }

    @Test
    void readersDuringARebuildAlwaysSeeEveryKnownDatastore() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = open(config)) {
            List<net.dig.core.Bytes32> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(e.ingest(write(tmp.resolve("f" + i + ".bin"), randomBytes(100_000, 10 + i)),
                        new IngestOptions(262_144, Compression.NONE, "store-" + i), OWNER, Progress.none()).datastoreId());
            }
            List<String> before = e.indexDump();
            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicInteger steps = new java.util.concurrent.atomic.AtomicInteger();
            e.rebuildStep = () -> {
                steps.incrementAndGet();
                // a reader in another thread (this engine) and another connection (another process)
                Thread reader = Thread.ofPlatform().start(() -> {
                    try {
                        List<net.dig.core.Bytes32> seen = e.datastores().stream().map(DatastoreSummary::datastoreId).toList();
                        for (net.dig.core.Bytes32 id : ids) {
                            if (!seen.contains(id) || e.manifest(id).isEmpty()) {
                                problems.add("engine misses " + id);
                            }
                        }
                        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + config.indexFile());
                             var rs = db.createStatement().executeQuery("SELECT count(*) FROM datastores")) {
                            rs.next();
                            if (rs.getInt(1) != ids.size()) {
                                problems.add("another connection sees " + rs.getInt(1) + " datastores");
                            }
                        }
                    } catch (Exception ex) {
                        problems.add(ex.toString());
                    }
                });
                try {
                    reader.join();
                } catch (InterruptedException ex) {
                    throw new AssertionError(ex);
                }
            };
            RebuildReport report = e.rebuildIndex();
            e.rebuildStep = null;
            assertThat(steps.get()).isGreaterThanOrEqualTo(3);
            assertThat(problems).isEmpty();
            assertThat(report.datastores()).isEqualTo(3);
            assertThat(e.indexDump()).isEqualTo(before);
        }
    }
}
