package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
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
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.gossip.PeerId;
import net.dig.node.ConfigLoader.Setting;
import net.dig.service.ManifestCodec;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two running nodes (NodeRuntime, in process, real TLS and SQLite): B peers with A through
 * {@code bootstrap_nodes}; a version pushed to A ({@code POST /datastore/push}) is answered with B among
 * {@code propagation_peers} and a storage estimate, and B then holds it byte for byte (its own HTTP API
 * serves the manifest A signed). A third node with {@code network.replication.enabled: false} declines.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReplicationWiringTest {
    private static final String NETWORK = "testnet11";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();

    private NodeRuntime start(String name, List<Setting> extra) {
        Path home = tmp.resolve(name);
        if (!Files.exists(home.resolve("node.yaml"))) {
            assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        }
        List<Setting> settings = new ArrayList<>(List.of(
                new Setting("api.listen_address", "127.0.0.1:0", "test"),
                new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                new Setting("api.open_push", "true", "test"),
                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                new Setting("network.network_id", NETWORK, "test"),
                new Setting("network.peer_connect_interval_secs", "1", "test")));
        settings.addAll(extra);
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), settings), Optional.empty());
        return NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
    }

    private static List<Setting> bootstrapTo(NodeRuntime to) {
        return List.of(new Setting("network.bootstrap_nodes", "127.0.0.1:" + to.facts().get("p2p_port"), "test"));
    }

    private static PeerId peerId(NodeRuntime n) {
        return PeerId.parse((String) n.facts().get("peer_id"));
    }

    private HttpResponse<String> get(NodeRuntime n, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.facts().get("api_port") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aVersionPushedToOneNodeIsAcceptedFetchedAndServedByItsPeerAndDeclinedByAnOptedOutOne() throws Exception {
        Path scratch = tmp.resolve("scratch");
        byte[] data = new byte[3 * 262_144 + 999];
        new SplittableRandom(3).nextBytes(data);
        Path file = tmp.resolve("content.bin");
        Files.write(file, data);
        Manifest m;
        List<byte[]> capsules = new ArrayList<>();
        try (StorageEngine e = StorageEngine.open(StorageConfig.under(scratch), Clock.system(),
                NodeIdentity.fromSeed(new byte[32]), new SplittableRandom(1))) {
            m = e.ingest(file, new IngestOptions(262_144, Compression.NONE, "content.bin"),
                    NodeIdentity.fromSeed(filled(7)), Progress.none());
            for (int i = 0; i < m.capsules().size(); i++) {
                capsules.add(e.readCapsule(m.datastoreId(), i));
            }
        }
        try (NodeRuntime a = start("a", List.of());
             NodeRuntime b = start("b", bootstrapTo(a));
             NodeRuntime c = start("c", concat(bootstrapTo(a),
                     new Setting("network.replication.enabled", "false", "test")))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> a.nodeMessages.directory().get(peerId(b)).isPresent()
                    && a.nodeMessages.directory().get(peerId(c)).isPresent()
                    && b.nodeMessages.directory().get(peerId(a)).isPresent()
                    && c.nodeMessages.directory().get(peerId(a)).isPresent());

            HttpResponse<String> pushed = push(a, ManifestCodec.encode(m), capsules);
            assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(pushed.body());
            assertThat(answer.get("propagation_peers")).hasSize(1);
            assertThat(answer.get("propagation_peers").get(0).asText()).isEqualTo(b.facts().get("peer_id"));
            assertThat(answer.get("propagation_free_bytes").asLong()).isPositive();
            assertThat(answer.get("storage_estimate").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            String id = m.datastoreId().toHex();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> get(b, "/datastore/" + id + "/manifest").statusCode() == 200);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("B's fetch: " + b.replication.fetching(m.datastoreId()).map(f -> f.outcome() + " starved "
                        + f.starved() + " in flight " + f.inFlight() + " windows " + f.windowsFrom()).orElse("none"), e);
            }
            assertThat(JSON.readTree(get(b, "/datastore/" + id + "/manifest").body()))
                    .isEqualTo(JSON.readTree(get(a, "/datastore/" + id + "/manifest").body()));
            assertThat(get(c, "/datastore/" + id + "/manifest").statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(get(b, "/datastores").body()).get("datastores").get(0).get("reason").asText())
                    .as("fetched from its peer").isEqualTo("replicated");
            assertThat(JSON.readTree(get(a, "/datastores").body()).get("datastores").get(0).get("reason").asText())
                    .as("pushed over HTTP").isEqualTo("received");
            HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.facts().get("api_port")
                    + "/datastore/" + id + "/file/content.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(data);
            assertThat(JSON.readTree(get(a, "/node/status").body()).at("/network/capsule_bytes_uploaded").asLong())
                    .as("A uploaded B's windows").isGreaterThanOrEqualTo(data.length);
            assertThat(JSON.readTree(get(b, "/node/status").body()).at("/network/capsule_bytes_uploaded").asLong()).isZero();
            assertThat(JSON.readTree(get(b, "/node/status").body()).at("/network/capsule_bytes_downloaded").asLong())
                    .as("B fetched and verified the windows").isEqualTo(data.length);
            assertThat(JSON.readTree(get(a, "/node/status").body()).at("/network/capsule_bytes_downloaded").asLong()).isZero();
        }
    }

    @Test
    void aByteFlippedInAPlotOfARunningNodeIsFoundByTheScrubberAndRepairedFromItsPeer() throws Exception {
        Path scratch = tmp.resolve("scratch-repair");
        byte[] data = new byte[3 * 262_144 + 999];
        new SplittableRandom(4).nextBytes(data);
        Path file = tmp.resolve("repair.bin");
        Files.write(file, data);
        Manifest m;
        List<byte[]> capsules = new ArrayList<>();
        try (StorageEngine e = StorageEngine.open(StorageConfig.under(scratch), Clock.system(),
                NodeIdentity.fromSeed(new byte[32]), new SplittableRandom(1))) {
            m = e.ingest(file, new IngestOptions(262_144, Compression.NONE, "repair.bin"),
                    NodeIdentity.fromSeed(filled(9)), Progress.none());
            for (int i = 0; i < m.capsules().size(); i++) {
                capsules.add(e.readCapsule(m.datastoreId(), i));
            }
        }
        List<Setting> scrubEverySecond = List.of(new Setting("storage.scrub.period_secs", "1", "test"));
        try (NodeRuntime a = start("a", scrubEverySecond);
             NodeRuntime b = start("b", bootstrapTo(a))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> a.nodeMessages.directory().get(peerId(b)).isPresent()
                    && b.nodeMessages.directory().get(peerId(a)).isPresent());
            assertThat(push(a, ManifestCodec.encode(m), capsules).statusCode()).isEqualTo(200);
            String id = m.datastoreId().toHex();
            await().atMost(Duration.ofSeconds(60)).until(() -> get(b, "/datastore/" + id + "/manifest").statusCode() == 200);

            net.dig.testkit.Corruption.flipStored(tmp.resolve("a").resolve("plots"), java.util.Arrays.copyOf(capsules.get(1), 64));
            // the scrubber finds the flip, the capsule is refused, the repair finds B through the DHT, fetches the
            // capsule over the peer connection, verifies it against the signed root and writes it into a new plot
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                    JSON.readTree(get(a, "/node/status").body()).at("/plots/repairs/repaired").asLong() >= 1);
            HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.facts().get("api_port")
                    + "/capsule/" + id + "/1")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(capsules.get(1));
            assertThat(JSON.readTree(get(a, "/node/status").body()).at("/plots/repairs/pending").asLong()).isZero();
            // one fetch service per node: the repairs and replication share its staging and its budget
            for (NodeRuntime n : List.of(a, b)) {
                assertThat(n.repairs.fetches()).isSameAs(n.fetches);
                assertThat(n.replication.fetches()).isSameAs(n.fetches);
            }
        }
    }

    @Test
    void aVersionAddedWhileTheNodeWasStoppedIsOfferedToItsPeersOnTheNextStart() throws Exception {
        Path homeA = tmp.resolve("a");
        CliRun cli = new CliRun(homeA, Map.of());
        assertThat(cli.run("init").code()).isZero();
        byte[] data = new byte[2 * 262_144 + 77];
        new SplittableRandom(5).nextBytes(data);
        Path file = Files.write(tmp.resolve("offline.bin"), data);
        CliRun.Result added = cli.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json",
                "--compression", "none", "--name", "offline");
        assertThat(added.code()).as(added.err()).isZero();
        String id = JSON.readTree(added.out()).get("datastore_id").asText();
        assertThat(homeA.resolve(ReplicationWiring.OFFERED)).doesNotExist();
        try (NodeRuntime a = start("a", List.of());
             NodeRuntime b = start("b", bootstrapTo(a))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> get(b, "/datastore/" + id + "/manifest").statusCode() == 200);
            assertThat(JSON.readTree(get(b, "/datastore/" + id + "/manifest").body()))
                    .isEqualTo(JSON.readTree(get(a, "/datastore/" + id + "/manifest").body()));
            HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.facts().get("api_port")
                    + "/datastore/" + id + "/file/offline.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(data);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(homeA.resolve(ReplicationWiring.OFFERED)));
            assertThat(Files.readString(homeA.resolve(ReplicationWiring.OFFERED))).contains(id + " 1");
        }
    }

    private HttpResponse<String> push(NodeRuntime n, String manifest, List<byte[]> capsules) throws Exception {
        String boundary = "b0undary" + Bytes32.ZERO.toHex().substring(0, 8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "manifest", null, manifest.getBytes(StandardCharsets.UTF_8));
        part(body, boundary, "compression", null, "none".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < capsules.size(); i++) {
            part(body, boundary, "capsule-" + i, "c" + i + ".bin", capsules.get(i));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.facts().get("api_port") + "/datastore/push"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void part(ByteArrayOutputStream out, String boundary, String name, String filename, byte[] content)
            throws java.io.IOException {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream") + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static List<Setting> concat(List<Setting> a, Setting b) {
        List<Setting> all = new ArrayList<>(a);
        all.add(b);
        return all;
    }

    private static byte[] filled(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }
}
