package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that cannot listen names the address and the config key to change, exits 5, and leaves the
 * data directory as it found it: gone if the start would have created it, unchanged otherwise.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StartFailureTest {
    @TempDir
    Path tmp;

    @Test
    void aTakenApiPortIsNamedAndAFreshHomeIsNotLeftBehind() throws Exception {
        Path home = tmp.resolve("fresh");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun.Result r = start(new CliRun(home, Map.of()), "127.0.0.1:" + taken.getLocalPort(), "127.0.0.1:0", "0");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.PORT_IN_USE);
            assertThat(r.err()).contains("127.0.0.1:" + taken.getLocalPort()).contains("api.listen_address")
                    .doesNotContain("BindException");
        }
        assertThat(home).doesNotExist();
    }

    @Test
    void aTakenP2pPortLeavesAnExistingHomeUnchanged() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Map<String, Long> before = CliRun.tree(home);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun.Result r = start(cli, "127.0.0.1:0", "127.0.0.1:" + taken.getLocalPort(), "0");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.PORT_IN_USE);
            assertThat(r.err()).contains("127.0.0.1:" + taken.getLocalPort()).contains("network.listen_address");
        }
        assertThat(CliRun.tree(home)).isEqualTo(before);
    }

    @Test
    void aTakenMetricsPortNamesMonitoringMetricsPort() throws Exception {
        Path home = tmp.resolve("home");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun.Result r = start(new CliRun(home, Map.of()), "127.0.0.1:0", "127.0.0.1:0", String.valueOf(taken.getLocalPort()));
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.PORT_IN_USE);
            assertThat(r.err()).contains("127.0.0.1:" + taken.getLocalPort()).contains("monitoring.metrics_port");
        }
        assertThat(home).doesNotExist();
    }

    private static CliRun.Result start(CliRun cli, String api, String p2p, String metricsPort) {
        return cli.run("--set", "api.listen_address=" + api, "--set", "network.listen_address=" + p2p,
                "--set", "monitoring.metrics_port=" + metricsPort, "start");
    }
}
