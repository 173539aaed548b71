package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.HoldingsConfig;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.HoldingsExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node announces the datastores it holds to a peer after the handshake (opcode 222), and the
 * peer's provider source then names it for that datastore; storage's commits and evictions reach the peer
 * as they happen.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NodeHoldingsWiringTest {
    private static final String NETWORK = "testnet11";
    @TempDir
    Path tmp;

    @Test
    void theNodeAnnouncesWhatItHoldsAndThePeerFindsItAsAProvider() throws Exception {
        Path home = tmp.resolve("node");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        cli.addRandomFiles(tmp, 2, 20_000);
        DigNodeCommand.NodeContext ctx = OwnerDeletionTest.context(home);
        NodeIdentity nodeKey = StorageWiring.identity(ctx);
        GossipService peer = gossip("peer");
        HoldingsExchange peerHoldings = peer.holdings(HoldingsConfig.defaults(), 3600, List::of);
        peer.start();
        Bytes32 held = heldDatastore(home);
        try (NodeRuntime node = NodeRuntime.start(ctx, nodeKey, Clock.system())) {
            PeerId nodePeer = peer.handle().connectTo(new InetSocketAddress("127.0.0.1",
                    (int) node.facts().get("p2p_port"))).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> !peerHoldings.connectedHolders(held).isEmpty());
            assertThat(peerHoldings.connectedHolders(held)).singleElement().satisfies(h -> assertThat(h.peer()).isEqualTo(nodePeer));
            assertThat(HoldingsWiring.providers(peerHoldings).providers(held).toCompletableFuture().join())
                    .extracting(p -> p.peer()).containsExactly(nodePeer);
        } finally {
            peer.stop();
        }
    }

    @Test
    void storageCommitsAndEvictionsAreAnnouncedAsTheyHappen() throws Exception {
        Path home = tmp.resolve("node");
        assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        DigNodeCommand.NodeContext ctx = OwnerDeletionTest.context(home);
        NodeIdentity key = StorageWiring.identity(ctx);
        GossipService peer = gossip("peer");
        HoldingsExchange peerHoldings = peer.holdings(HoldingsConfig.defaults(), 3600, List::of);
        GossipService node = gossip("node");
        try (net.dig.storage.StorageEngine storage = StorageWiring.open(ctx, key, Clock.system());
             net.dig.service.NodeServices services = net.dig.service.NodeServices.open(storage, key, Clock.system(),
                     new net.dig.service.NodeServices.Settings(1 << 20, tmp.resolve("l2"), 1 << 20, tmp.resolve("handles.sqlite")))) {
            HoldingsWiring.holdings(node, storage);
            peer.start();
            node.start();
            PeerId nodePeer = peer.handle().connectTo(new InetSocketAddress("127.0.0.1", node.listenAddress().getPort()))
                    .get(30, TimeUnit.SECONDS);
            java.nio.file.Path src = tmp.resolve("src.bin");
            java.nio.file.Files.write(src, new byte[50_000]);
            Bytes32 id = services.datastores().ingest(src, new net.dig.storage.IngestOptions(262_144,
                    net.dig.storage.Compression.NONE, "f"), key, net.dig.core.Progress.none()).datastoreId();
            await().atMost(Duration.ofSeconds(30)).until(() -> peerHoldings.connectedHolders(id).stream()
                    .anyMatch(h -> h.peer().equals(nodePeer)));
            services.datastores().delete(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> peerHoldings.connectedHolders(id).isEmpty());
            assertThat(peerHoldings.book().accepted()).as("the Add and the Remove; an empty full set sends no frame").isEqualTo(2);
        } finally {
            node.stop();
            peer.stop();
        }
    }

    private GossipService gossip(String name) {
        return new GossipService(GossipConfig.builder().listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK).network(GossipConfig.Network.LOCAL).targetOutboundCount(0)
                .peersFilePath(tmp.resolve(name + "-peers.dat")).build(), Clock.system(), new SplittableRandom(name.hashCode()));
    }

    private static Bytes32 heldDatastore(Path home) {
        CliRun.Result r = new CliRun(home, Map.of()).run("datastore", "list", "--json");
        assertThat(r.code()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(?:datastore_id|id)\"\\s*:\\s*\"(?:0x)?([0-9a-f]{64})\"").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Bytes32.fromHex(m.group(1));
    }
}
