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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.PeerId;
import net.dig.node.ConfigLoader.Setting;
import net.dig.proof.Verdict;
import net.dig.service.ValidatorService;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage challenges over real peer connections (NodeRuntime in process, TLS, SQLite, HTTP on loopback): A holds X,
 * B takes X from A by replication, V runs with {@code validation.enabled} and holds nothing of X. V challenges both
 * holders from their holdings and the owner-signed record, verifies the bundles without the data, and their
 * reputation rises in {@code /node/status} and {@code /network/peers}. A challenge for a datastore A does not hold
 * fails, puts A in containment, is repeated on the next tick and only then counts; B never loses reputation. The
 * signed attestations reach every peer of V: A's {@code /node/status} warns its operator, B's does not, and their
 * earnings follow from them. Every node's periodic storage report is verified by its peers from the signed records.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ValidationLoopbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();

    private NodeRuntime start(String name, List<Setting> extra) throws Exception {
        return LoopbackRuntimes.start(tmp.resolve(name), "testnet11", extra, set("network.peer_connect_interval_secs", "1"),
                set("validation.report_interval_secs", "1"));
    }

    private String add(String node, String fileName, byte[] data) throws Exception {
        return LoopbackRuntimes.addDatastore(tmp.resolve(node), Files.write(tmp.resolve(fileName), data), fileName);
    }

    private static Setting set(String key, String value) {
        return new Setting(key, value, "test");
    }

    private static String p2p(NodeRuntime n) {
        return "127.0.0.1:" + n.facts().get("p2p_port");
    }

    private JsonNode json(NodeRuntime n, String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.facts().get("api_port") + path))
                .build(), HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    private static Bytes32 keyOf(NodeRuntime seenBy, NodeRuntime node) {
        PeerId peer = PeerId.parse((String) node.facts().get("peer_id"));
        return seenBy.nodeMessages.directory().get(peer).map(NodeDirectory.NodeInfo::nodeKey).orElseThrow();
    }

    private static double reputation(JsonNode status, Bytes32 key) {
        for (JsonNode p : status.path("validation").path("provers")) {
            if (p.get("public_key").asText().equals(net.dig.core.Hex.encode(key.toArray()))) {
                return p.get("reputation").asDouble();
            }
        }
        return Double.NaN;
    }

    @Test
    void aValidatorChallengesHoldersOverThePeerNetworkAndContainsOneThatCannotAnswer() throws Exception {
        byte[] x = new byte[3 * 262_144 + 1000];
        new SplittableRandom(21).nextBytes(x);
        String xId = add("a", "x.bin", x);
        String yId = add("v", "y.bin", new byte[70_000]);
        try (NodeRuntime a = start("a", List.of(set("network.replication.enabled", "false")));
             NodeRuntime b = start("b", List.of(set("network.bootstrap_nodes", p2p(a))));
             NodeRuntime v = start("v", List.of(set("network.bootstrap_nodes", p2p(a) + "," + p2p(b)),
                     set("network.replication.enabled", "false"), set("validation.enabled", "true"),
                     set("validation.interval_secs", "1"), set("validation.challenge_type", "inclusion"),
                     set("validation.rechallenges", "1")))) {
            assertThat(a.validator).isNull();
            assertThat(v.validator).isNotNull();
            await().atMost(Duration.ofSeconds(60)).until(() -> b.services().datastores().manifest(Bytes32.fromHex(xId)).isPresent());
            await().atMost(Duration.ofSeconds(60)).until(() -> v.holdings().book().holders(Bytes32.fromHex(xId)).size() == 2
                    && v.nodeMessages.directory().size() >= 2);
            Bytes32 aKey = keyOf(v, a);
            Bytes32 bKey = keyOf(v, b);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonNode s = json(v, "/node/status");
                boolean read = true;
                for (JsonNode p : s.path("validation").path("provers")) {
                    read &= p.path("service").path("reads").asLong() > 0; // a client read follows each pass
                }
                return reputation(s, aKey) > 0.5 && reputation(s, bKey) > 0.5 && read;
            });
            assertThat(v.services().datastores().manifest(Bytes32.fromHex(xId))).as("the validator holds none of X").isEmpty();
            JsonNode status = json(v, "/node/status").path("validation");
            assertThat(status.get("failed").asLong()).isZero();
            for (JsonNode p : status.path("provers")) {
                assertThat(p.path("service").path("reads").asLong()).as("client reads after passes").isPositive();
                assertThat(p.path("service").path("failed_reads").asLong()).isZero();
            }
            assertThat(status.get("passed").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(v.validator.attestations()).allSatisfy(at -> {
                assertThat(ValidatorService.verdictOf(at)).isEqualTo(Verdict.VALID);
                assertThat(at.signatureValid()).isTrue();
            });
            String aNodeId = net.dig.core.NodeIdentity.nodeIdOf(aKey.toArray());
            JsonNode peers = json(v, "/network/peers");
            double shown = -1;
            for (JsonNode p : peers.path("peers")) {
                if (p.path("node_id").asText().equals(aNodeId)) {
                    shown = p.path("reputation").asDouble();
                }
            }
            assertThat(shown).as("/network/peers shows the attested reputation").isGreaterThan(0.5);

            // a challenge for Y, which only V holds: A refuses, is contained, re-challenged on the next tick, then counted
            PeerId aPeer = PeerId.parse((String) a.facts().get("peer_id"));
            NodePayload.StorageAttestation failed = v.validator.challenge(new ValidatorService.Target<>(aPeer, aKey,
                    v.services().datastores().manifest(Bytes32.fromHex(yId)).orElseThrow().version()))
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(failed.passed()).isFalse();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> v.validator.status().provers().stream()
                            .anyMatch(p -> p.proverKey().equals(aKey) && p.confirmedFailures() == 1));
            assertThat(v.validator.status().provers()).filteredOn(p -> p.proverKey().equals(bKey)).singleElement()
                    .satisfies(p -> assertThat(p.confirmedFailures()).isZero());

            // the attestations reach the peers, one hop: A's own status warns its operator, B's does not
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(a, "/node/status").path("attestations").path("failed").asLong() >= 1);
            JsonNode aSays = json(a, "/node/status").path("attestations");
            assertThat(aSays.path("warning").asText()).contains("storage challenges attested failed");
            assertThat(aSays.path("validators").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(b, "/node/status").path("attestations").path("passed").asLong() >= 1);
            assertThat(json(b, "/node/status").path("attestations").path("warning").isNull()).isTrue();
            assertThat(json(b, "/node/status").path("attestations").path("failed").asLong()).isZero();
            assertThat(b.services().attestedReputation(aKey)).as("B knows what V attested of A").isPresent();

            // earnings follow from the attestations: B passed everything, A failed some
            JsonNode bEarns = json(b, "/node/status").path("earnings");
            assertThat(bEarns.path("pending_rewards").asDouble()).isPositive();
            assertThat(bEarns.path("validation_success_rate").asDouble()).isEqualTo(1.0);
            JsonNode aEarns = json(a, "/node/status").path("earnings");
            assertThat(aEarns.path("validation_success_rate").asDouble()).isLessThan(1.0);
            assertThat(aEarns.path("total_bribes").asDouble()).isZero();

            // storage reports: A and B report X every second; V (which holds none of X) and each other verify them
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(v, "/node/status").path("reports").path("verified").asLong() >= 2
                            && json(b, "/node/status").path("reports").path("verified").asLong() >= 1);
            assertThat(json(v, "/node/status").path("reports").path("flagged").asLong()).isZero();
            assertThat(json(a, "/node/status").path("reports").path("built").asLong()).isPositive();
        }
    }
}
