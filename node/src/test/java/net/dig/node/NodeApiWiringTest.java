package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running node ({@link NodeRuntime}, as {@code dig-node start} builds it, every listener on
 * 127.0.0.1) applies the {@code api:} config: the admin token from {@code DIG_NODE_API_ADMIN_TOKEN}
 * guards {@code POST /plot/create}, a low {@code capsule_retrieval} limit answers 429 with
 * {@code Retry-After}, and {@code /metrics} listens where {@code api.metrics_listen_address} says and
 * carries gossip's meters.
 */
class NodeApiWiringTest {
    private static final String TOKEN = "node-admin-token-0123456789abcdef";

    @TempDir
    Path tmp;

    @Test
    void theStartedNodeEnforcesTheConfiguredTokenAndLimitsAndListensWhereConfigured() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path file = tmp.resolve("data.bin");
        Files.write(file, new byte[600 * 1024]);
        ObjectMapper json = new ObjectMapper();
        CliRun.Result added = cli.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json");
        assertThat(added.code()).as(added.err()).isZero();
        String id = json.readTree(added.out()).get("datastore_id").asText();

        int metricsPort = freePort();
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of("DIG_NODE_API_ADMIN_TOKEN", TOKEN),
                        List.of(new Setting("api.listen_address", "127.0.0.1:0", "test"),
                                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                                new Setting("api.metrics_listen_address", "127.0.0.1:" + metricsPort, "test"),
                                new Setting("api.rate_limits.capsule_retrieval", "2/minute", "test"))),
                Optional.empty());
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            assertThat(node.facts().get("metrics_port")).isEqualTo(metricsPort);
            String api = "http://127.0.0.1:" + node.facts().get("api_port");
            assertThat(http.send(get("http://127.0.0.1:" + metricsPort + "/health").build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as("metrics listener on the configured port").isEqualTo(200);
            String metrics = http.send(get("http://127.0.0.1:" + metricsPort + "/metrics").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).as("gossip's lanes and router are exported").contains(
                    "gossip_lane_queue_depth{lane=\"bulk\"} 0.0", "gossip_lane_dropped_total{reason=\"lane_full\"} 0.0",
                    "gossip_plumtree_peers{set=\"eager\"} 0.0");

            String body = "{\"datastore_id\":\"" + id + "\",\"compression\":\"none\"}";
            HttpResponse<String> noToken = http.send(post(api + "/plot/create", body).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(401);
            assertThat(json.readTree(noToken.body()).get("error").asText()).isEqualTo("unauthorized");
            HttpResponse<String> wrongToken = http.send(post(api + "/plot/create", body)
                    .header("Authorization", "Bearer " + TOKEN.replace('0', '1')).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrongToken.statusCode()).isEqualTo(401);
            HttpResponse<String> withToken = http.send(post(api + "/plot/create", body)
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
            JsonNode plot = json.readTree(withToken.body());
            assertThat(plot.get("plot_id").asText()).matches("0x[0-9a-f]{64}");
            assertThat(plot.get("capsule_count").asInt()).isEqualTo(3);

            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> ok = http.send(get(api + "/capsule/" + id + "/" + i).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(ok.statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = http.send(get(api + "/capsule/" + id + "/2").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
            assertThat(json.readTree(limited.body()).get("error").asText()).isEqualTo("rate_limited");
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                    assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        }
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    }

    private static HttpRequest.Builder post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
