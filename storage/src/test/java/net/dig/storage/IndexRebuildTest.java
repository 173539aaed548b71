package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index is a cache of the plots: rebuilding it from plot files alone gives the same rows. */
class IndexRebuildTest {
    @TempDir
    Path tmp;

    @Test
    void rebuiltIndexEqualsTheOriginalRowForRow() throws IOException {
        StorageConfig config = new StorageConfig(tmp.resolve("home"), List.of(tmp.resolve("p1"), tmp.resolve("p2")), null);
        Path file = StorageTestSupport.write(tmp.resolve("a.bin"), StorageTestSupport.compressibleBytes(600_000, 1));
        Path dir = tmp.resolve("site");
        StorageTestSupport.write(dir.resolve("x/y.txt"), StorageTestSupport.randomBytes(1000, 2));
        StorageTestSupport.write(dir.resolve("z.txt"), StorageTestSupport.randomBytes(300_000, 3));
        List<String> original;
        Manifest a;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            a = e.ingest(file, new IngestOptions(262_144, Compression.ZSTD, null), OWNER, Progress.none());
            e.ingest(dir, new IngestOptions(1_048_576, Compression.NONE, "site"), OWNER, Progress.none());
            e.createPlot(a.datastoreId(), List.of(1), Compression.NONE);
            original = e.indexDump();
            assertThat(original).filteredOn(r -> r.startsWith("plots:")).hasSize(3);
            assertThat(original).filteredOn(r -> r.startsWith("capsules:")).hasSize(3 + 1 + 1);

            RebuildReport report = e.rebuildIndex();
            assertThat(report).isEqualTo(new RebuildReport(3, 2, 5, List.of()));
            assertThat(e.indexDump()).isEqualTo(original);
            assertThat(e.readCapsule(a.datastoreId(), 2)).hasSize(600_000 - 2 * 262_144);
        }
        // losing the index file entirely loses nothing either
        Files.delete(config.indexFile());
        Files.deleteIfExists(Path.of(config.indexFile() + "-wal"));
        Files.deleteIfExists(Path.of(config.indexFile() + "-shm"));
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.indexDump()).isEqualTo(original);
            assertThat(e.manifest(a.datastoreId())).contains(a);
        }
    }

    @Test
    void quarantinedPlotStaysQuarantinedAfterRebuild() throws IOException {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Path file = StorageTestSupport.write(tmp.resolve("a.bin"), StorageTestSupport.randomBytes(10_000, 1));
        Manifest a;
        Path plot;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            a = e.ingest(file, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            plot = e.plots().getFirst().path();
        }
        byte[] bytes = Files.readAllBytes(plot);
        bytes[7] ^= 1;
        Files.write(plot, bytes);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThatThrownBy(() -> e.locate(a.datastoreId(), 0)).isInstanceOf(StorageException.class);
            RebuildReport report = e.rebuildIndex();
            assertThat(report.plots()).isZero();
            assertThat(report.quarantined()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo(plot);
                assertThat(p.status()).isEqualTo(PlotStatus.QUARANTINED);
                assertThat(p.quarantineReason()).isEqualTo("header: unsupported plot format version 0");
            });
            assertThat(e.locate(a.datastoreId(), 0)).isEmpty();
            assertThat(e.datastores()).isEmpty();
        }
    }
}
