package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attackers that hold and churn connections that never finish a handshake, from one source and from
 * 249 loopback sources, while an honest peer keeps connecting: it must get in every time. And when the
 * peer table itself is full of handshaken attackers from one network group, an honest inbound peer takes
 * the place of one of them.
 */
class AdmissionAttackTest {
    private static final int PROBES = 10;
    /** New attacker connections a second: every handshake slot turns over in well under a second. */
    private static final int FLOOD_RATE = 500;
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

    private static List<String> loopbackSources(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "127.0.0." + i).toList();
    }

    /** The honest peer connects, is served, and disconnects, {@link #PROBES} times; returns how often it got in. */
    private int probe(GossipService victim, GossipService honest) throws Exception {
        int succeeded = 0;
        List<Throwable> failures = new ArrayList<>();
        for (int p = 0; p < PROBES; p++) {
            try {
                PeerId id = GossipServiceTest.get(honest.handle().connectTo(TestNodes.loopback(victim)));
                assertThat(GossipServiceTest.get(honest.handle().requestPeersFrom(id)).peerList()).isNotNull();
                succeeded++;
                GossipServiceTest.get(honest.handle().disconnect(id));
            } catch (Exception | AssertionError e) {
                failures.add(e);
            }
            await().atMost(BOUND).until(() -> honest.liveConnections().isEmpty()
                    && victim.liveConnections().stream().noneMatch(c -> c.peerId().equals(honest.peerId())));
        }
        assertThat(failures).as("probes that failed").isEmpty();
        return succeeded;
    }

    @Test
    @Timeout(180)
    void oneSourceHoldingAndChurningHandshakesNeverLocksOutAnotherPeer() throws Exception {
        GossipService victim = nodes.start(cfg -> cfg.targetOutboundCount(0));
        GossipService honest = nodes.start(cfg -> cfg.targetOutboundCount(0));
        try (Flood flood = new Flood(TestNodes.loopback(victim), List.of("127.0.0.2"), 250, FLOOD_RATE)) {
            await().atMost(BOUND).until(() -> flood.connects() > 1_000);
            assertThat(probe(victim, honest)).isEqualTo(PROBES);
            assertThat(victim.admission().refused()).as("the source's surplus is refused").isPositive();
            assertThat(victim.admission().inflight()).isLessThanOrEqualTo(AdmissionLimits.defaults().maxPerAddress() + 1);
        }
    }

    @Test
    @Timeout(180)
    void manyLoopbackSourcesHoldingAndChurningHandshakesNeverLockOutAnotherPeer() throws Exception {
        GossipService victim = nodes.start(cfg -> cfg.targetOutboundCount(0));
        GossipService honest = nodes.start(cfg -> cfg.targetOutboundCount(0));
        var leaf = nodes.pki.leaf();
        TlsIdentity tls = TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(nodes.pki.caCertificatePath()));
        // 50 connections that finish TLS and then never upgrade, held while the raw flood runs
        List<RawTls> tlsHolders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tlsHolders.add(RawTls.connect(attackers, tls, Churn.source(i), TestNodes.loopback(victim)));
        }
        try (Flood flood = new Flood(TestNodes.loopback(victim), loopbackSources(2, 250), 300, FLOOD_RATE)) {
            await().atMost(BOUND).until(() -> flood.connects() > 1_000);
            assertThat(victim.admission().inflight()).as("the table is full").isEqualTo(TransportSettings.defaults().maxInflightHandshakes());
            assertThat(probe(victim, honest)).isEqualTo(PROBES);
            assertThat(victim.admission().displaced()).as("newcomers displaced handshakes of bigger groups").isPositive();
        } finally {
            tlsHolders.forEach(RawTls::close);
        }
    }

    @Test
    @Timeout(60)
    void aConnectionThatIsNoPeerByTheDeadlineIsClosed() throws Exception {
        GossipService victim = nodes.start(cfg -> cfg.targetOutboundCount(0).transport(cfg.build().transport().toBuilder()
                .admission(new AdmissionLimits(8, 32, Duration.ofMillis(300), Duration.ZERO)).build()));
        try (Socket idle = new Socket()) {
            idle.bind(new InetSocketAddress("127.0.0.9", 0));
            idle.connect(TestNodes.loopback(victim));
            idle.setSoTimeout((int) BOUND.toMillis());
            InputStream in = idle.getInputStream();
            // TLS would time out after 3 s and the handshake after 5 s; the admission deadline comes first
            assertThat(in.read()).as("closed by the node").isEqualTo(-1);
        }
        await().atMost(BOUND).until(() -> victim.admission().expired() == 1 && victim.admission().inflight() == 0);
    }

    @Test
    @Timeout(120)
    void aFullPeerTableEvictsAnInboundAttackerFromTheMostRepresentedGroupForAnHonestPeer() throws Exception {
        int max = 30;
        GossipService victim = nodes.start(cfg -> cfg.targetOutboundCount(0).maxConnections(max));
        List<RawPeer> held = new ArrayList<>();
        try {
            for (int i = 0; i < max; i++) {
                var leaf = nodes.pki.leaf();
                TlsIdentity identity = TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(nodes.pki.caCertificatePath()));
                RawPeer attacker = RawPeer.connect(attackers, identity, nodes.config().build().transport(), "127.0.0.2", TestNodes.loopback(victim));
                await().atMost(BOUND).until(() -> attacker.upgraded || !attacker.isOpen());
                attacker.sendFrame(RawPeer.handshake(TestNodes.NETWORK).toMessage().encode());
                await().atMost(BOUND).until(() -> !attacker.received.isEmpty() || !attacker.isOpen());
                held.add(attacker);
            }
            await().atMost(BOUND).until(() -> victim.liveConnections().size() == max);
            GossipService honest = nodes.start(cfg -> cfg.targetOutboundCount(0));
            PeerId id = GossipServiceTest.get(honest.handle().connectTo(TestNodes.loopback(victim)));
            assertThat(id).isEqualTo(victim.peerId());
            assertThat(victim.evictedPeers()).isEqualTo(1);
            await().atMost(BOUND).until(() -> held.stream().filter(p -> !p.isOpen()).count() == 1);
            assertThat(held.get(0).isOpen()).as("the longest connected attackers are protected").isTrue();
            await().atMost(BOUND).until(() -> victim.liveConnections().size() == max);
            assertThat(victim.liveConnections()).anyMatch(c -> c.peerId().equals(honest.peerId()));
        } finally {
            held.forEach(p -> p.channel.close());
        }
    }
}
