package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process: init, help, configuration errors and their exit codes. */
class CliTest {
    @TempDir
    Path tmp;

    @Test
    void initCreatesTheLayoutKeyAndDefaultConfig() throws Exception {
        Path home = tmp.resolve("node-a");
        CliRun.Result r = new CliRun(home, Map.of()).run("init");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Initialized " + home).containsPattern("node id:  dig1[0-9a-f]{16} \\(new key\\)");
        assertThat(home.resolve("plots")).isDirectory();
        assertThat(home.resolve("cache")).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("node.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(home.resolve("node.yaml"))).isEqualTo(ConfigLoader.defaultYaml());

        byte[] key = Files.readAllBytes(home.resolve("node.key"));
        CliRun.Result again = new CliRun(home, Map.of()).run("init");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("Already initialized").contains("(existing key)").contains("(kept)");
        assertThat(Files.readAllBytes(home.resolve("node.key"))).isEqualTo(key);
    }

    @Test
    void dataDirComesFromTheEnvironmentWhenNoFlagIsGiven() {
        Path home = tmp.resolve("from-env");
        java.io.StringWriter out = new java.io.StringWriter();
        int code = Main.run(new String[] {"init"}, Map.of("DIG_NODE_HOME", home.toString()),
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertThat(code).isZero();
        assertThat(home.resolve("node.key")).isRegularFile();
    }

    @Test
    void initHonoursPlotDirectoriesFromFlags() {
        Path home = tmp.resolve("n");
        CliRun.Result r = new CliRun(home, Map.of()).run("--plots", tmp.resolve("disk1").toString(),
                "--plots", "disk2", "init");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tmp.resolve("disk1")).isDirectory();
        assertThat(home.resolve("disk2")).isDirectory();
    }

    @Test
    void aBadConfigValueIsExit2NamingTheKeyAndWritesNothing() throws Exception {
        Path home = tmp.resolve("bad");
        CliRun.Result r = new CliRun(home, Map.of("DIG_NODE_STORAGE_MAX_PLOTS", "-3")).run("init");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("dig-node: invalid configuration: storage.max_plots: must be >= 1, got -3\n");
        assertThat(home).doesNotExist();

        Path config = tmp.resolve("c.yaml");
        Files.writeString(config, "storage:\n  max_plot: 3\n");
        CliRun.Result unknown = new CliRun(home, Map.of()).run("--config", config.toString(), "init");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("dig-node: invalid configuration: storage.max_plot: unknown key");
        assertThat(home).doesNotExist();

        CliRun.Result missing = new CliRun(home, Map.of()).run("--config", tmp.resolve("none.yaml").toString(), "start");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("none.yaml: config file does not exist");
        assertThat(home).doesNotExist();

        CliRun.Result badSet = new CliRun(home, Map.of()).run("--set", "api.listen_address=nowhere", "start");
        assertThat(badSet.code()).isEqualTo(2);
        assertThat(badSet.err()).contains("api.listen_address: must be host:port, got \"nowhere\"");
        assertThat(home).doesNotExist();
    }

    @Test
    void usageErrorsAreExit2() {
        Path home = tmp.resolve("u");
        CliRun.Result unknownFlag = new CliRun(home, Map.of()).run("--frobnicate", "init");
        assertThat(unknownFlag.code()).isEqualTo(2);
        assertThat(unknownFlag.err()).contains("Unknown option: '--frobnicate'");
        CliRun.Result noCommand = new CliRun(home, Map.of()).run();
        assertThat(noCommand.code()).isEqualTo(2);
        assertThat(noCommand.err()).contains("Usage: dig-node");
        assertThat(home).doesNotExist();
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        CliRun.Result r = new CliRun(tmp, Map.of()).run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("init", "start", "Exit codes:", "DIG_NODE_HOME");
    }
}
