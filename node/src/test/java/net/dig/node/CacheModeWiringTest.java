package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import net.dig.storage.Compression;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three running nodes on loopback (NodeRuntime, in process, real TLS, SQLite and HTTP): A holds X, B holds Y
 * and takes X from A by replication, so X has two holders and Y one; C runs {@code node.mode: cache} with
 * {@code min_providers: 2}. A first read of X on C fetches it through from the holders and serves the
 * verified bytes, stored plain although A stores it zstd-compressed; so does a read of Y. After
 * {@code ttl_hours} of C's cache clock without a read, C drops X (two holders elsewhere) and keeps Y
 * (one holder elsewhere, fewer than {@code min_providers}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CacheModeWiringTest {
    private static final String NETWORK = "testnet11";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();

    private NodeRuntime start(String name, Clock cacheClock, List<Setting> extra) {
        Path home = tmp.resolve(name);
        if (!Files.exists(home.resolve("node.yaml"))) {
            assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        }
        List<Setting> settings = new ArrayList<>(List.of(
                new Setting("api.listen_address", "127.0.0.1:0", "test"),
                new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                new Setting("api.rate_limits.api_requests", "unlimited", "test"),
                new Setting("api.rate_limits.capsule_retrieval", "unlimited", "test"),
                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                new Setting("network.network_id", NETWORK, "test"),
                new Setting("network.peer_connect_interval_secs", "1", "test")));
        settings.addAll(extra);
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), settings), Optional.empty());
        return NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system(), cacheClock);
    }

    private String add(String node, String fileName, byte[] data, String compression) throws Exception {
        Path home = tmp.resolve(node);
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path file = Files.write(tmp.resolve(fileName), data);
        CliRun.Result added = cli.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json",
                "--compression", compression, "--name", fileName);
        assertThat(added.code()).as(added.err()).isZero();
        return JSON.readTree(added.out()).get("datastore_id").asText();
    }

    private static Setting set(String key, String value) {
        return new Setting(key, value, "test");
    }

    private static String p2p(NodeRuntime n) {
        return "127.0.0.1:" + n.facts().get("p2p_port");
    }

    private HttpResponse<byte[]> get(NodeRuntime n, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.facts().get("api_port") + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aCacheNodeFetchesOnFirstReadServesVerifiedBytesAndDropsOnlyWhatEnoughOthersHoldAfterTheTtl() throws Exception {
        byte[] x = "a compressible line of text, again and again\n".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        byte[] y = new byte[2 * 262_144 + 99];
        new SplittableRandom(11).nextBytes(y);
        String xId = add("a", "x.txt", x, "zstd");
        String yId = add("b", "y.bin", y, "none");
        ManualClock cacheClock = new ManualClock();
        try (NodeRuntime a = start("a", Clock.system(), List.of(set("network.replication.enabled", "false")));
             NodeRuntime b = start("b", Clock.system(), List.of(set("network.bootstrap_nodes", p2p(a))));
             NodeRuntime c = start("c", cacheClock, List.of(set("network.bootstrap_nodes", p2p(a) + "," + p2p(b)),
                     set("network.replication.enabled", "false"), set("node.mode", "cache"),
                     set("node.cache.min_providers", "2"), set("node.cache.ttl_hours", "168")))) {
            assertThat(c.cache).isNotNull();
            assertThat(a.cache).isNull();
            Bytes32 xKey = Bytes32.fromHex(xId);
            Bytes32 yKey = Bytes32.fromHex(yId);
            await().atMost(Duration.ofSeconds(60)).until(() -> get(b, "/datastore/" + xId + "/manifest").statusCode() == 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.holdings().book().holders(xKey).size() == 2
                    && c.holdings().book().holders(yKey).size() == 1);
            assertThat(c.services().datastores().manifest(xKey)).isEmpty();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> get(c, "/datastore/" + xId + "/file/x.txt").statusCode() == 200);
            assertThat(get(c, "/datastore/" + xId + "/file/x.txt").body()).isEqualTo(x);
            assertThat(c.cache.keeps(xKey)).isTrue();
            assertThat(JSON.readTree(get(c, "/datastore/" + xId + "/manifest").body()))
                    .isEqualTo(JSON.readTree(get(a, "/datastore/" + xId + "/manifest").body()));
            assertThat(a.services().content().locate(xKey, 0).orElseThrow().codec()).isEqualTo(Compression.ZSTD);
            assertThat(c.services().content().locate(xKey, 0).orElseThrow().codec()).as("stored plain")
                    .isEqualTo(Compression.NONE);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> get(c, "/datastore/" + yId + "/file/y.bin").statusCode() == 200);
            assertThat(get(c, "/datastore/" + yId + "/file/y.bin").body()).isEqualTo(y);
            assertThat(c.cache.keeps(yKey)).isTrue();

            cacheClock.advance(Duration.ofHours(167));
            c.cache.tick();
            assertThat(c.cache.keeps(xKey)).as("read within the ttl").isTrue();
            cacheClock.advance(Duration.ofHours(2));
            c.cache.tick();
            assertThat(c.cache.keeps(xKey)).isFalse();
            assertThat(c.services().datastores().manifest(xKey)).as("X left the store").isEmpty();
            assertThat(c.cache.keeps(yKey)).as("Y has one holder elsewhere, fewer than min_providers").isTrue();
            assertThat(c.services().datastores().manifest(yKey)).isPresent();
            assertThat(c.cache.status().evicted()).isEqualTo(1);
            assertThat(Files.readString(tmp.resolve("c").resolve(CacheModeWiring.KEPT))).isEqualTo(yId + "\n");
        }
    }

}
