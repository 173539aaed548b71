package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.NodeProfile;
import net.dig.node.ConfigLoader.Setting;
import net.dig.testkit.ManualClock;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /network/peers} and {@code GET /node/status} of a running node show real numbers: the peer's
 * announced node id, capabilities and mode, its reputation falling after it sends a message the node
 * refuses, {@code last_seen} the node clock's time of the last message, P2P bytes growing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveNetworkNumbersTest {
    private static final String NETWORK = "testnet11";
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    private JsonObject get(NodeRuntime node, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.facts().get("api_port") + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private JsonObject onlyPeer(NodeRuntime node) throws Exception {
        JsonArray peers = get(node, "/network/peers").getJsonArray("peers");
        assertThat(peers.size()).isEqualTo(1);
        return peers.getJsonObject(0);
    }

    @Test
    void peersAndStatusShowTheLiveReputationAnnouncementLastMessageAndTraffic() throws Exception {
        Path home = tmp.resolve("node");
        assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        DigNodeCommand.NodeContext ctx = LoopbackNode.context(home, new Setting("network.network_id", NETWORK, "test"));
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        NodeIdentity peerKey = NodeIdentity.generate(new SecureRandom());
        GossipService peer = new GossipService(GossipConfig.builder().listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK).network(GossipConfig.Network.LOCAL).targetOutboundCount(0)
                .peersFilePath(tmp.resolve("peers.dat")).build(), Clock.system(), new SplittableRandom(1));
        peer.nodeMessages(peerKey, NodeMessageConfig.defaults(), () -> new NodeProfile(
                new NodePayload.HttpEndpoint("127.0.0.1", 1, "http"), List.of("storage", "relay"), 10, 5, "cache"));
        peer.start();
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), clock)) {
            PeerId nodePeer = peer.handle().connectTo(new InetSocketAddress("127.0.0.1",
                    (int) node.facts().get("p2p_port"))).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> onlyPeer(node).getString("node_id").equals(peerKey.nodeId()));
            JsonObject p = onlyPeer(node);
            assertThat(p.getJsonArray("capabilities").getList()).containsExactly("storage", "relay");
            assertThat(p.getString("mode")).isEqualTo("cache");
            assertThat(p.getString("peer_id")).isEqualTo(peer.peerId().toHex());
            assertThat(p.getDouble("reputation")).isEqualTo(1.0);
            JsonObject before = get(node, "/node/status").getJsonObject("network");
            assertThat(before.getLong("p2p_bytes_in")).isPositive();
            assertThat(before.getLong("p2p_bytes_out")).isPositive();
            assertThat(before.getInteger("peers")).isEqualTo(1);

            clock.advance(Duration.ofSeconds(42));
            long sentAt = clock.millis();
            peer.handle().sendTo(nodePeer, new Message(NodeMessage.OPCODE, OptionalInt.empty(), new byte[] {7, 7, 7}))
                    .get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> onlyPeer(node).getDouble("reputation") < 1.0);
            JsonObject after = onlyPeer(node);
            assertThat(after.getDouble("reputation")).as("a malformed node message costs 20 of 100 points").isEqualTo(0.8);
            assertThat(Instant.parse(after.getString("last_seen")).toEpochMilli()).isEqualTo(sentAt);
            assertThat(get(node, "/node/status").getJsonObject("network").getLong("p2p_bytes_in"))
                    .isGreaterThan(before.getLong("p2p_bytes_in"));
        } finally {
            peer.stop();
        }
    }
}
