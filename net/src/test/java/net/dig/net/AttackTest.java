package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import net.dig.wire.RespondPeers;
import net.dig.wire.StreamableWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per transport limit. Every test ends by showing that an honest peer still gets service
 * from the attacked node.
 */
class AttackTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir Path dir;
    private TestNodes nodes;
    private final EventLoopGroup attackers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, Clock.system());
    }

    @AfterEach
    void tearDown() {
        attackers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        nodes.close();
    }

    private GossipService victim(int maxConnections, int maxInflight, Duration tlsTimeout, Duration handshakeTimeout) {
        return nodes.start(cfg -> cfg.maxConnections(maxConnections).targetOutboundCount(0)
                .transport(cfg.build().transport().toBuilder().maxInflightHandshakes(maxInflight)
                        .timeouts(tlsTimeout, handshakeTimeout, Duration.ofSeconds(5)).build()));
    }

    private void assertHonestPeerIsServed(GossipService victim) throws Exception {
        GossipService honest = nodes.start();
        PeerId id = GossipServiceTest.get(honest.handle().connectTo(TestNodes.loopback(victim)));
        assertThat(id).isEqualTo(victim.peerId());
        RespondPeers answer = GossipServiceTest.get(honest.handle().requestPeersFrom(victim.peerId()));
        assertThat(answer.peerList()).isNotNull();
        honest.stop();
    }

    private TlsIdentity leaf() {
        var leaf = nodes.pki.leaf();
        return TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(nodes.pki.caCertificatePath()));
    }

    private RawPeer handshaken(GossipService victim, String sourceIp) throws Exception {
        return handshaken(victim, leaf(), sourceIp);
    }

    private RawPeer handshaken(GossipService victim, TlsIdentity identity, String sourceIp) throws Exception {
        RawPeer peer = RawPeer.connect(attackers, identity, nodes.config().build().transport(), sourceIp, TestNodes.loopback(victim));
        await().atMost(BOUND).until(() -> peer.upgraded || !peer.isOpen());
        peer.sendFrame(RawPeer.handshake(TestNodes.NETWORK).toMessage().encode());
        await().atMost(BOUND).until(() -> !peer.received.isEmpty() || !peer.isOpen());
        assertThat(peer.received).isNotEmpty();
        return peer;
    }

    @Test
    void attack_oversizeFrameIsPenalisedAndClosedAndTheSecondOneBans() throws Exception {
        GossipService victim = victim(10, 10, Duration.ofSeconds(3), Duration.ofSeconds(5));
        TlsIdentity identity = leaf();
        for (int i = 0; i < 2; i++) {
            RawPeer attacker = handshaken(victim, identity, "127.0.0.5");
            // the decoder refuses it from the frame header; the 8 MiB body is never buffered
            attacker.sendFrame(new byte[TransportSettings.DEFAULT_MAX_FRAME_BYTES + 1]);
            await().atMost(BOUND).until(() -> !attacker.isOpen());
        }
        await().atMost(BOUND).until(() -> GossipServiceTest.get(victim.handle().stats()).connectedPeers() == 0);
        assertThat(GossipServiceTest.get(victim.handle().stats()).bannedPeers()).as("50 points per oversize frame, banned at 100").isEqualTo(1);
        assertHonestPeerIsServed(victim);
    }

    @Test
    void attack_oversizeListCountIsRejectedBeforeAllocation() throws Exception {
        GossipService victim = victim(10, 10, Duration.ofSeconds(3), Duration.ofSeconds(5));
        RawPeer attacker = handshaken(victim, "127.0.0.6");
        // RespondPeers claiming 4 billion entries in a 4-byte body
        byte[] body = new StreamableWriter().u32(0xFFFF_FFFFL).toByteArray();
        attacker.sendFrame(Message.of(ChiaMessageType.RESPOND_PEERS.code(), body).encode());
        await().atMost(BOUND).until(() -> !attacker.isOpen());
        await().atMost(BOUND).until(() -> GossipServiceTest.get(victim.handle().peerCount()) == 0);
        assertHonestPeerIsServed(victim);
    }

    @Test
    void attack_handshakeTimeoutDropsAPeerThatNeverSendsItsHandshake() throws Exception {
        GossipService victim = victim(10, 10, Duration.ofSeconds(3), Duration.ofMillis(800));
        var leaf = nodes.pki.leaf();
        TlsIdentity identity = TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(nodes.pki.caCertificatePath()));
        RawPeer mute = RawPeer.connect(attackers, identity, nodes.config().build().transport(), "127.0.0.7", TestNodes.loopback(victim));
        await().atMost(BOUND).until(() -> mute.upgraded);
        await().atMost(BOUND).until(() -> !mute.isOpen());
        assertThat(mute.received).isEmpty();
        await().atMost(BOUND).until(() -> GossipServiceTest.get(victim.handle().stats()).handshakesInFlight() == 0);
        assertHonestPeerIsServed(victim);
    }

    @Test
    void attack_slowTlsClientIsDroppedAfterTheTlsTimeout() throws Exception {
        GossipService victim = victim(10, 10, Duration.ofMillis(800), Duration.ofSeconds(5));
        try (Socket slow = new Socket("127.0.0.1", victim.listenAddress().getPort())) {
            slow.getOutputStream().write(0x16); // the first byte of a TLS record, and nothing more
            slow.getOutputStream().flush();
            assertClosedByPeer(slow);
        }
        await().atMost(BOUND).until(() -> GossipServiceTest.get(victim.handle().stats()).handshakesInFlight() == 0);
        assertHonestPeerIsServed(victim);
    }

    @Test
    void attack_connectionFloodBeyondTheCapsIsRefusedBeforeTls() throws Exception {
        GossipService victim = victim(6, 3, Duration.ofSeconds(1), Duration.ofSeconds(5));
        GossipService existing = nodes.start();
        GossipServiceTest.get(existing.handle().connectTo(TestNodes.loopback(victim)));

        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                flood.add(new Socket("127.0.0.1", victim.listenAddress().getPort()));
            }
            await().atMost(BOUND).until(() -> GossipServiceTest.get(victim.handle().stats()).refusedConnections() >= 9);
            assertThat(GossipServiceTest.get(victim.handle().stats()).handshakesInFlight()).isLessThanOrEqualTo(3);
            // the peer connected before the flood is still served while the flood holds every slot
            assertThat(GossipServiceTest.get(existing.handle().requestPeersFrom(victim.peerId())).peerList()).isNotNull();
            for (Socket s : flood) {
                assertClosedByPeer(s);
            }
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        await().atMost(BOUND).until(() -> GossipServiceTest.get(victim.handle().stats()).handshakesInFlight() == 0);
        assertHonestPeerIsServed(victim);
    }

    private static void assertClosedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout((int) BOUND.toMillis());
        InputStream in = socket.getInputStream();
        long deadline = System.nanoTime() + BOUND.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (in.read() < 0) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the node kept the connection open", e);
        } catch (IOException e) {
            return; // reset by the node
        }
        throw new AssertionError("the node kept the connection open");
    }
}
