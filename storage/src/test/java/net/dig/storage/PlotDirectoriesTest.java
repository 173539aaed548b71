package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several plot directories and full disks, on real size-limited tmpfs mounts (needs root; the tests
 * are skipped, with the reason, where {@code mount} is not permitted).
 */
class PlotDirectoriesTest {
    @TempDir
    Path tmp;

    private final List<Path> mounts = new ArrayList<>();

    private Path tmpfs(String name, String size) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(ok, "cannot mount a tmpfs here (needs root): " + out.trim());
        mounts.add(dir);
        return dir;
    }

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounts) {
            new ProcessBuilder("umount", m.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void newPlotsGoToTheDirectoryWithTheMostFreeSpace() throws Exception {
        Path big = tmpfs("big", "3m");
        Path small = tmpfs("small", "2m");
        StorageConfig config = new StorageConfig(tmp.resolve("home"), List.of(small, big), null);
        Path src = StorageTestSupport.write(tmp.resolve("one-mib"), StorageTestSupport.randomBytes(1 << 20, 1));
        try (StorageEngine e = StorageTestSupport.open(config)) {
            e.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            assertThat(e.plots()).singleElement().satisfies(p -> assertThat(p.path().getParent()).isEqualTo(big));
            e.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            assertThat(e.plots()).extracting(p -> p.path().getParent()).containsExactlyInAnyOrder(big, small);
        }
    }

    @Test
    void fullDiskFailsCleanlyNamingTheDirectory() throws Exception {
        Path small = tmpfs("small", "2m");
        StorageConfig config = new StorageConfig(tmp.resolve("home"), List.of(small), null);
        Path src = StorageTestSupport.write(tmp.resolve("three-mib"), StorageTestSupport.randomBytes(3 << 20, 2));
        try (StorageEngine e = StorageTestSupport.open(config)) {
            List<String> before = e.indexDump();
            // 1. refused up front: the estimate does not fit
            assertThatThrownBy(() -> e.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none()))
                    .isInstanceOfSatisfying(StorageException.class, x -> assertThat(x.code()).isEqualTo(StorageErrorCode.NO_SPACE))
                    .hasMessageStartingWith("no plot directory has room for a plot of about")
                    .hasMessageContaining(small.toString());
            assertNothingLeft(e, config, before);

            // 2. the disk really fills up during the write (ENOSPC from the kernel)
            e.checkFreeSpace = false;
            assertThatThrownBy(() -> e.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none()))
                    .isInstanceOfSatisfying(StorageException.class, x -> assertThat(x.code()).isEqualTo(StorageErrorCode.NO_SPACE))
                    .hasMessage("cannot write plot in " + small + ": No space left on device");
            assertNothingLeft(e, config, before);

            // 3. the space is really free again
            Path little = StorageTestSupport.write(tmp.resolve("little"), StorageTestSupport.randomBytes(100_000, 3));
            e.ingest(little, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            assertThat(e.plots()).hasSize(1);
        }
    }

    private static void assertNothingLeft(StorageEngine e, StorageConfig config, List<String> indexBefore) throws IOException {
        try (var s = Files.list(config.plotDirs().getFirst())) {
            assertThat(s.filter(p -> !p.getFileName().toString().equals("lost+found")).toList()).isEmpty();
        }
        assertThat(e.indexDump()).isEqualTo(indexBefore);
    }
}
