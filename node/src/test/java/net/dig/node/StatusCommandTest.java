package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dig.core.BuildVersion;
import net.dig.core.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dig-node status} against a running node (in-process {@link NodeRuntime} on ephemeral
 * loopback ports, holding one datastore), and without one; and the root's options given after the
 * command, where operators type them.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatusCommandTest {
    @TempDir
    Path tmp;

    @Test
    void statusSummarisesTheRunningNodeInJsonAndText() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        cli.addRandomFiles(tmp, 1, 50_000);
        DigNodeCommand.NodeContext ctx = LoopbackNode.context(home);
        var identity = StorageWiring.identity(ctx);
        String nodeId = identity.nodeId();
        try (NodeRuntime node = NodeRuntime.start(ctx, identity, Clock.system())) {
            String api = "127.0.0.1:" + node.facts().get("api_port");
            CliRun.Result json = cli.run("status", "--json", "--api", api);
            assertThat(json.code()).as(json.err()).isZero();
            JsonNode doc = new ObjectMapper().readTree(json.out());
            assertThat(doc.get("api").asText()).isEqualTo("http://" + api);
            JsonNode status = doc.get("status");
            assertThat(status.get("node_id").asText()).isEqualTo(nodeId);
            assertThat(status.get("version").asText()).isEqualTo(BuildVersion.current());
            assertThat(status.get("datastores").asInt()).isEqualTo(1);
            assertThat(status.get("plots").get("count").asInt()).isEqualTo(1);
            assertThat(doc.get("peers").toString()).isEqualTo("{\"inbound\":0,\"outbound\":0}");

            CliRun.Result text = cli.run("status", "--api", api);
            assertThat(text.code()).as(text.err()).isZero();
            assertThat(text.out())
                    .contains("Node:         " + nodeId + " (dig-node " + BuildVersion.current() + ")")
                    .contains("Plots:        1 plots, ")
                    .contains("Datastores:   1")
                    .contains("Peers:        0 connected (0 in, 0 out)")
                    .contains("Uptime:       ", "Scrub:        ", "Replication:  0 pending", "P2P traffic:  ");
        }
    }

    @Test
    void statusWithoutARunningNodeSaysWhereItLookedAndExits1() throws Exception {
        CliRun cli = new CliRun(tmp.resolve("home"), Map.of());
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun.Result r = cli.run("status", "--api", "127.0.0.1:" + port);
        assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("dig-node: no node is running at http://127.0.0.1:" + port
                + " (connection refused); start one with 'dig-node start' or point --api at its HTTP API\n");

        CliRun.Result fromConfig = cli.run("status", "--set", "api.listen_address=0.0.0.0:" + port);
        assertThat(fromConfig.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(fromConfig.err()).contains("no node is running at http://127.0.0.1:" + port);
    }

    @Test
    void globalOptionsAreAcceptedAfterTheCommand() throws Exception {
        Path home = tmp.resolve("late");
        CliRun nowhere = new CliRun(tmp.resolve("unused"), Map.of());
        CliRun.Result init = nowhere.run("init", "--data-dir", home.toString());
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(home.resolve("node.yaml")).exists();

        CliRun cli = new CliRun(home, Map.of());
        CliRun.Result badKey = cli.run("start", "--set", "x=y");
        assertThat(badKey.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badKey.err()).startsWith("dig-node: invalid configuration:").doesNotContain("Unknown option");

        CliRun.Result nested = cli.run("datastore", "list", "--json", "--set", "storage.max_plots=7", "--log-level", "warn");
        assertThat(nested.code()).as(nested.err()).isZero();
        assertThat(new ObjectMapper().readTree(nested.out()).isContainerNode()).isTrue();
    }
}
