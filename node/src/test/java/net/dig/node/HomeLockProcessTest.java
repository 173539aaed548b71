package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node per data directory ({@link HomeLock}): a running {@code dig-node start} (a real child
 * process) holds {@code <home>/node.lock}; a second start and every storage command are refused with the
 * holder's pid and exit code 3, and nothing of the running node's home is touched; after the holder is
 * killed with SIGKILL the kernel has released the lock and the next start succeeds.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HomeLockProcessTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondNodeOnOneHomeIsRefusedUntilTheFirstIsKilled() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path source = tmp.resolve("data.bin");
        Files.write(source, new byte[5000]);

        Process first = startChild(home, tmp.resolve("ready1.json"), tmp.resolve("first.log"));
        try {
            awaitReady(first, tmp.resolve("ready1.json"), tmp.resolve("first.log"));
            String pid = "pid " + first.pid();
            Map<String, Long> before = CliRun.tree(home);

            CliRun.Result second = cli.inChild(tmp, List.of(), List.of(), loopbackStart(tmp.resolve("ready2.json")));
            assertThat(second.code()).as("second start: %s", second.err()).isEqualTo(ExitCodes.HOME_LOCKED);
            assertThat(second.err()).contains(home.toString()).contains(pid);
            assertThat(tmp.resolve("ready2.json")).doesNotExist();

            for (String[] command : List.of(new String[] {"datastore", "add", source.toString()},
                    new String[] {"datastore", "list"}, new String[] {"plot", "list"}, new String[] {"plot", "verify"},
                    new String[] {"index", "rebuild"}, new String[] {"init"})) {
                CliRun.Result r = cli.run(command);
                assertThat(r.code()).as("%s: %s", String.join(" ", command), r.err()).isEqualTo(ExitCodes.HOME_LOCKED);
                assertThat(r.err()).contains(pid).contains("in use");
            }
            assertThat(CliRun.tree(home)).as("the refused commands left the running node's home alone").isEqualTo(before);

            first.destroyForcibly(); // SIGKILL: no shutdown hook runs, the kernel drops the lock
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();

            CliRun.Result list = cli.run("plot", "list");
            assertThat(list.code()).as("after the kill: %s", list.err()).isZero();
            Process third = startChild(home, tmp.resolve("ready3.json"), tmp.resolve("third.log"));
            try {
                awaitReady(third, tmp.resolve("ready3.json"), tmp.resolve("third.log"));
                assertThat(Files.readString(home.resolve("node.lock"))).contains("pid=" + third.pid());
            } finally {
                third.destroyForcibly();
                third.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            first.destroyForcibly();
        }
    }

    private static String[] loopbackStart(Path ready) {
        return new String[] {"--set", "api.listen_address=127.0.0.1:0", "--set", "network.listen_address=127.0.0.1:0",
                "--set", "monitoring.metrics_port=0", "start", "--ready-file", ready.toString()};
    }

    private static Process startChild(Path home, Path ready, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "net.dig.node.Main",
                "--data-dir", home.toString()));
        command.addAll(List.of(loopbackStart(ready)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        return pb.start();
    }

    private static void awaitReady(Process p, Path ready, Path log) throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(ready) || !p.isAlive());
        assertThat(p.isAlive()).as("node running; output: %s", Files.readString(log)).isTrue();
    }
}
