package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.testkit.ManualClock;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed node messages over real mTLS on loopback: each node announces itself after the handshake and the
 * other records it; a forged message and a replayed one are refused, never delivered nor forwarded, and
 * cost the sender its penalty.
 */
@Timeout(60)
class NodeMessagingTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;
    private final Map<GossipService, NodeMessaging> messaging = new ConcurrentHashMap<>();
    private final Map<GossipService, NodeIdentity> keys = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, clock);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private GossipService start(String mode) {
        NodeIdentity key = NodeIdentity.generate(new SecureRandom());
        NodeProfile profile = new NodeProfile(new NodePayload.HttpEndpoint("127.0.0.1", 8555, "http"), List.of("storage"),
                1000, 400, mode);
        GossipService s = nodes.start(b -> b, MessageBusConfig.defaults(),
                service -> messaging.put(service, service.nodeMessages(key, NodeMessageConfig.defaults(), () -> profile)));
        keys.put(s, key);
        return s;
    }

    /** Every opcode-240 frame delivered to the application of {@code at}, with its sender. */
    private static List<Message> deliveredNodeMessages(GossipService at, List<PeerId> senders) {
        List<Message> got = new CopyOnWriteArrayList<>();
        at.handle().subscribe(t -> t == NodeMessage.OPCODE, (from, m) -> {
            senders.add(from);
            got.add(m);
            return CompletableFuture.completedFuture(null);
        });
        return got;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private static NodePayload gossip(int n) {
        return new NodePayload.DataStoreGossip(Bytes32.ZERO, n, Bytes32.ZERO, 1, 1, new byte[0]);
    }

    private static boolean containsFrame(List<Message> frames, Message m) {
        return frames.stream().anyMatch(f -> Arrays.equals(f.data(), m.data()));
    }

    @Test
    void announcementsAreRecordedAndForgedOrReplayedMessagesAreRefusedAndPenalised() throws Exception {
        GossipService a = start("archive");
        GossipService b = start("cache");
        GossipService c = start("selective");
        List<PeerId> fromAtB = new CopyOnWriteArrayList<>();
        List<PeerId> fromAtC = new CopyOnWriteArrayList<>();
        List<Message> atB = deliveredNodeMessages(b, fromAtB);
        List<Message> atC = deliveredNodeMessages(c, fromAtC);
        get(a.handle().connectTo(TestNodes.loopback(b)));
        get(c.handle().connectTo(TestNodes.loopback(b)));

        NodeDirectory atBDirectory = messaging.get(b).directory();
        await().atMost(BOUND).until(() -> atBDirectory.get(a.peerId()).isPresent() && atBDirectory.get(c.peerId()).isPresent());
        NodeDirectory.NodeInfo aAtB = atBDirectory.get(a.peerId()).orElseThrow();
        assertThat(aAtB.nodeKey()).isEqualTo(Bytes32.wrap(keys.get(a).publicKey()));
        assertThat(aAtB.nodeId()).isEqualTo(keys.get(a).nodeId());
        assertThat(aAtB.announcement().mode()).isEqualTo("archive");
        assertThat(aAtB.announcement().tlsPeerId()).isEqualTo(a.peerId().value());
        await().atMost(BOUND).until(() -> messaging.get(a).directory().get(b.peerId()).isPresent());
        assertThat(messaging.get(a).directory().get(b.peerId()).orElseThrow().announcement().mode()).isEqualTo("cache");

        // a forged message: A's announcement with its signature broken
        NodeMessage genuine = messaging.get(a).sign(messaging.get(a).announcement());
        byte[] sig = genuine.signature();
        sig[5] ^= 0x40;
        Message forged = NodeMessageCodec.toMessage(new NodeMessage(genuine.payload(), genuine.timestamp(), genuine.senderKey(),
                genuine.sequence(), genuine.networkId(), sig, genuine.signedBytes()));
        get(a.handle().sendTo(b.peerId(), forged));
        Message marker1 = NodeMessageCodec.toMessage(messaging.get(a).sign(gossip(1)));
        get(a.handle().sendTo(b.peerId(), marker1));
        await().atMost(BOUND).until(() -> containsFrame(atB, marker1));
        assertThat(containsFrame(atB, forged)).as("forged never delivered").isFalse();
        assertThat(b.reputationOf(a.peerId()).penaltyPoints()).isEqualTo(PenaltyReason.INVALID_SIGNATURE.points());

        // a replay: the same accepted frame again
        get(a.handle().sendTo(b.peerId(), marker1));
        Message marker2 = NodeMessageCodec.toMessage(messaging.get(a).sign(gossip(2)));
        get(a.handle().sendTo(b.peerId(), marker2));
        await().atMost(BOUND).until(() -> containsFrame(atB, marker2));
        assertThat(atB.stream().filter(f -> Arrays.equals(f.data(), marker1.data())).count()).as("delivered once").isEqualTo(1);
        assertThat(b.reputationOf(a.peerId()).penaltyPoints())
                .isEqualTo(PenaltyReason.INVALID_SIGNATURE.points() + PenaltyReason.REPLAYED_MESSAGE.points());

        // nothing of A's travelled on to C: node messages are one hop
        assertThat(containsFrame(atC, marker1) || containsFrame(atC, marker2) || containsFrame(atC, forged)).isFalse();
        assertThat(fromAtC).containsOnly(b.peerId());
        assertThat(messaging.get(c).directory().get(a.peerId())).isEmpty();
        assertThat(c.reputationOf(b.peerId()).penaltyPoints()).isZero();
        List<String> sendersAtC = new ArrayList<>();
        for (Message m : atC) {
            sendersAtC.add(NodeMessageCodec.decode(m.data(), NodeMessageLimits.DEFAULT).senderNodeId());
        }
        assertThat(sendersAtC).containsOnly(keys.get(b).nodeId());
    }

    @Test
    void anAnnouncementClaimingAnotherPeerIdIsUnboundAndPenalised() throws Exception {
        GossipService a = start("archive");
        GossipService b = start("cache");
        get(a.handle().connectTo(TestNodes.loopback(b)));
        NodeDirectory atB = messaging.get(b).directory();
        await().atMost(BOUND).until(() -> atB.get(a.peerId()).isPresent());
        NodePayload.NodeAnnouncement mine = messaging.get(a).announcement();
        NodePayload.NodeAnnouncement claim = new NodePayload.NodeAnnouncement(b.peerId().value(), mine.tlsPublicKey(),
                mine.tlsBindingSignature(), mine.http(), mine.capabilities(), 1000, 1000, "stolen");
        get(a.handle().sendTo(b.peerId(), NodeMessageCodec.toMessage(messaging.get(a).sign(claim))));
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()).penaltyPoints() == PenaltyReason.UNBOUND_SENDER.points());
        assertThat(atB.get(a.peerId()).orElseThrow().announcement().mode()).isEqualTo("archive");
    }
}
