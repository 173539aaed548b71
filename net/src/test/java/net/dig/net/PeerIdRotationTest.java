package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.testkit.ManualClock;
import net.dig.testkit.TestPki;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that rotates its TLS certificate on loopback: with {@code reconnect_on_rotation} its peer sees the new
 * PeerId after the redial, the node key's binding and the penalty points move with it; without, only new
 * connections see it. The rotation is triggered by moving a manual clock past the interval.
 */
@Timeout(120)
class PeerIdRotationTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Duration INTERVAL = Duration.ofMinutes(10);
    private static final NodeProfile PROFILE = new NodeProfile(new NodePayload.HttpEndpoint("127.0.0.1", 8555, "http"),
            List.of("storage"), 1000, 400, "cache");
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, clock);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private GossipService start(NodeIdentity key, Optional<PeerIdRotationConfig> rotation, NodeMessaging[] messaging) {
        // keepalive rounds read the manual clock: moving it past the interval must not close the connections
        return nodes.start(b -> b.peerIdRotation(rotation.orElse(null)).keepalivePeerTimeout(Duration.ofHours(1))
                        .transport(b.build().transport().toBuilder().ipBanExempt(Set.of("127.0.0.1")).build()),
                MessageBusConfig.defaults(), s -> messaging[0] = s.nodeMessages(key, NodeMessageConfig.defaults(), () -> PROFILE));
    }

    private static List<PeerId> connected(GossipService service) throws Exception {
        return service.handle().connectedPeers().get(BOUND.toSeconds(), TimeUnit.SECONDS).stream()
                .map(PeerConnection::peerId).toList();
    }

    @Test
    void withReconnectThePeerSeesTheNewPeerIdBoundToTheSameNodeKeyWithItsPenalties() throws Exception {
        NodeMessaging[] observerMessaging = new NodeMessaging[1];
        GossipService observer = start(NodeIdentity.generate(new SecureRandom()), Optional.empty(), observerMessaging);
        NodeIdentity key = NodeIdentity.generate(new SecureRandom());
        GossipService rotating = start(key, Optional.of(new PeerIdRotationConfig(INTERVAL, true)), new NodeMessaging[1]);
        PeerId old = rotating.peerId();

        rotating.handle().connectTo(TestNodes.loopback(observer)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await().atMost(BOUND).until(() -> observerMessaging[0].directory().get(old).isPresent());
        observer.handle().penalizePeer(old, PenaltyReason.PROTOCOL_VIOLATION).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        double standing = observer.handle().standing(old);
        assertThat(standing).isBetween(0.0, 1.0).isNotIn(0.0, 1.0);

        clock.advance(INTERVAL.minusSeconds(1));
        rotating.checkRotation();
        clock.advance(Duration.ofSeconds(1));
        assertThat(rotating.peerId()).as("not due a second early").isEqualTo(old);
        rotating.checkRotation();

        await().atMost(BOUND).untilAsserted(() -> {
            PeerId fresh = rotating.peerId();
            assertThat(fresh).isNotEqualTo(old);
            assertThat(connected(observer)).containsExactly(fresh);
            assertThat(observerMessaging[0].directory().get(fresh))
                    .hasValueSatisfying(i -> assertThat(i.nodeKey()).isEqualTo(Bytes32.wrap(key.publicKey())));
            assertThat(observerMessaging[0].directory().get(old)).isEmpty();
            assertThat(observer.handle().standing(fresh)).as("the penalty points followed the node").isEqualTo(standing);
            assertThat(connected(rotating)).containsExactly(observer.peerId());
        });
        PeerId fresh = rotating.peerId();
        assertThat(TlsIdentity.loadOrCreate(dir.resolve("node-2"), Optional.empty(), Clock.system()).peerId())
                .as("the new leaf is stored, so a restart keeps it").isEqualTo(fresh.value());
    }

    @Test
    void withoutReconnectOpenConnectionsKeepTheOldPeerIdAndNewOnesSeeTheNew() throws Exception {
        GossipService observer = start(NodeIdentity.generate(new SecureRandom()), Optional.empty(), new NodeMessaging[1]);
        GossipService rotating = start(NodeIdentity.generate(new SecureRandom()),
                Optional.of(new PeerIdRotationConfig(INTERVAL, false)), new NodeMessaging[1]);
        PeerId old = rotating.peerId();
        rotating.handle().connectTo(TestNodes.loopback(observer)).get(BOUND.toSeconds(), TimeUnit.SECONDS);

        clock.advance(INTERVAL);
        rotating.checkRotation();
        await().atMost(BOUND).until(() -> !rotating.peerId().equals(old));

        GossipService newcomer = start(NodeIdentity.generate(new SecureRandom()), Optional.empty(), new NodeMessaging[1]);
        PeerId seen = newcomer.handle().connectTo(TestNodes.loopback(rotating)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(rotating.peerId());
        assertThat(connected(observer)).as("the open connection was left alone").containsExactly(old);
    }

    @Test
    void aCertificateWithoutItsCaKeyCannotRotate() {
        TestPki.LeafFiles leaf = nodes.pki.leaf();
        GossipConfig.Builder config = nodes.config().peerIdRotation(PeerIdRotationConfig.defaults())
                .certPath(leaf.certificate().toString()).keyPath(leaf.privateKey().toString());
        assertThatThrownBy(() -> new GossipService(config.build(), clock, new java.util.SplittableRandom(1)))
                .isInstanceOfSatisfying(GossipException.class,
                        e -> assertThat(e.error()).isInstanceOf(GossipError.ClientError.class))
                .hasMessageContaining("peer_id_rotation");
    }

    @Test
    void rotationIsRefusedNextToAnEnabledRelay() {
        RelayConfig relay = RelayConfig.of("ws://127.0.0.1:9450");
        assertThatThrownBy(() -> GossipConfig.builder().relay(relay).peerIdRotation(PeerIdRotationConfig.defaults()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peer_id_rotation");
    }
}
