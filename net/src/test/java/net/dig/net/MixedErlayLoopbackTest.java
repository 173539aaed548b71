package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.gossip.ErlayConfig;
import net.dig.testkit.ManualClock;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.NewTransaction;
import net.dig.wire.WireLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ERLAY is on by default, so a network holds nodes with it and without it. On real sockets:
 * <pre>
 *   e1 ---- off ---- e2 ---- chia          e1, e2, e3: ERLAY on (flood_peer_count 0: reconciliation only
 *    \______________/ \                               between ERLAY peers)
 *                      e3                  off: ERLAY off (Plumtree); chia: no DIG dialect, ERLAY off
 * </pre>
 * A transaction from every node reaches every other node: ERLAY nodes announce directly to peers that sent no
 * salt, the ERLAY-off node relays by Plumtree what it got from an ERLAY node (also lazily, after the cycle
 * e1-off-e2 made it prune), ERLAY nodes take in what Plumtree brings, and e3 learns by reconciliation alone.
 * No node penalises another (a Plumtree announcement of a transaction ERLAY took in is no broken promise).
 */
class MixedErlayLoopbackTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final long INTERVAL_MILLIS = 500;
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;

    @AfterEach
    void tearDown() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void everyTransactionReachesEveryNodeOfANetworkWithAndWithoutErlay() throws Exception {
        nodes = new TestNodes(dir, clock);
        ErlayConfig erlay = new ErlayConfig(0, INTERVAL_MILLIS, 8);
        GossipService e1 = nodes.start(b -> b.erlay(erlay));
        GossipService off = nodes.start(b -> b.erlay(null));
        GossipService e2 = nodes.start(b -> b.erlay(erlay));
        GossipService chia = nodes.start(b -> b.erlay(null).transport(b.build().transport().toBuilder().softwareVersion("2.7.5").build()));
        GossipService e3 = nodes.start(b -> b.erlay(erlay));
        List<GossipService> all = List.of(e1, off, e2, chia, e3);
        Map<GossipService, Set<Bytes32>> seen = new ConcurrentHashMap<>();
        for (GossipService s : all) {
            Set<Bytes32> ids = ConcurrentHashMap.newKeySet();
            seen.put(s, ids);
            s.handle().subscribe(t -> t == ChiaMessageType.NEW_TRANSACTION.code(), (from, m) -> {
                ids.add(m.body(WireLimits.DEFAULT, NewTransaction::decode).transactionId());
                return CompletableFuture.completedFuture(null);
            });
        }
        get(e1.handle().connectTo(TestNodes.loopback(off)));
        get(off.handle().connectTo(TestNodes.loopback(e2)));
        get(e1.handle().connectTo(TestNodes.loopback(e2)));
        get(e2.handle().connectTo(TestNodes.loopback(chia)));
        get(e3.handle().connectTo(TestNodes.loopback(e2)));
        until(() -> get(e2.handle().peerCount()) == 4 && get(off.handle().peerCount()) == 2);
        until(() -> get(e2.erlaySalts(e1.peerId())).isPresent() && get(e2.erlaySalts(e3.peerId())).isPresent()
                && get(e1.erlaySalts(e2.peerId())).isPresent() && get(e3.erlaySalts(e2.peerId())).isPresent());
        assertThat(get(e2.erlaySalts(off.peerId()))).as("an ERLAY-off peer sends no salt").isEmpty();
        assertThat(get(e2.erlaySalts(chia.peerId()))).as("nor does a Chia peer, which gets no DIG frame").isEmpty();

        List<Bytes32> sent = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < all.size(); i++) {
                GossipService origin = all.get(i);
                Bytes32 id = Bytes32.fromHex(String.format("%02x", 16 * round + i + 1).repeat(32));
                sent.add(id);
                seen.get(origin).add(id);
                get(origin.handle().broadcastTyped(new NewTransaction(id, 10, 2), Optional.empty()));
            }
            until(() -> all.stream().allMatch(s -> seen.get(s).containsAll(sent)));
        }
        for (GossipService s : all) {
            assertThat(s.plumtreeStats().penalties()).as("no Plumtree penalty at %s", s.peerId().shortHex()).isZero();
        }
        assertThat(get(e2.handle().peerCount())).as("every connection kept").isEqualTo(4);
        assertThat(get(off.handle().peerCount())).isEqualTo(2);
        assertThat(e3.erlayStats().orElseThrow().decoded()).as("e3 learnt by reconciliation").isPositive();
        until(() -> get(e3.handle().stats()).erlay().decoded() > 0);
        assertThat(get(off.handle().stats()).erlay()).as("ERLAY off: no rounds").isEqualTo(net.dig.gossip.ErlayReconciler.Stats.NONE);
    }

    /** Steps the clock half a reconciliation interval at each poll until {@code done} holds. */
    private void until(java.util.concurrent.Callable<Boolean> done) {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (done.call()) {
                return true;
            }
            clock.advance(Duration.ofMillis(INTERVAL_MILLIS / 2));
            return false;
        });
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
}
