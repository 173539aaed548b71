package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.wire.RequestPeers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods of messages the node answers cheaply (RequestPeers, WebSocket Pings) are rate-limited like any
 * other message: the connection is closed, the peer penalised, and the PeerId is banned long enough that
 * reconnecting at once under the same certificate is refused. The attackers connect from 127.0.0.1, which
 * the default {@code ipBanExempt} exempts from address bans (and loopback from address points), so the
 * ban that holds them is the PeerId's.
 */
class FloodPenaltyTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
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

    private GossipService victim() {
        // loopback exempt from IP bans, as by default: only the PeerId ban can hold the attacker
        return nodes.start(cfg -> cfg.targetOutboundCount(0).transport(cfg.build().transport().toBuilder()
                .ipBanExempt(TransportSettings.defaults().ipBanExempt()).build()));
    }

    private RawPeer handshaken(GossipService victim, TlsIdentity identity, String source) throws Exception {
        RawPeer peer = RawPeer.connect(attackers, identity, nodes.config().build().transport(), source, TestNodes.loopback(victim));
        await().atMost(BOUND).until(() -> peer.upgraded || !peer.isOpen());
        peer.sendFrame(RawPeer.handshake(TestNodes.NETWORK).toMessage().encode());
        await().atMost(BOUND).until(() -> !peer.received.isEmpty() || !peer.isOpen());
        return peer;
    }

    private void floodIsClosedBannedAndRefusedOnReconnect(String source, Consumer<RawPeer> flood) throws Exception {
        GossipService victim = victim();
        var leaf = nodes.pki.leaf();
        TlsIdentity identity = TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(nodes.pki.caCertificatePath()));
        RawPeer attacker = handshaken(victim, identity, source);
        assertThat(attacker.received).as("admitted").isNotEmpty();
        await().atMost(BOUND).until(() -> victim.liveConnections().size() == 1);
        PeerId id = victim.liveConnections().getFirst().peerId();

        flood.accept(attacker);
        await().atMost(BOUND).until(() -> !attacker.isOpen());
        assertThat(attacker.closeCode.get()).as("closed as rate limited, if the close frame arrived before the close").isIn(null, 1008);
        assertThat(victim.reputationOf(id).penaltyPoints()).isPositive();
        assertThat(victim.reputationOf(id).banned()).isTrue();
        assertThat(victim.ipBanned(source)).as("loopback is exempt from address bans").isFalse();

        RawPeer again = handshaken(victim, identity, source);
        await().atMost(BOUND).until(() -> !again.isOpen());
        assertThat(again.received).as("no handshake answer for a banned PeerId").isEmpty();
        assertThat(victim.liveConnections()).isEmpty();

        GossipService honest = nodes.start(cfg -> cfg.targetOutboundCount(0));
        assertThat(GossipServiceTest.get(honest.handle().connectTo(TestNodes.loopback(victim)))).isEqualTo(victim.peerId());
    }

    @Test
    @Timeout(90)
    void aRequestPeersFloodClosesBansThePeerIdAndARetryUnderTheSameCertificateIsRefused() throws Exception {
        byte[] request = new RequestPeers().toMessage().encode();
        floodIsClosedBannedAndRefusedOnReconnect("127.0.0.1", attacker -> {
            for (int i = 0; i < 2_000 && attacker.isOpen(); i++) {
                attacker.sendFrame(request);
            }
        });
    }

    @Test
    @Timeout(90)
    void aPingFloodClosesBansThePeerIdAndARetryUnderTheSameCertificateIsRefused() throws Exception {
        floodIsClosedBannedAndRefusedOnReconnect("127.0.0.1", attacker -> {
            for (int i = 0; i < 20_000 && attacker.isOpen(); i++) {
                attacker.channel.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[8])));
            }
        });
    }
}
