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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.node.ConfigLoader.Setting;
import net.dig.service.ProviderSource;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.StorageEngine;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The started node runs its repairs: a capsule that rotted while the node was down is refused on its first
 * serve and shows as a pending repair in {@code /node/status} and {@code /metrics}; the transport adapter
 * hands the DHT's providers over as peer ids.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RepairWiringTest {
    @TempDir
    Path tmp;

    @Test
    void aCapsuleFoundBadOnARunningNodeIsAPendingRepairInStatusAndMetrics() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path file = tmp.resolve("data.bin");
        byte[] content = new byte[600 * 1024];
        new java.util.SplittableRandom(6).nextBytes(content);
        Files.write(file, content); // incompressible: stored plain
        ObjectMapper json = new ObjectMapper();
        CliRun.Result added = cli.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json");
        assertThat(added.code()).as(added.err()).isZero();
        String id = json.readTree(added.out()).get("datastore_id").asText();
        int metricsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(),
                        List.of(new Setting("api.listen_address", "127.0.0.1:0", "test"),
                                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                                new Setting("api.metrics_listen_address", "127.0.0.1:" + metricsPort, "test"))),
                Optional.empty());
        try (StorageEngine engine = StorageWiring.open(ctx, StorageWiring.identity(ctx), Clock.system())) {
            CapsuleLocation loc = engine.locate(Bytes32.fromHex(id), 1).orElseThrow();
            Corruption.flip(loc.plotPath(), loc.offset() + loc.storedLength() / 2);
        }
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            String api = "http://127.0.0.1:" + node.facts().get("api_port");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(api + "/capsule/" + id + "/1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            JsonNode repairs = json.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/node/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("plots").get("repairs");
            assertThat(repairs.get("pending").asInt()).isEqualTo(1);
            assertThat(repairs.get("repaired").asLong()).isZero();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("repair_pending_capsules 1.0", "repair_capsules_repaired_total 0.0");
        }
    }

    @Test
    void theTransportHandsTheProvidersOverAsPeerIdsOnceEach() throws Exception {
        PeerId a = new PeerId(Bytes32.wrap(new byte[32], 0));
        byte[] other = new byte[32];
        other[0] = 7;
        PeerId b = new PeerId(Bytes32.wrap(other, 0));
        ProviderSource source = id -> CompletableFuture.completedFuture(List.of(new ProviderSource.Provider(a, List.of(), java.util.Optional.empty()),
                new ProviderSource.Provider(b, List.of(), java.util.Optional.empty()), new ProviderSource.Provider(a, List.of(), java.util.Optional.empty())));
        assertThat(RepairWiring.transport(source, sink -> null).providers(Bytes32.ZERO).toCompletableFuture().get())
                .containsExactly(a, b);
        assertThat(RepairWiring.noProviders().providers(Bytes32.ZERO).toCompletableFuture().get()).isEmpty();
    }
}
