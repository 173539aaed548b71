package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PenaltyReason;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that comes back under a fresh TLS certificate (a new PeerId) with the same node key: its signed
 * announcement re-binds the key, and the ban it earned under the old PeerId follows it and closes the new
 * connection.
 */
@Timeout(120)
class NodeReboundTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
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

    private static final NodeProfile PROFILE = new NodeProfile(new NodePayload.HttpEndpoint("127.0.0.1", 8555, "http"),
            List.of("storage"), 1000, 400, "cache");

    private GossipService start(NodeIdentity key, boolean exemptLoopbackFromIpBans, NodeMessaging[] messaging) {
        return nodes.start(b -> exemptLoopbackFromIpBans
                ? b.transport(b.build().transport().toBuilder().ipBanExempt(Set.of("127.0.0.1")).build()) : b,
                MessageBusConfig.defaults(), s -> messaging[0] = s.nodeMessages(key, NodeMessageConfig.defaults(), () -> PROFILE));
    }

    @Test
    void aBanFollowsTheNodeKeyToItsNewPeerId() throws Exception {
        NodeMessaging[] observerMessaging = new NodeMessaging[1];
        GossipService observer = start(NodeIdentity.generate(new SecureRandom()), true, observerMessaging);
        NodeIdentity key = NodeIdentity.generate(new SecureRandom());
        Bytes32 nodeKey = Bytes32.wrap(key.publicKey());

        GossipService before = start(key, false, new NodeMessaging[1]);
        before.handle().connectTo(TestNodes.loopback(observer)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await().atMost(BOUND).until(() -> observerMessaging[0].directory().get(before.peerId()).isPresent());
        observer.handle().banPeer(before.peerId(), PenaltyReason.PROTOCOL_VIOLATION).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        before.stop();
        clock.advance(Duration.ofSeconds(1)); // the node's message sequence follows its clock past the old one's


        GossipService after = start(key, false, new NodeMessaging[1]);
        assertThat(after.peerId()).isNotEqualTo(before.peerId());
        assertThat(observer.handle().standing(after.peerId())).as("a new PeerId starts clean").isEqualTo(1.0);
        after.handle().connectTo(TestNodes.loopback(observer)).get(BOUND.toSeconds(), TimeUnit.SECONDS);

        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(observerMessaging[0].directory().get(after.peerId()))
                    .hasValueSatisfying(i -> assertThat(i.nodeKey()).isEqualTo(nodeKey));
            assertThat(observerMessaging[0].directory().get(before.peerId())).isEmpty();
            assertThat(observer.handle().standing(after.peerId())).as("banned, as the node was").isZero();
            assertThat(observer.handle().connectedPeers().get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEmpty();
        });
    }
}
