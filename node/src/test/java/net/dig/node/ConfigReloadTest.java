package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A running node re-reads node.yaml on {@code POST /admin/reload}: the log level and the rate limits
 * change at once, other changed keys are reported as needing a restart, and a bad file is refused
 * with 400 {@code bad_config} while the running config stays.
 */
class ConfigReloadTest {
    private static final String TOKEN = "reload-admin-token-0123456789abcdef";
    @TempDir
    Path tmp;

    @Test
    void reloadAppliesLiveKeysReportsTheRestAndRefusesABadFile() throws Exception {
        Path home = tmp.resolve("home");
        Path yaml = home.resolve("node.yaml");
        Files.createDirectories(home);
        Files.writeString(yaml, "monitoring:\n  log_level: info\n");
        Map<String, String> env = Map.of("DIG_NODE_API_ADMIN_TOKEN", TOKEN);
        List<Setting> flags = List.of(new Setting("api.listen_address", "127.0.0.1:0", "test"),
                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"));
        Supplier<NodeConfig> load = () -> ConfigLoader.load(Optional.of(yaml), env, flags);
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home), load.get(), Optional.of(yaml));
        ObjectMapper json = new ObjectMapper();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level before = root.getLevel();
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            node.reloadWith(load);
            String api = "http://127.0.0.1:" + node.facts().get("api_port");
            String capsule = api + "/capsule/0x" + "ab".repeat(32) + "/0";
            assertThat(send(http, get(capsule)).statusCode()).isEqualTo(404);
            assertThat(send(http, get(capsule)).statusCode()).as("no limit yet").isEqualTo(404);

            Files.writeString(yaml, "monitoring:\n  log_level: warn\nnetwork:\n  max_peers: 7\n"
                    + "api:\n  rate_limits:\n    capsule_retrieval: 1/minute\n");
            HttpResponse<String> noToken = send(http, reload(api).build());
            assertThat(noToken.statusCode()).isEqualTo(401);
            HttpResponse<String> ok = send(http, reload(api).header("Authorization", "Bearer " + TOKEN).build());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            JsonNode report = json.readTree(ok.body());
            assertThat(report.get("applied").toString()).contains("monitoring.log_level", "api.rate_limits.capsule_retrieval");
            assertThat(report.get("needs_restart").toString()).contains("network.max_peers").doesNotContain("log_level");
            assertThat(root.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(send(http, get(capsule)).statusCode()).as("first request under 1/minute").isEqualTo(404);
            assertThat(send(http, get(capsule)).statusCode()).as("second request under 1/minute").isEqualTo(429);

            Files.writeString(yaml, "monitoring:\n  log_level: loud\napi:\n  rate_limits:\n    capsule_retrieval: 100/minute\n");
            HttpResponse<String> bad = send(http, reload(api).header("Authorization", "Bearer " + TOKEN).build());
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(json.readTree(bad.body()).get("error").asText()).isEqualTo("bad_config");
            assertThat(json.readTree(bad.body()).get("message").asText()).contains("log_level");
            assertThat(root.getLevel()).as("the old config stays").isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(send(http, get(capsule)).statusCode()).as("the old limit stays").isEqualTo(429);
        } finally {
            root.setLevel(before);
        }
    }

    @Test
    void sighupReloadsTheRunningProcess() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Path yaml = home.resolve("node.yaml");
        Files.writeString(yaml, "network:\n  max_peers: 50\n");
        Path ready = tmp.resolve("ready.json");
        Path output = tmp.resolve("output.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "net.dig.node.Main",
                "--data-dir", home.toString(), "--set", "api.listen_address=127.0.0.1:0",
                "--set", "network.listen_address=127.0.0.1:0", "--set", "monitoring.metrics_port=0",
                "start", "--ready-file", ready.toString());
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        Process p = pb.start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(ready) || !p.isAlive());
            assertThat(p.isAlive()).as("running; output: %s", Files.readString(output)).isTrue();
            Files.writeString(yaml, "network:\n  max_peers: 7\n");
            assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor()).isZero();
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90))
                        .until(() -> Files.readString(output).contains("\"config_reloaded\""));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no config_reloaded after SIGHUP; alive " + p.isAlive() + "; output:\n"
                        + Files.readString(output), e);
            }
            JsonNode event = StartProcessTest.event(Files.readAllLines(output), "config_reloaded");
            assertThat(event.get("details").get("needs_restart").toString()).contains("network.max_peers");
            assertThat(p.isAlive()).as("SIGHUP does not stop the node").isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void diffNamesChangedKeysAsInTheFile() {
        NodeConfig a = ConfigLoader.load(Optional.empty(), Map.of(), List.of());
        NodeConfig b = ConfigLoader.load(Optional.empty(), Map.of(), List.of(new Setting("network.max_peers", "3", "test"),
                new Setting("storage.scrub.rate", "1MiB", "test")));
        List<String> changed = new java.util.ArrayList<>();
        ConfigReload.diff("", a, b, changed);
        assertThat(changed).containsExactlyInAnyOrder("network.max_peers", "storage.scrub.rate");
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpRequest.Builder reload(String api) {
        return HttpRequest.newBuilder(URI.create(api + "/admin/reload")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }
}
