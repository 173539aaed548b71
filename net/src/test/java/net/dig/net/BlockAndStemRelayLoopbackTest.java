package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.CompactBlockStats;
import net.dig.gossip.DandelionConfig;
import net.dig.gossip.MempoolView;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.RelayBlock;
import net.dig.wire.RelayTransaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Compact blocks and Dandelion++ stems between real services on loopback. */
@Timeout(60)
class BlockAndStemRelayLoopbackTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    static final class Pool implements MempoolView {
        final Map<Bytes32, RelayTransaction> txs = new ConcurrentHashMap<>();

        @Override
        public Collection<RelayTransaction> transactions() {
            return List.copyOf(txs.values());
        }

        @Override
        public OptionalLong receivedAt(Bytes32 id) {
            return txs.containsKey(id) ? OptionalLong.of(0) : OptionalLong.empty();
        }
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBlockWhoseTransactionsThePeerHoldsTravelsAsACompactBlock(@TempDir Path dir) throws Exception {
        try (TestNodes nodes = new TestNodes(dir, Clock.system())) {
            GossipService a = nodes.start();
            GossipService b = nodes.start();
            Pool poolA = new Pool();
            Pool poolB = new Pool();
            List<RelayTransaction> txs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                RelayTransaction tx = new RelayTransaction(("loopback-tx-" + i).repeat(10).getBytes());
                txs.add(tx);
                poolA.txs.put(tx.id(), tx);
                if (i > 0) {
                    poolB.txs.put(tx.id(), tx);
                }
            }
            a.blockRelay().mempool(poolA);
            b.blockRelay().mempool(poolB);
            List<RelayBlock> atB = new CopyOnWriteArrayList<>();
            b.blockRelay().onBlock((from, block) -> atB.add(block));
            get(b.handle().connectTo(TestNodes.loopback(a)));
            await().atMost(BOUND).until(() -> get(a.handle().peerCount()) == 1);
            RelayBlock block = new RelayBlock("loopback header".getBytes(), txs);
            await().atMost(BOUND).untilAsserted(() -> {
                a.blockRelay().relay(block, Optional.empty());
                assertThat(atB).contains(block);
            });
            CompactBlockStats stats = get(b.blockRelay().stats());
            assertThat(stats.compactBlocksReceived()).isEqualTo(1);
            assertThat(stats.reconstructedFromMempool()).isEqualTo(1);
            assertThat(stats.fullBlockFallbacks()).isZero();
            // the node's stats() carry the same counters from the relay's next timer tick
            await().atMost(BOUND).until(() -> get(b.handle().stats()).compactBlocks().equals(stats));
        }
    }

    @Test
    void anOwnTransactionIsStemmedToTheOutboundPeerWhichFluffsIt(@TempDir Path dir) throws Exception {
        DandelionConfig alwaysFluff = new DandelionConfig(true, 1.0, Duration.ofSeconds(30), Duration.ofSeconds(600));
        try (TestNodes nodes = new TestNodes(dir, Clock.system())) {
            GossipService relay = nodes.start(c -> c.dandelion(alwaysFluff));
            GossipService origin = nodes.start();
            List<RelayTransaction> fluffedAtRelay = new CopyOnWriteArrayList<>();
            List<RelayTransaction> fluffedAtOrigin = new CopyOnWriteArrayList<>();
            relay.dandelion().onFluff(fluffedAtRelay::add);
            origin.dandelion().onFluff(fluffedAtOrigin::add);
            List<Bytes32> announcedToOrigin = new CopyOnWriteArrayList<>();
            origin.handle().subscribe(t -> t == ChiaMessageType.NEW_TRANSACTION.code(), (from, m) -> {
                announcedToOrigin.add(Bytes32.wrap(java.util.Arrays.copyOf(m.data(), 32)));
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            });
            get(origin.handle().connectTo(TestNodes.loopback(relay)));
            await().atMost(BOUND).until(() -> get(relay.handle().peerCount()) == 1);
            RelayTransaction tx = new RelayTransaction("my own transaction".getBytes());
            origin.dandelion().send(tx);
            await().atMost(BOUND).until(() -> fluffedAtRelay.contains(tx));
            await().atMost(BOUND).until(() -> announcedToOrigin.contains(tx.id()));
            await().atMost(BOUND).until(() -> !get(origin.dandelion().inStempool(tx)));
            assertThat(fluffedAtOrigin).isEmpty();
            await().atMost(BOUND).until(() -> get(origin.handle().stats()).dandelion().stemmed() == 1
                    && get(relay.handle().stats()).dandelion().fluffed() == 1);
            assertThat(get(origin.handle().stats()).dandelion().fluffed()).isZero();
        }
    }
}
