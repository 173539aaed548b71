package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.core.BuildVersion;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version the node shows is the Maven build's, the same everywhere: {@code --version}, the
 * {@code node_started} log's facts, {@code GET /node/status} and the P2P handshake's software version.
 * The build passes {@code project.version} to the tests as the system property {@code dig.build.version}.
 */
class BuildVersionTest {
    private static final String BUILT = System.getProperty("dig.build.version");

    @TempDir
    Path tmp;

    @Test
    void theCliTheLogsTheStatusAndTheHandshakeShowTheBuiltVersion() throws Exception {
        assertThat(BUILT).as("dig.build.version from the pom").isNotBlank().doesNotContain("${");
        assertThat(BuildVersion.current()).isEqualTo(BUILT);

        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        CliRun.Result version = cli.run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).isEqualTo("dig-node " + BUILT + "\n");

        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.empty(), Map.of(), List.of(
                        new Setting("api.listen_address", "127.0.0.1:0", "test"),
                        new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                        new Setting("network.listen_address", "127.0.0.1:0", "test"))),
                Optional.empty());
        assertThat(GossipWiring.gossipConfig(ctx).transport().softwareVersion()).isEqualTo("dig-node/" + BUILT);
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            assertThat(node.facts().get("version")).isEqualTo(BUILT);
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.facts().get("api_port") + "/node/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(status.body()).get("version").asText()).isEqualTo(BUILT);
        }
    }
}
