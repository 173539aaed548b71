package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.wire.Message;
import net.dig.wire.RequestPeers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty nodes and one introducer in this JVM, on real TLS WebSockets over 127.0.0.1: they find
 * each other through the introducer and peer exchange, every node reaches its outbound target,
 * the overlay is connected, and three misbehaving peers (garbage, oversize frames, a rate-limit
 * flood), each from its own 127.0.0.x address, get banned while the honest nodes keep working.
 */
class MultiNodeTest {
    private static final int NODES = 20;
    private static final int TARGET_OUTBOUND = 3;
    private static final Duration BOUND = Duration.ofSeconds(45);
    @TempDir Path dir;
    private TestNodes nodes;
    private IntroducerServer introducer;
    private final EventLoopGroup attackers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void tearDown() {
        attackers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (nodes != null) {
            nodes.close();
        }
        if (introducer != null) {
            introducer.close();
        }
    }

    @Test
    void twentyNodesFormAConnectedNetworkAndMisbehavingPeersAreBanned() throws Exception {
        nodes = new TestNodes(dir, Clock.system());
        introducer = new IntroducerServer(nodes.config().build(), Duration.ofSeconds(1), Clock.system(), new SplittableRandom(7));
        introducer.start();
        String introducerUrl = "wss://127.0.0.1:" + introducer.listenAddress().getPort();

        List<GossipService> network = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            network.add(nodes.start(cfg -> cfg.introducer(GossipConfig.IntroducerConfig.of(introducerUrl))
                    .targetOutboundCount(TARGET_OUTBOUND)
                    .maxConnections(16)
                    .peerConnectInterval(Duration.ofMillis(250))));
        }

        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(250)).until(() -> network.stream().allMatch(n -> outbound(n) >= TARGET_OUTBOUND));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            for (GossipService n : network) {
                GossipStats st = GossipServiceTest.get(n.handle().stats());
                System.err.println("DEBUG node " + n.listenAddress().getPort() + " out=" + st.outboundConnections() + " in=" + st.inboundConnections() + " known=" + st.knownAddresses());
            }
            System.err.println("DEBUG introducer known=" + introducer.knownCount());
            throw e;
        }
        assertThat(connectedComponents(network)).isEqualTo(1);
        assertThat(introducer.knownCount()).isEqualTo(NODES);

        GossipService victim = network.getFirst();
        TransportSettings attackerSettings = nodes.config().build().transport();

        // garbage: 20 points per undecodable frame, banned at 100
        TlsIdentity garbageIdentity = leaf();
        for (int i = 0; i < 5; i++) {
            RawPeer garbage = handshaken(garbageIdentity, attackerSettings, "127.0.0.2", victim);
            garbage.sendFrame(new byte[] {(byte) 0xFF, 0x07, 0x01});
            await().atMost(BOUND).until(() -> !garbage.isOpen());
        }
        PeerId garbageId = new PeerId(garbageIdentity.peerId());
        RawPeer refused = RawPeer.connect(attackers, garbageIdentity, attackerSettings, "127.0.0.2", TestNodes.loopback(victim));
        await().atMost(BOUND).until(() -> !refused.isOpen());
        assertThat(refused.upgraded).as("banned address gets 403 on upgrade").isFalse();
        assertThat(refused.failure.get()).hasMessageContaining("403");

        // oversize frames: 50 points each
        TlsIdentity bigIdentity = leaf();
        for (int i = 0; i < 2; i++) {
            RawPeer big = handshaken(bigIdentity, attackerSettings, "127.0.0.3", victim);
            big.sendFrame(new byte[attackerSettings.maxFrameBytes() + 1]);
            await().atMost(BOUND).until(() -> !big.isOpen());
        }

        // rate-limit flood: RequestPeers is allowed 10 per minute
        TlsIdentity floodIdentity = leaf();
        RawPeer flood = handshaken(floodIdentity, attackerSettings, "127.0.0.4", victim);
        for (int i = 0; i < 12; i++) {
            flood.sendFrame(new RequestPeers().toMessage().encode());
        }
        await().atMost(BOUND).until(() -> !flood.isOpen());
        RawPeer floodAgain = RawPeer.connect(attackers, floodIdentity, attackerSettings, "127.0.0.4", TestNodes.loopback(victim));
        await().atMost(BOUND).until(() -> !floodAgain.isOpen());
        assertThat(floodAgain.upgraded).isFalse();

        GossipStats stats = GossipServiceTest.get(victim.handle().stats());
        assertThat(stats.bannedPeers()).as("two by points, the flood's PeerId for 300 s with its address").isEqualTo(3);
        assertThat(stats.bannedAddresses()).isEqualTo(3);
        Set<PeerId> attackerIds = Set.of(garbageId, new PeerId(bigIdentity.peerId()), new PeerId(floodIdentity.peerId()));
        await().atMost(BOUND).until(() -> GossipServiceTest.get(victim.handle().connectedPeers()).stream()
                .noneMatch(c -> attackerIds.contains(c.peerId())));

        // the honest network is untouched: targets held, and a Plumtree broadcast from the victim reaches every node
        assertThat(network).allMatch(n -> outbound(n) >= TARGET_OUTBOUND);
        assertThat(connectedComponents(network)).isEqualTo(1);
        Map<PeerId, InboundReceiver> receivers = new HashMap<>();
        for (GossipService n : network.subList(1, NODES)) {
            receivers.put(n.peerId(), n.handle().inboundReceiver());
        }
        int sent = GossipServiceTest.get(victim.handle().broadcast(Message.of(200, new byte[] {42}), Optional.empty()));
        assertThat(sent).isBetween(1, 8);
        for (InboundReceiver r : receivers.values()) {
            InboundMessage got = GossipServiceTest.receive(r, 200);
            assertThat(got.message().data()).containsExactly(42);
        }
        await().atMost(BOUND).until(() -> GossipServiceTest.get(network.get(NODES - 1).handle().stats()).seenMessages() >= 1);
    }

    private TlsIdentity leaf() {
        var files = nodes.pki.leaf();
        return TlsIdentity.fromFiles(files.certificate(), files.privateKey(), List.of(nodes.pki.caCertificatePath()));
    }

    private RawPeer handshaken(TlsIdentity identity, TransportSettings settings, String sourceIp, GossipService target) throws Exception {
        RawPeer peer = RawPeer.connect(attackers, identity, settings, sourceIp, TestNodes.loopback(target));
        await().atMost(BOUND).until(() -> peer.upgraded || !peer.isOpen());
        peer.sendFrame(RawPeer.handshake(TestNodes.NETWORK).toMessage().encode());
        await().atMost(BOUND).until(() -> !peer.received.isEmpty() || !peer.isOpen());
        assertThat(peer.received).as("the node answered the handshake").isNotEmpty();
        return peer;
    }

    private static int outbound(GossipService node) {
        try {
            return (int) GossipServiceTest.get(node.handle().connectedPeers()).stream().filter(PeerConnection::isOutbound).count();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int connectedComponents(List<GossipService> network) throws Exception {
        Map<PeerId, Set<PeerId>> edges = new HashMap<>();
        for (GossipService n : network) {
            edges.computeIfAbsent(n.peerId(), k -> new HashSet<>());
            for (PeerConnection c : GossipServiceTest.get(n.handle().connectedPeers())) {
                edges.get(n.peerId()).add(c.peerId());
                edges.computeIfAbsent(c.peerId(), k -> new HashSet<>()).add(n.peerId());
            }
        }
        Set<PeerId> seen = new HashSet<>();
        int components = 0;
        for (GossipService n : network) {
            if (seen.add(n.peerId())) {
                components++;
                ArrayDeque<PeerId> queue = new ArrayDeque<>(List.of(n.peerId()));
                while (!queue.isEmpty()) {
                    for (PeerId next : edges.getOrDefault(queue.poll(), Set.of())) {
                        if (seen.add(next)) {
                            queue.add(next);
                        }
                    }
                }
            }
        }
        return components;
    }
}
