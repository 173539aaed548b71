package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import net.dig.storage.StorageClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code storage.plot_classes} and {@code storage.tiering} on a running node: a datastore read often over HTTP has
 * its plot promoted from the landing {@code ssd} directory to the {@code nvme} one, still served with the same
 * bytes, and {@code /node/status} and {@code /metrics} show it; bad class lists are refused naming the key.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TieringWiringTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<byte[]> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Setting set(String key, String value) {
        return new Setting(key, value, "test");
    }

    private static List<Setting> classed(Path home) {
        return List.of(set("storage.plots_dir", home.resolve("nvme") + "," + home.resolve("ssd") + "," + home.resolve("hdd")),
                set("storage.plot_classes", "nvme,ssd,hdd"));
    }

    @Test
    void aDatastoreReadOftenIsPromotedToTheFastClassAndStillServed() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        byte[] data = new byte[600_000];
        new SplittableRandom(5).nextBytes(data);
        Path file = Files.write(tmp.resolve("hot.bin"), data);
        List<Setting> settings = new java.util.ArrayList<>(List.of(set("api.rate_limits.capsule_retrieval", "unlimited"),
                set("storage.tiering.interval_secs", "1"), set("storage.tiering.promote_reads_per_hour", "5"),
                set("storage.tiering.demote_reads_per_hour", "0.5")));
        settings.addAll(classed(home));
        String id;
        try (NodeRuntime node = LoopbackRuntimes.startInitialised(home, "testnet11", Clock.system(), settings)) {
            int port = (int) node.facts().get("api_port");
            id = node.services().datastores().ingest(file,
                    new net.dig.storage.IngestOptions(262_144, net.dig.storage.Compression.NONE, "hot.bin"),
                    node.services().identity(), net.dig.core.Progress.none()).version().datastoreId().toHex();
            assertThat(classOf(port, "ssd").get("plots").asInt()).isEqualTo(1);
            for (int i = 0; i < 20; i++) {
                assertThat(get(port, "/datastore/" + id + "/manifest").statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> classOf(port, "nvme").get("plots").asInt() == 1);
            JsonNode tiering = status(port).path("plots").path("tiering");
            assertThat(tiering.get("active").asBoolean()).isTrue();
            assertThat(tiering.get("promoted").asLong()).isEqualTo(1);
            assertThat(tiering.get("last_move").asText()).contains("from ssd to nvme");
            assertThat(classOf(port, "ssd").get("plots").asInt()).isZero();
            assertThat(get(port, "/datastore/" + id + "/file/hot.bin").body()).isEqualTo(data);
            int metricsPort = (int) node.facts().get("metrics_port");
            String metrics = new String(get(metricsPort, "/metrics").body(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(metrics).contains("storage_tier_promotions_total 1.0").contains("storage_class_plot_bytes{class=\"nvme\"}");
        }
        assertThat(Files.list(home.resolve("nvme")).filter(p -> p.toString().endsWith(".plot")).count()).isEqualTo(1);
        assertThat(Files.list(home.resolve("ssd")).filter(p -> p.toString().endsWith(".plot")).count()).isZero();
    }

    private JsonNode status(int port) throws Exception {
        return JSON.readTree(get(port, "/node/status").body());
    }

    private JsonNode classOf(int port, String label) throws Exception {
        for (JsonNode d : status(port).path("plots").path("tiering").path("directories")) {
            if (d.get("class").asText().equals(label)) {
                return d;
            }
        }
        throw new AssertionError("no " + label + " directory in /node/status");
    }

    @Test
    void classListsAreCheckedAgainstThePlotDirectories() {
        Path home = tmp.resolve("cfg");
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), classed(home)).storage().classOf(2)).isEqualTo(StorageClass.HDD);
        assertThat(ConfigLoader.defaults().storage().classOf(0)).isEqualTo(StorageClass.SSD);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), List.of(set("storage.plot_classes", "nvme,hdd"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("storage.plot_classes: names 2 classes for 1 plot directories");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), List.of(set("storage.plot_classes", "tape"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be one of nvme, ssd, hdd");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), List.of(
                set("storage.tiering.promote_reads_per_hour", "1"), set("storage.tiering.demote_reads_per_hour", "2"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("storage.tiering.promote_reads_per_hour: must be above");
    }
}
