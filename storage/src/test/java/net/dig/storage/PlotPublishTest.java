package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.core.AtomicFiles;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plots are published through {@link AtomicFiles}: its temporary names, its CREATE_NEW publish, its sweep. */
class PlotPublishTest {
    @TempDir
    Path tmp;

    @Test
    void aPlotIsWrittenUnderAnAtomicFilesTemporaryNameAndPublishedWithoutReplacing() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Path dir = config.plotDirs().getFirst();
        try (StorageEngine e = StorageTestSupport.open(config)) {
            AtomicReference<List<Path>> during = new AtomicReference<>();
            AtomicReference<String> permissions = new AtomicReference<>();
            e.beforePublish = () -> {
                try (var s = Files.list(dir)) {
                    during.set(s.toList());
                    permissions.set(PosixFilePermissions.toString(Files.getPosixFilePermissions(during.get().getFirst())));
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            };
            Manifest m = e.ingest(StorageTestSupport.write(tmp.resolve("a"), StorageTestSupport.randomBytes(5000, 1)),
                    new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            assertThat(during.get()).singleElement().satisfies(t -> {
                assertThat(AtomicFiles.isTemporary(t)).isTrue();
                assertThat(t.getFileName().toString()).startsWith(".plot.");
            });
            assertThat(permissions.get()).isEqualTo("rw-r--r--");
            Path plot = e.locate(m.datastoreId(), 0).orElseThrow().plotPath();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(plot))).isEqualTo("rw-r--r--");
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
        }
    }

    @Test
    void leftoverTemporaryPlotsOfBothNamingsAreSweptAtOpen() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Path dir = config.plotDirs().getFirst();
        Files.createDirectories(dir);
        Files.write(dir.resolve(".plot-123.plot.tmp"), new byte[100]);
        Files.write(dir.resolve(".plot.456.tmp"), new byte[100]);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            assertThat(e.plots()).isEmpty();
        }
    }
}
