package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StorageEngine#plotBytesOnDisk()} is what {@code du -sb} (apparent bytes) says of the plot directories. */
class DiskAccountingTest {
    @TempDir
    Path tmp;

    static long du(List<Path> dirs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("du", "-sbc"));
        dirs.forEach(d -> cmd.add(d.toString()));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String[] lines = out.trim().split("\n");
        String total = lines[lines.length - 1];
        assertThat(total).endsWith("total");
        return Long.parseLong(total.split("\\s+")[0]);
    }

    @Test
    void plotBytesEqualDuOfThePlotDirectories() throws Exception {
        List<Path> dirs = List.of(tmp.resolve("p1"), tmp.resolve("p2"));
        StorageConfig config = new StorageConfig(tmp.resolve("home"), dirs, null);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.plotBytesOnDisk()).isEqualTo(du(dirs));
            Path a = StorageTestSupport.write(tmp.resolve("a"), StorageTestSupport.compressibleBytes(700_000, 1));
            Path b = StorageTestSupport.write(tmp.resolve("b"), StorageTestSupport.randomBytes(123_457, 2));
            e.ingest(a, new IngestOptions(262_144, Compression.ZSTD, null), OWNER, Progress.none());
            e.ingest(b, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            long reported = e.plotBytesOnDisk();
            assertThat(reported).isEqualTo(du(dirs));
            long plotSizes = e.plots().stream().mapToLong(PlotSummary::sizeBytes).sum();
            assertThat(reported).isGreaterThan(plotSizes);
        }
    }

    @Test
    void theByteCountIsKeptUpToDateWithoutWalkingTheDirectories() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        List<Path> dirs = config.plotDirs();
        try (StorageEngine e = StorageTestSupport.open(config)) {
            Manifest a = e.ingest(StorageTestSupport.write(tmp.resolve("a"), StorageTestSupport.randomBytes(300_000, 1)),
                    new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            e.ingest(StorageTestSupport.write(tmp.resolve("b"), StorageTestSupport.randomBytes(100_000, 2)),
                    new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            assertThat(e.plotBytesOnDisk()).isEqualTo(du(dirs));
            assertThat(e.plotCount()).isEqualTo(2);
            // a file someone else drops into a plot directory is not seen by a scrape (no walk) ...
            StorageTestSupport.write(dirs.getFirst().resolve("notes.txt"), new byte[12_345]);
            long scraped = e.plotBytesOnDisk();
            assertThat(scraped).isEqualTo(du(dirs) - 12_345);
            // ... until a rebuild walks them again
            e.rebuildIndex();
            assertThat(e.plotBytesOnDisk()).isEqualTo(du(dirs));
            e.evict(a.datastoreId());
            assertThat(e.plotBytesOnDisk()).isEqualTo(du(dirs));
            assertThat(e.plotCount()).isEqualTo(1);
            assertThat(e.quarantinedPlotCount()).isZero();
        }
    }
}
