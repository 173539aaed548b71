package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.gossip.HoldingsConfig;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.PenaltyReason;
import net.dig.testkit.ManualClock;
import net.dig.wire.HoldingsAnnounce;
import net.dig.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holdings over real mTLS on loopback (A - B - C in a line): a node announces all it holds after each
 * handshake and its changes as they happen; the neighbour records them, the node beyond hears nothing
 * (one hop); a forged, a stale and an older-sequence announcement are refused, change nothing and are penalised.
 */
@Timeout(60)
class HoldingsExchangeTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final Bytes32 X = Sha256.hash("x".getBytes());
    private static final Bytes32 Y = Sha256.hash("y".getBytes());
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;
    private final Map<GossipService, HoldingsExchange> holdings = new ConcurrentHashMap<>();
    private final Map<GossipService, Integer> index = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, clock);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private GossipService start(Collection<Bytes32> own) {
        int n = index.size() + 1;
        GossipService s = nodes.start(b -> b, MessageBusConfig.defaults(),
                service -> holdings.put(service, service.holdings(HoldingsConfig.defaults(), 3600, () -> List.copyOf(own))));
        index.put(s, n);
        return s;
    }

    private PrivateKey leafKeyOf(GossipService s) {
        return PemFiles.readPrivateKey(dir.resolve("node-" + index.get(s)).resolve(TlsIdentity.LEAF_KEY));
    }

    private byte[] spkiOf(GossipService s) {
        return PemFiles.readCertificate(dir.resolve("node-" + index.get(s)).resolve(TlsIdentity.LEAF_CERT)).getPublicKey().getEncoded();
    }

    private static void get(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private boolean holds(GossipService at, GossipService who, Bytes32 key) {
        return holdings.get(at).book().holders(key).stream().anyMatch(h -> h.peer().equals(who.peerId()));
    }

    @Test
    void holdingsTravelOneHopAndFollowStorageChanges() throws Exception {
        Set<Bytes32> ownA = new CopyOnWriteArraySet<>(List.of(X));
        GossipService a = start(ownA);
        GossipService b = start(Set.of());
        GossipService c = start(Set.of());
        get(b.handle().connectTo(TestNodes.loopback(c)));
        get(a.handle().connectTo(TestNodes.loopback(b)));

        await().atMost(BOUND).until(() -> holds(b, a, X));
        HoldingsExchange atB = holdings.get(b);
        assertThat(atB.connectedHolders(X)).singleElement().satisfies(h -> {
            assertThat(h.addresses()).containsExactly(new HoldingsAnnounce.Address("127.0.0.1", a.listenAddress().getPort()));
            assertThat(h.expiresAt()).isEqualTo(clock.epochSeconds() + 3600);
        });

        ownA.add(Y);
        holdings.get(a).added(Y);
        await().atMost(BOUND).until(() -> holds(b, a, Y));
        ownA.remove(X);
        holdings.get(a).removed(X);
        await().atMost(BOUND).until(() -> !holds(b, a, X));
        assertThat(holds(b, a, Y)).isTrue();

        long acceptedAtB = atB.book().accepted();
        assertThat(acceptedAtB).isEqualTo(3);
        assertThat(holdings.get(c).book().providers()).as("nothing of A's was forwarded to C").isZero();
        assertThat(holds(c, a, Y)).isFalse();
        assertThat(b.reputationOf(a.peerId()).penaltyPoints()).isZero();
    }

    @Test
    void forgedStaleAndReplayedAnnouncementsAreRefusedAndPenalised() throws Exception {
        GossipService a = start(Set.of());
        GossipService b = start(Set.of());
        get(a.handle().connectTo(TestNodes.loopback(b)));
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()) != null && holdings.get(a).sentFrames() == 0);
        PrivateKey key = leafKeyOf(a);
        byte[] spki = spkiOf(a);
        long now = clock.epochSeconds();
        List<HoldingsAnnounce.Change> addX = List.of(new HoldingsAnnounce.Add(X, List.of(), now + 600));
        HoldingsAnnounce good = HoldingsAnnounce.sign(key, spki, Long.MAX_VALUE - 10, now, addX);

        HoldingsAnnounce forged = new HoldingsAnnounce(good.providerPeerId(), spki, good.seq(), now,
                List.of(new HoldingsAnnounce.Add(Y, List.of(), now + 600)), good.signature());
        get(a.handle().sendTo(b.peerId(), forged.toMessage()));
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()).penaltyPoints() == PenaltyReason.INVALID_SIGNATURE.points());
        assertThat(holds(b, a, Y)).isFalse();

        HoldingsAnnounce stale = HoldingsAnnounce.sign(key, spki, Long.MAX_VALUE - 20, now - 301, addX);
        get(a.handle().sendTo(b.peerId(), stale.toMessage()));
        int afterStale = PenaltyReason.INVALID_SIGNATURE.points() + PenaltyReason.STALE_MESSAGE.points();
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()).penaltyPoints() == afterStale);
        assertThat(holds(b, a, X)).isFalse();

        Message frame = good.toMessage();
        get(a.handle().sendTo(b.peerId(), frame));
        await().atMost(BOUND).until(() -> holds(b, a, X));
        get(a.handle().sendTo(b.peerId(), new Message(frame.type(), frame.id(), frame.data()))); // a copy: deduplicated
        HoldingsAnnounce older = HoldingsAnnounce.sign(key, spki, good.seq() - 1, now, List.of(new HoldingsAnnounce.Remove(X)));
        get(a.handle().sendTo(b.peerId(), older.toMessage()));
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()).penaltyPoints() == afterStale + PenaltyReason.REPLAYED_MESSAGE.points());
        get(a.handle().sendTo(b.peerId(), Message.of(HoldingsAnnounce.OPCODE, new byte[] {0, 1})));
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()).penaltyPoints()
                == afterStale + PenaltyReason.REPLAYED_MESSAGE.points() + PenaltyReason.MALFORMED_MESSAGE.points());
        assertThat(holdings.get(b).book().accepted()).isEqualTo(1);
        assertThat(holds(b, a, X)).as("the older sequence removed nothing").isTrue();
    }
}
