package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datastore add} onto a real, size-limited tmpfs plot directory (needs root to mount). */
class FullDiskCliTest {
    @TempDir
    Path tmp;

    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullDiskIsExit1NamingTheDirectoryAndLeavesNoPlot() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("small-disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "cannot mount a tmpfs here (needs root): " + out.trim());
        mount = disk;

        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("--plots", disk.toString(), "init").code()).isZero();
        Path big = tmp.resolve("big.bin");
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Files.write(big, data);

        CliRun.Result r = cli.run("--plots", disk.toString(), "datastore", "add", big.toString(), "--compression", "none");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("dig-node: ").contains(disk.toString());
        assertThat(r.out()).isEmpty();
        try (var files = Files.list(disk)) {
            assertThat(files.toList()).as("nothing left in the plot directory").isEmpty();
        }
        CliRun.Result list = cli.run("--plots", disk.toString(), "datastore", "list", "--json");
        assertThat(list.out().strip()).isEqualTo("[ ]");
    }
}
