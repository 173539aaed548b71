package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.NodeMessaging;
import net.dig.net.NodeProfile;
import net.dig.node.ConfigLoader.Setting;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node (NodeRuntime, in process) announces itself to a peer after the handshake: its node key
 * bound to its PeerId, the HTTP API's bound port, its configured mode and the capacity of its plot
 * directories.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NodeAnnouncementWiringTest {
    private static final String NETWORK = "testnet11";
    @TempDir
    Path tmp;

    @Test
    void theNodeAnnouncesItsApiModeAndCapacityToAPeer() throws Exception {
        Path home = tmp.resolve("node");
        assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), List.of(
                        new Setting("api.listen_address", "127.0.0.1:0", "test"),
                        new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                        new Setting("network.listen_address", "127.0.0.1:0", "test"),
                        new Setting("network.network_id", NETWORK, "test"))), Optional.empty());
        NodeIdentity nodeKey = StorageWiring.identity(ctx);
        NodeIdentity peerKey = NodeIdentity.generate(new SecureRandom());
        GossipService peer = new GossipService(GossipConfig.builder().listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK).network(GossipConfig.Network.LOCAL).targetOutboundCount(0)
                .peersFilePath(tmp.resolve("peers.dat")).build(), Clock.system(), new SplittableRandom(1));
        NodeMessaging peerMessages = peer.nodeMessages(peerKey, NodeMessageConfig.defaults(), () -> new NodeProfile(
                new NodePayload.HttpEndpoint("127.0.0.1", 1, "http"), List.of("storage"), 10, 5, "cache"));
        peer.start();
        try (NodeRuntime node = NodeRuntime.start(ctx, nodeKey, Clock.system())) {
            PeerId nodePeer = peer.handle().connectTo(new InetSocketAddress("127.0.0.1",
                    (int) node.facts().get("p2p_port"))).get(30, TimeUnit.SECONDS);
            assertThat(nodePeer.toHex()).isEqualTo(node.facts().get("peer_id"));

            NodeDirectory seen = peerMessages.directory();
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(nodePeer).isPresent());
            NodeDirectory.NodeInfo info = seen.get(nodePeer).orElseThrow();
            assertThat(info.nodeId()).isEqualTo(nodeKey.nodeId());
            NodePayload.NodeAnnouncement a = info.announcement();
            assertThat(a.http()).isEqualTo(new NodePayload.HttpEndpoint("127.0.0.1", (int) node.facts().get("api_port"), "http"));
            assertThat(a.mode()).isEqualTo(ctx.config().node().mode().label());
            assertThat(a.capacityTotalBytes()).isPositive().isGreaterThanOrEqualTo(a.capacityFreeBytes());
            assertThat(a.capabilities()).containsExactly("storage", "retrieval");
        } finally {
            peer.stop();
        }
    }
}
