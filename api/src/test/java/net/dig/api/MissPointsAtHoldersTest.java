package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.PeerId;
import net.dig.service.Holders;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read of a datastore this node does not hold is 404 {@code unknown_datastore} listing the holders the
 * node knows (docs/decisions.md D40c): bounded, only peers with an announced, dialable HTTP endpoint.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MissPointsAtHoldersTest {
    private static final Bytes32 ABSENT = Bytes32.fromHex("0x" + "ab".repeat(32));

    @TempDir
    Path tmp;

    private static PeerId peer(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        return new PeerId(Bytes32.wrap(b));
    }

    private static NodeDirectory.NodeInfo announced(PeerId p, String host, int port) {
        return new NodeDirectory.NodeInfo(p, Bytes32.ZERO, "dig1node" + p.shortHex(), new NodePayload.NodeAnnouncement(p.value(),
                new byte[] {1}, new byte[] {2}, new NodePayload.HttpEndpoint(host, port, "http"), List.of("storage"), 1, 1, "full"), 0);
    }

    @Test
    void capsuleManifestAndFileMissesListTheAnnouncedHoldersBounded() throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            List<PeerId> providers = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                providers.add(peer(i));
            }
            providers.add(1, peer(1)); // listed twice
            f.services().useHolders(new Holders(id -> found(id.equals(ABSENT) ? providers : List.of()), p -> switch (p.value().toHex()
                    .substring(2, 4)) {
                case "02" -> Optional.empty(); // never announced: no endpoint to give
                case "03" -> Optional.of(announced(p, "0.0.0.0", 8555)); // a wildcard is not dialable
                default -> Optional.of(announced(p, "10.0.0." + p.value().toHex().substring(3, 4), 8555));
            }, 3));
            for (String path : List.of("/capsule/" + ABSENT.toHex() + "/0", "/datastore/" + ABSENT.toHex() + "/manifest",
                    "/datastore/" + ABSENT.toHex() + "/file/a.txt", "/datastore/" + ABSENT.toHex() + "/file-proofs/a.txt")) {
                HttpResponse<byte[]> r = f.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(404);
                JsonObject body = new JsonObject(new String(r.body()));
                assertThat(body.getString("error")).isEqualTo("unknown_datastore");
                assertThat(body.getString("datastore_id")).isEqualTo(ABSENT.toHex());
                var list = body.getJsonArray("providers");
                assertThat(list.size()).as("bounded to 3, duplicates and unusable ones left out").isEqualTo(3);
                assertThat(list.getJsonObject(0).getString("peer_id")).isEqualTo(peer(1).toHex());
                assertThat(list.getJsonObject(0).getString("api")).isEqualTo("http://10.0.0.1:8555");
                assertThat(list.getJsonObject(0).getString("url")).isEqualTo("http://10.0.0.1:8555" + path);
                assertThat(list.getJsonObject(1).getString("api")).isEqualTo("http://10.0.0.4:8555");
                assertThat(list.getJsonObject(2).getString("node_id")).isEqualTo("dig1node" + peer(5).shortHex());
            }
        }
    }

    @Test
    void aMissWithNoKnownHolderIsAPlain404WithAnEmptyListAndCountsAsDemand() throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            assertThat(f.services().content().reads().perHour(ABSENT)).isZero();
            HttpResponse<byte[]> r = f.get("/datastore/" + ABSENT.toHex() + "/manifest");
            assertThat(r.statusCode()).isEqualTo(404);
            JsonObject body = new JsonObject(new String(r.body()));
            assertThat(body.getString("error")).isEqualTo("unknown_datastore");
            assertThat(body.getJsonArray("providers")).isEmpty();
            f.get("/datastore/" + ABSENT.toHex() + "/file/a.txt");
            assertThat(f.services().content().reads().perHour(ABSENT)).as("two reads asked of a datastore not held")
                    .isCloseTo(2 * Math.log(2), org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void aHeldDatastoreIsServedAndAnUnknownCapsuleOfItIsNoPointer() throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            f.services().useHolders(new Holders(id -> found(List.of(peer(1))), p -> Optional.of(announced(p, "10.0.0.1", 1)), 4));
            assertThat(f.get("/datastore/" + f.tiny.datastoreId().toHex() + "/manifest").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> r = f.get("/capsule/" + f.tiny.datastoreId().toHex() + "/9");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(new JsonObject(new String(r.body())).getString("error")).isEqualTo("unknown_capsule");
            assertThat(new JsonObject(new String(r.body())).containsKey("providers")).isFalse();
        }
    }

    /**
     * More misses at once than the HTTP server has workers (Vert.x: 20) all reach the lookup while it is
     * still looking: none holds a worker waiting for it. Once the lookup answers, every one lists the holder.
     */
    @Test
    void missesWaitingForTheLookupHoldNoWorker() throws Exception {
        int misses = 48;
        List<java.util.concurrent.CompletableFuture<List<net.dig.service.ProviderSource.Provider>>> looking =
                java.util.Collections.synchronizedList(new ArrayList<>());
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c);
             java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            f.services().useHolders(new Holders(id -> {
                var answer = new java.util.concurrent.CompletableFuture<List<net.dig.service.ProviderSource.Provider>>();
                looking.add(answer);
                return answer;
            }, p -> Optional.of(announced(p, "10.0.0.1", 8555)), 4, java.time.Duration.ofMinutes(5)));
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < misses; i++) {
                answers.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(f.uri("/datastore/" + ABSENT.toHex() + "/manifest"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> looking.size() == misses);
            assertThat(answers).noneMatch(java.util.concurrent.CompletableFuture::isDone);
            looking.forEach(l -> l.complete(found(List.of(peer(1))).toCompletableFuture().join()));
            for (var a : answers) {
                HttpResponse<String> r = a.get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(404);
                assertThat(new JsonObject(r.body()).getJsonArray("providers").getJsonObject(0).getString("peer_id"))
                        .isEqualTo(peer(1).toHex());
            }
        }
    }

    @Test
    void aLookupThatOutlastsItsWaitIsAnsweredWithNoHolder() {
        Holders holders = new Holders(id -> new java.util.concurrent.CompletableFuture<>(),
                p -> Optional.of(announced(p, "10.0.0.1", 8555)), 4, java.time.Duration.ofMillis(50));
        assertThat(holders.lookup(ABSENT).toCompletableFuture().join()).isEmpty();
        Holders failing = new Holders(id -> java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("dht down")),
                p -> Optional.of(announced(p, "10.0.0.1", 8555)), 4);
        assertThat(failing.lookup(ABSENT).toCompletableFuture().join()).isEmpty();
    }

    /** A lookup that found {@code peers}, with no addresses of their own (the directory gives the endpoint). */
    static java.util.concurrent.CompletionStage<List<net.dig.service.ProviderSource.Provider>> found(List<PeerId> peers) {
        return java.util.concurrent.CompletableFuture.completedFuture(peers.stream()
                .map(p -> new net.dig.service.ProviderSource.Provider(p, List.of(), Optional.empty())).toList());
    }
}
