package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dig-node start} as a real child process (P2P, API and metrics on 127.0.0.1, any free port):
 * starts, serves HTTP, takes its admin token from {@code DIG_NODE_API_ADMIN_TOKEN} (and never logs it),
 * logs only JSON in the seed's format, stops cleanly on SIGTERM with exit 0.
 */
class StartProcessTest {
    private static final String ADMIN_TOKEN = "start-process-admin-token-42";
    @TempDir
    Path tmp;

    @Test
    void startsLogsAndStopsOnSigterm() throws Exception {
        Path home = tmp.resolve("home");
        Path ready = tmp.resolve("ready.json");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "net.dig.node.Main", "--data-dir", home.toString(),
                "--set", "api.listen_address=127.0.0.1:0", "--set", "network.listen_address=127.0.0.1:0",
                "--set", "monitoring.metrics_port=0",
                "start", "--ready-file", ready.toString());
        Path output = tmp.resolve("output.log");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        pb.environment().put("DIG_NODE_API_ADMIN_TOKEN", ADMIN_TOKEN);
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(ready) || !p.isAlive());
            assertThat(p.isAlive()).as("still running; output: %s", Files.readString(output)).isTrue();
            ObjectMapper json = new ObjectMapper();
            JsonNode readyDoc = json.readTree(Files.readString(ready));
            String nodeId = readyDoc.get("node_id").asText();
            assertThat(nodeId).matches("dig1[0-9a-f]{16}");
            assertThat(readyDoc.get("pid").asLong()).isEqualTo(p.pid());

            int apiPort = readyDoc.get("api_port").asInt();
            int metricsPort = readyDoc.get("metrics_port").asInt();
            assertThat(apiPort).isPositive();
            int p2pPort = readyDoc.get("p2p_port").asInt();
            assertThat(p2pPort).isPositive();
            assertThat(readyDoc.get("peer_id").asText()).matches("[0-9a-f]{64}");
            try (java.net.Socket p2p = new java.net.Socket("127.0.0.1", p2pPort)) {
                assertThat(p2p.isConnected()).as("the P2P listener accepts TCP").isTrue();
            }
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/node/status"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(status.statusCode()).isEqualTo(200);
                assertThat(json.readTree(status.body()).get("node_id").asText()).isEqualTo(nodeId);
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                String unknownDatastore = "{\"datastore_id\":\"0x" + "ab".repeat(32) + "\"}";
                HttpResponse<String> noToken = http.send(plotCreate(apiPort, unknownDatastore).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(noToken.statusCode()).as("admin endpoint without the token: %s", noToken.body()).isEqualTo(401);
                HttpResponse<String> withToken = http.send(plotCreate(apiPort, unknownDatastore)
                        .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(withToken.statusCode()).as("the token from DIG_NODE_API_ADMIN_TOKEN is accepted: %s", withToken.body())
                        .isEqualTo(404);
            }

            JsonNode started = event(Files.readAllLines(output), "node_started");
            assertThat(started.get("level").asText()).isEqualTo("INFO");
            assertThat(started.get("node_id").asText()).isEqualTo(nodeId);
            assertThat(started.get("component").asText()).isEqualTo("node");
            assertThat(started.get("details").get("data_dir").asText()).isEqualTo(home.toString());

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            List<String> lines = Files.readAllLines(output);
            assertThat(p.exitValue()).as("exit code; output: %s", lines).isZero();
            JsonNode stopped = event(lines, "node_stopped");
            assertThat(stopped.get("node_id").asText()).isEqualTo(nodeId);
            assertThat(stopped.get("details").has("uptime_ms")).isTrue();
            assertThat(ready).doesNotExist();
            assertThat(String.join("\n", lines)).as("the admin token is never logged").doesNotContain(ADMIN_TOKEN);
            for (String line : lines) {
                assertThat(json.readTree(line).has("event")).as("every output line is a JSON log event: %s", line).isTrue();
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static HttpRequest.Builder plotCreate(int apiPort, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/plot/create")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static JsonNode event(List<String> lines, String name) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            if (line.contains("\"event\":\"" + name + "\"")) {
                return json.readTree(line);
            }
        }
        throw new AssertionError("no " + name + " line in " + lines);
    }
}
