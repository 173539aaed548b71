package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.dig.core.Bytes32;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.TreeMap;
import net.dig.core.Clock;
import net.dig.core.Hex;
import net.dig.core.NodeIdentity;
import net.dig.service.HandleRegistration;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.PeerId;
import net.dig.node.ConfigLoader.Setting;
import net.dig.service.DatastoreDownload;
import net.dig.service.Holders;
import net.dig.testkit.FileTrees;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.BeforeEach;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dig-node get} against real nodes on loopback: two homes holding the same datastore, one of
 * which serves a flipped byte from its plot; a node that does not hold it pointing at a holder; resume.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GetCommandTest {
    private static final int CS = 262_144;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path homeA;
    private Path homeB;
    private byte[] original;
    private String id;

    @BeforeEach
    void twoHomesHoldingOneDatastore() throws IOException {
        homeA = tmp.resolve("a");
        CliRun a = new CliRun(homeA, Map.of());
        assertThat(a.run("init").code()).isZero();
        original = new byte[4 * CS + 1234];
        new Random(5).nextBytes(original);
        Path file = Files.write(tmp.resolve("movie.bin"), original);
        CliRun.Result added = a.run("datastore", "add", file.toString(), "--compression", "none", "--capsule-size", "256KiB", "--json");
        assertThat(added.code()).as(added.err()).isZero();
        id = JSON.readTree(added.out()).get("datastore_id").asText();
        homeB = tmp.resolve("b");
        FileTrees.copy(homeA, homeB);
    }

    /** Damages capsule {@code index} where it lies in the home's plot file. */
    private void flipInPlot(Path home, int index) throws IOException {
        Corruption.flipStored(home.resolve("plots"), Arrays.copyOfRange(original, index * CS, index * CS + 64));
    }

    private static NodeRuntime start(Path home, Setting... extra) {
        DigNodeCommand.NodeContext ctx = LoopbackNode.context(home, extra);
        return NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
    }

    private static NodeIdentity ownerOf(Path home) {
        return StorageWiring.identity(LoopbackNode.context(home));
    }

    private static String api(NodeRuntime n) {
        return "127.0.0.1:" + n.facts().get("api_port");
    }

    private CliRun reader() {
        return new CliRun(tmp.resolve("reader"), Map.of());
    }

    @Test
    void aNodeRefusingItsDamagedCapsuleIsPassedOverAndTheFileArrivesWholeFromTheOther() throws Exception {
        // capsule i is asked of node i mod 2 first: capsule 2 of b, which finds the flip on its first
        // serve and refuses it (503) rather than sending it; a node that does send bad bytes is
        // DatastoreDownloadTest.aNodeServingAFlippedByteIsSkippedAndThePieceComesFromAnother
        flipInPlot(homeB, 2);
        try (NodeRuntime a = start(homeA); NodeRuntime b = start(homeB)) {
            Path out = tmp.resolve("got.bin");
            CliRun.Result r = reader().run("get", id, "--from", api(b), "--from", api(a), "--out", out.toString(),
                    "--parallel", "2", "--json");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readAllBytes(out)).isEqualTo(original);
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.get("fetched_bytes").asLong()).isEqualTo(original.length);
            assertThat(j.get("skipped_nodes")).as("b refused, it did not lie: it stays in use").isEmpty();
            assertThat(DatastoreDownload.stagingOf(out)).doesNotExist();
        }
    }

    @Test
    void aRunFailingOnBadBytesLeavesNothingAtOutAndTheRerunResumes() throws Exception {
        flipInPlot(homeB, 3);
        try (NodeRuntime a = start(homeA); NodeRuntime b = start(homeB)) {
            Path out = tmp.resolve("resumed.bin");
            CliRun.Result bad = reader().run("get", id, "--from", api(b), "--out", out.toString(), "--parallel", "1");
            assertThat(bad.code()).as("verification failed: exit 1").isEqualTo(ExitCodes.FAILED);
            assertThat(bad.err()).contains("capsule 3");
            assertThat(out).doesNotExist();
            CliRun.Result good = reader().run("get", id, "--from", api(a), "--out", out.toString(), "--json");
            assertThat(good.code()).as(good.err()).isZero();
            JsonNode j = JSON.readTree(good.out());
            assertThat(j.get("resumed_bytes").asLong()).as("capsules 0..2 kept from the first run").isEqualTo(3L * CS);
            assertThat(j.get("fetched_bytes").asLong()).isEqualTo(original.length - 3L * CS);
            assertThat(Files.readAllBytes(out)).isEqualTo(original);
        }
    }

    @Test
    void theLocalNodeWithoutTheDatastorePointsAtAHolderAndGetFollowsIt() throws Exception {
        Path homeC = tmp.resolve("c");
        assertThat(new CliRun(homeC, Map.of()).run("init").code()).isZero();
        try (NodeRuntime a = start(homeA); NodeRuntime c = start(homeC)) {
            PeerId holder = PeerId.parse((String) a.facts().get("peer_id"));
            var announced = new NodePayload.NodeAnnouncement(holder.value(), new byte[] {1}, new byte[] {2},
                    new NodePayload.HttpEndpoint("127.0.0.1", (int) a.facts().get("api_port"), "http"), List.of("storage"), 1, 1, "full");
            c.services().useHolders(new Holders(ds -> java.util.concurrent.CompletableFuture.completedFuture(ds.equals(Bytes32.fromHex(id))
                    ? List.of(new net.dig.service.ProviderSource.Provider(holder, List.of(), Optional.empty())) : List.of()),
                    p -> Optional.of(new NodeDirectory.NodeInfo(p, Bytes32.ZERO, "dig1holder", announced, 0)), 4));
            Path out = tmp.resolve("via-local.bin");
            CliRun.Result r = reader().run("--set", "api.listen_address=" + api(c), "get", id, "--out", out.toString(), "--json");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readAllBytes(out)).isEqualTo(original);
            assertThat(JSON.readTree(r.out()).get("nodes").toString()).contains("http://" + api(a));
        }
    }

    @Test
    void aHandleResolvesThroughTheNodesHandleServiceAndAnUnknownOneIsAUsageError() throws Exception {
        String token = "get-test-admin-token-0123456789abcdef";
        NodeIdentity owner = ownerOf(homeA);
        try (NodeRuntime a = start(homeA, new Setting("api.admin_token", token, "test"))) {
            Bytes32 ds = Bytes32.fromHex(id);
            long at = System.currentTimeMillis() / 1000;
            byte[] sig = owner.sign(new HandleRegistration("my-movie", ds, java.util.Optional.empty(), 4, at, at + 3600, false,
                    new TreeMap<>()).signingBytes());
            String body = "{\"handle\":\"my-movie\",\"datastore_id\":\"" + id + "\",\"tier\":4,\"metadata\":{},\"registered_at\":"
                    + at + ",\"expires_at\":" + (at + 3600) + ",\"signature\":\"" + Hex.encode(sig) + "\"}";
            HttpResponse<String> reg = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + api(a) + "/handle"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
            Path out = tmp.resolve("by-handle.bin");
            CliRun.Result r = reader().run("get", "my-movie", "--from", api(a), "--out", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readAllBytes(out)).isEqualTo(original);
            CliRun.Result unknown = reader().run("get", "no-such-handle", "--from", api(a), "--out", tmp.resolve("u").toString());
            assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
            assertThat(unknown.err()).contains("handle no-such-handle did not resolve");
        }
    }

    @Test
    void aNodeThatKnowsNoHolderMakesGetFailAsUnknown() throws Exception {
        Path homeC = tmp.resolve("c");
        assertThat(new CliRun(homeC, Map.of()).run("init").code()).isZero();
        try (NodeRuntime c = start(homeC)) {
            CliRun.Result r = reader().run("get", id, "--from", api(c), "--out", tmp.resolve("none").toString());
            assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("does not hold it");
            assertThat(tmp.resolve("none")).doesNotExist();
        }
    }

    /**
     * A loopback HTTP server in front of {@code node}: passes the manifest and capsules below {@code stall}
     * through, and holds every request for a capsule from {@code stall} on open until {@code release}.
     */
    private static com.sun.net.httpserver.HttpServer stallingProxy(String node, int stall, java.util.concurrent.CountDownLatch release)
            throws IOException {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        HttpClient client = HttpClient.newHttpClient();
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                if (path.startsWith("/capsule/") && Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)) >= stall) {
                    release.await();
                    ex.sendResponseHeaders(503, -1);
                    return;
                }
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://" + node + path)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                ex.getResponseBody().write(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }

    @Test
    void aGetKilledMidwayLeavesNothingAtOutAndTheRerunContinues() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        try (NodeRuntime a = start(homeA)) {
            var proxy = stallingProxy(api(a), 2, release);
            Path out = tmp.resolve("killed.bin");
            Path staged = DatastoreDownload.stagingOf(out).resolve("capsules");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "net.dig.node.Main",
                    "--data-dir", tmp.resolve("reader").toString(), "get", id, "--from", "127.0.0.1:" + proxy.getAddress().getPort(),
                    "--out", out.toString(), "--parallel", "1");
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
                    try (Stream<Path> s = Files.exists(staged) ? Files.list(staged) : Stream.empty()) {
                        return s.filter(p -> !p.getFileName().toString().startsWith(".")).count() == 2;
                    }
                });
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            } finally {
                child.destroyForcibly();
                release.countDown();
                proxy.stop(0);
            }
            assertThat(out).doesNotExist();
            CliRun.Result r = reader().run("get", id, "--from", api(a), "--out", out.toString(), "--json");
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.get("resumed_bytes").asLong()).as("capsules 0 and 1 kept from the killed run").isEqualTo(2L * CS);
            assertThat(Files.readAllBytes(out)).isEqualTo(original);
        }
    }

    @Test
    void getInItsOwnProcessWritesTheVerifiedFile() throws Exception {
        try (NodeRuntime a = start(homeA)) {
            Path out = tmp.resolve("child.bin");
            CliRun.Result r = reader().inChild(tmp, List.of(), List.of(), "get", id, "--from", api(a), "--out", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("version 1").contains("verified");
            assertThat(r.err()).contains("\"event\":\"progress\"");
            assertThat(Files.readAllBytes(out)).isEqualTo(original);
        }
    }

}
