package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.gossip.ErlayConfig;
import net.dig.gossip.ErlayReconciler;
import net.dig.gossip.SaltedShortIds;
import net.dig.testkit.ManualClock;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.NewTransaction;
import net.dig.wire.WireLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ERLAY on real sockets: three nodes in a line A - B - C with {@code flood_peer_count} 0, so a transaction
 * A originates is never flooded; B learns it by reconciling with A and C by reconciling with B. The
 * reconciliation timers read a manual clock the test steps. Each connection's short ids are salted with the
 * two random salts its ends exchanged when it opened.
 */
class ErlayLoopbackTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final long INTERVAL_MILLIS = 500;
    private static final int NEW_TRANSACTION = ChiaMessageType.NEW_TRANSACTION.code();
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

    @Test
    void aTransactionNotFloodedReachesTwoHopsByReconciliation() throws Exception {
        ErlayConfig erlay = new ErlayConfig(0, INTERVAL_MILLIS, 8);
        GossipService a = nodes.start(b -> b.erlay(erlay));
        GossipService b = nodes.start(c -> c.erlay(erlay));
        GossipService c = nodes.start(d -> d.erlay(erlay));
        InboundReceiver atB = b.handle().inboundReceiver();
        InboundReceiver atC = c.handle().inboundReceiver();
        get(a.handle().connectTo(TestNodes.loopback(b)));
        get(b.handle().connectTo(TestNodes.loopback(c)));
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 2 && get(c.handle().peerCount()) == 1);
        await().atMost(BOUND).until(() -> get(a.erlaySalts(b.peerId())).isPresent() && get(b.erlaySalts(c.peerId())).isPresent()
                && get(b.erlaySalts(a.peerId())).isPresent() && get(c.erlaySalts(b.peerId())).isPresent());
        ErlayReconciler.Salts saltsAtA = get(a.erlaySalts(b.peerId())).orElseThrow();
        ErlayReconciler.Salts saltsAtB = get(b.erlaySalts(a.peerId())).orElseThrow();
        assertThat(saltsAtA.local()).as("two salts drawn at random, one per side").isNotEqualTo(saltsAtA.remote());
        assertThat(saltsAtB).as("B holds the same two salts, seen from its side").isEqualTo(new ErlayReconciler.Salts(saltsAtA.remote(), saltsAtA.local()));
        assertThat(get(b.erlaySalts(c.peerId())).orElseThrow().local()).as("B draws a salt per connection").isNotEqualTo(saltsAtB.local());
        Bytes32 probe = Bytes32.fromHex("5a".repeat(32));
        assertThat(SaltedShortIds.forSalts(saltsAtA.local(), saltsAtA.remote()).of(probe))
                .isEqualTo(SaltedShortIds.forSalts(saltsAtB.local(), saltsAtB.remote()).of(probe));

        Bytes32 id = Bytes32.fromHex("e7".repeat(32));
        assertThat(get(a.handle().broadcastTyped(new NewTransaction(id, 10, 2), Optional.empty())))
                .as("flood_peer_count 0: announced to nobody at once").isZero();

        InboundMessage atMiddle = receiveStepping(atB, a, b);
        assertThat(atMiddle.peer()).isEqualTo(a.peerId());
        assertThat(atMiddle.message().body(WireLimits.DEFAULT, NewTransaction::decode).transactionId()).isEqualTo(id);
        InboundMessage atEnd = receiveStepping(atC, b, c);
        assertThat(atEnd.peer()).as("C got it from B, by reconciliation").isEqualTo(b.peerId());

        ErlayReconciler.Stats origin = a.erlayStats().orElseThrow();
        ErlayReconciler.Stats middle = b.erlayStats().orElseThrow();
        assertThat(origin.flooded()).isZero();
        assertThat(origin.decoded() + middle.decoded()).as("rounds A-B and B-C decoded").isGreaterThanOrEqualTo(2);
        assertThat(origin.wrongDecodes() + middle.wrongDecodes()).isZero();
    }

    /** Steps the clock one interval at a time until a NewTransaction arrives. */
    private InboundMessage receiveStepping(InboundReceiver receiver, GossipService from, GossipService to) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            clock.advance(Duration.ofMillis(INTERVAL_MILLIS));
            Optional<InboundMessage> m = receiver.receive(Duration.ofMillis(250));
            if (m.isPresent() && m.get().message().type() == NEW_TRANSACTION) {
                return m.get();
            }
        }
        throw new AssertionError("no NewTransaction within " + BOUND + "; sender " + from.erlayStats() + ", receiver " + to.erlayStats());
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
}
