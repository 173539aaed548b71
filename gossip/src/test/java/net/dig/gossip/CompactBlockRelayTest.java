package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import net.dig.wire.BlockPull;
import net.dig.wire.BlockPush;
import net.dig.wire.Message;
import net.dig.wire.ProtocolMessage;
import net.dig.wire.RelayBlock;
import net.dig.wire.RelayTransaction;
import net.dig.wire.WireLimits;
import org.junit.jupiter.api.Test;

/**
 * Compact block relay between in-memory nodes: every body goes through its codec, bytes are counted as
 * whole frames. The bars: with synced mempools block relay costs at most 10 % of full blocks; with 5 %
 * of the transactions missing, exactly one extra round trip and no full block.
 */
class CompactBlockRelayTest {
    private static final int TX_COUNT = 100;
    private static final int TX_BYTES = 250;
    private final ManualClock clock = new ManualClock(1_000_000);
    private final SplittableRandom random = new SplittableRandom(7);

    /** A mempool of transactions that all arrived at time 0 (long before any block). */
    static final class Pool implements MempoolView {
        final Map<Bytes32, RelayTransaction> txs = new LinkedHashMap<>();
        final Map<Bytes32, Long> at = new HashMap<>();

        void add(RelayTransaction tx, long when) {
            txs.put(tx.id(), tx);
            at.put(tx.id(), when);
        }

        @Override
        public Collection<RelayTransaction> transactions() {
            return txs.values();
        }

        @Override
        public OptionalLong receivedAt(Bytes32 id) {
            Long t = at.get(id);
            return t == null ? OptionalLong.empty() : OptionalLong.of(t);
        }
    }

    record Sent(PeerId from, PeerId to, Message frame) {}

    /** Nodes wired to each other through a FIFO of encoded frames. */
    final class Net {
        final Map<PeerId, CompactBlockRelay> nodes = new LinkedHashMap<>();
        final Map<PeerId, Pool> pools = new HashMap<>();
        final Map<PeerId, List<RelayBlock>> received = new HashMap<>();
        final List<String> penalties = new ArrayList<>();
        final ArrayDeque<Sent> queue = new ArrayDeque<>();
        final List<Sent> log = new ArrayList<>();
        final boolean acceptAndRelay;

        Net(boolean acceptAndRelay) {
            this.acceptAndRelay = acceptAndRelay;
        }

        PeerId add(int n, CompactBlockConfig config) {
            PeerId id = new PeerId(Bytes32.fromHex(String.format("%064x", n + 1)));
            Pool pool = new Pool();
            pools.put(id, pool);
            received.put(id, new ArrayList<>());
            nodes.put(id, new CompactBlockRelay(config, clock, pool, new CompactBlockRelay.Output() {
                @Override
                public void send(PeerId to, ProtocolMessage body) {
                    queue.add(new Sent(id, to, body.toMessage()));
                }

                @Override
                public void blockReceived(PeerId from, RelayBlock block) {
                    received.get(id).add(block);
                    if (acceptAndRelay) {
                        nodes.get(id).blockAccepted(block, Optional.of(from));
                    }
                }

                @Override
                public void penalize(PeerId peer, PenaltyReason reason, String detail) {
                    penalties.add(reason + ": " + detail);
                }
            }));
            return id;
        }

        void link(PeerId a, PeerId b) {
            nodes.get(a).peerUp(b);
            nodes.get(b).peerUp(a);
        }

        void run() {
            while (!queue.isEmpty()) {
                Sent s = queue.poll();
                log.add(s);
                byte[] data = Message.decode(s.frame().encode(), WireLimits.DEFAULT).data();
                CompactBlockRelay to = nodes.get(s.to());
                if (s.frame().type() == BlockPull.OPCODE) {
                    to.received(s.from(), BlockPull.decode(data));
                } else {
                    to.received(s.from(), BlockPush.decode(data));
                }
            }
        }

        /** Frame bytes sent since {@code fromIndex} of the log, SendCompact excluded (sent once per connection). */
        long blockBytes(int fromIndex) {
            return log.subList(fromIndex, log.size()).stream()
                    .filter(s -> !(s.frame().type() == BlockPull.OPCODE && s.frame().data()[1] == 1))
                    .mapToLong(s -> s.frame().encodedSize()).sum();
        }

        long count(int fromIndex, Class<?> kind) {
            return log.subList(fromIndex, log.size()).stream().filter(s -> kind.isInstance(decode(s.frame()))).count();
        }
    }

    /** Two linked nodes with {@code config}, their SendCompact exchanged. */
    Net pair(CompactBlockConfig config) {
        Net net = new Net(false);
        net.link(net.add(0, config), net.add(1, config));
        net.run();
        return net;
    }

    static PeerId first(Net net) {
        return List.copyOf(net.nodes.keySet()).get(0);
    }

    static PeerId second(Net net) {
        return List.copyOf(net.nodes.keySet()).get(1);
    }

    static Object decode(Message m) {
        return m.type() == BlockPull.OPCODE ? BlockPull.decode(m.data()) : BlockPush.decode(m.data());
    }

    RelayTransaction randomTx() {
        byte[] b = new byte[TX_BYTES];
        random.nextBytes(b);
        return new RelayTransaction(b);
    }

    RelayBlock block(List<RelayTransaction> txs) {
        byte[] header = new byte[80];
        random.nextBytes(header);
        return new RelayBlock(header, txs);
    }

    /** A block of {@link #TX_COUNT} transactions: a coinbase plus ones every pool of {@code net} holds, except those listed. */
    RelayBlock blockAllHave(Net net, Map<PeerId, Integer> lacking) {
        List<RelayTransaction> txs = new ArrayList<>();
        txs.add(randomTx());
        for (int i = 1; i < TX_COUNT; i++) {
            txs.add(randomTx());
        }
        for (Map.Entry<PeerId, Pool> e : net.pools.entrySet()) {
            int skip = lacking.getOrDefault(e.getKey(), 0);
            for (int i = 1; i < TX_COUNT; i++) {
                if (i % 10 == 3 && skip > 0) {
                    skip--;
                    continue;
                }
                e.getValue().add(txs.get(i), 0);
            }
        }
        return block(txs);
    }

    static long fullBlockFrame(RelayBlock b) {
        return new BlockPush.FullBlock(b).toMessage().encodedSize();
    }

    @Test
    void withSyncedMempoolsTenHopsCostAtMostTenPercentOfFullBlocks() {
        Net net = new Net(true);
        List<PeerId> line = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            line.add(net.add(i, CompactBlockConfig.defaults()));
            if (i > 0) {
                net.link(line.get(i - 1), line.get(i));
            }
        }
        net.run();
        RelayBlock b = blockAllHave(net, Map.of());
        int start = net.log.size();
        net.nodes.get(line.getFirst()).blockAccepted(b, Optional.empty());
        net.run();

        for (PeerId p : line.subList(1, line.size())) {
            assertThat(net.received.get(p)).containsExactly(b);
        }
        long compactBytes = net.blockBytes(start);
        long fullBytes = 10 * fullBlockFrame(b);
        assertThat(compactBytes * 100).isLessThanOrEqualTo(fullBytes * 10);
        assertThat(net.count(start, BlockPull.GetBlockTransactions.class)).isZero();
        assertThat(net.count(start, BlockPull.GetFullBlock.class)).isZero();
        assertThat(net.count(start, BlockPush.CompactBlock.class)).isEqualTo(10);
        assertThat(net.nodes.get(line.get(5)).stats().reconstructedFromMempool()).isEqualTo(1);
    }

    @Test
    void fivePercentMissingCostsExactlyOneExtraRoundTripAndNoFullBlock() {
        Net net = pair(CompactBlockConfig.defaults());
        PeerId producer = first(net);
        PeerId receiver = second(net);
        RelayBlock b = blockAllHave(net, Map.of(receiver, TX_COUNT * 5 / 100));
        int start = net.log.size();
        net.nodes.get(producer).blockAccepted(b, Optional.empty());
        net.run();

        assertThat(net.received.get(receiver)).containsExactly(b);
        assertThat(net.log.subList(start, net.log.size()).stream().map(s -> decode(s.frame()).getClass().getSimpleName()))
                .containsExactly("CompactBlock", "GetBlockTransactions", "BlockTransactions");
        BlockPull.GetBlockTransactions ask = (BlockPull.GetBlockTransactions) decode(net.log.get(start + 1).frame());
        assertThat(ask.indexes()).hasSize(5);
        CompactBlockStats stats = net.nodes.get(receiver).stats();
        assertThat(stats.extraRoundTrips()).isEqualTo(1);
        assertThat(stats.fullBlockFallbacks()).isZero();
        assertThat(net.blockBytes(start) * 100).isLessThanOrEqualTo(fullBlockFrame(b) * 10);
        assertThat(net.penalties).isEmpty();
    }

    @Test
    void moreThanFiveMissingFallsBackToTheFullBlock() {
        Net net = pair(CompactBlockConfig.defaults());
        PeerId producer = first(net);
        PeerId receiver = second(net);
        RelayBlock b = blockAllHave(net, Map.of(receiver, CompactBlockConfig.MAX_MISSING_TRANSACTIONS + 1));
        int start = net.log.size();
        net.nodes.get(producer).blockAccepted(b, Optional.empty());
        net.run();

        assertThat(net.received.get(receiver)).containsExactly(b);
        assertThat(net.count(start, BlockPull.GetBlockTransactions.class)).isZero();
        assertThat(net.count(start, BlockPull.GetFullBlock.class)).isEqualTo(1);
        assertThat(net.nodes.get(receiver).stats().fullBlockFallbacks()).isEqualTo(1);
    }

    @Test
    void lowBandwidthPeersAnnounceAndAreAskedForTheCompactBlock() {
        CompactBlockConfig low = new CompactBlockConfig(true, 0, Duration.ofSeconds(2), Duration.ofSeconds(10));
        Net net = pair(low);
        PeerId producer = first(net);
        PeerId receiver = second(net);
        RelayBlock b = blockAllHave(net, Map.of());
        int start = net.log.size();
        net.nodes.get(producer).blockAccepted(b, Optional.empty());
        net.run();

        assertThat(net.received.get(receiver)).containsExactly(b);
        assertThat(net.log.subList(start, net.log.size()).stream().map(s -> decode(s.frame()).getClass().getSimpleName()))
                .containsExactly("Announce", "GetCompactBlock", "CompactBlock");
        assertThat(net.nodes.get(receiver).highBandwidthPeers()).isEmpty();
    }

    @Test
    void theCoinbaseAndRecentTransactionsArePrefilled() {
        Net net = new Net(false);
        PeerId producer = net.add(0, CompactBlockConfig.defaults());
        RelayBlock b = blockAllHave(net, Map.of());
        Pool pool = net.pools.get(producer);
        RelayTransaction recent = b.transactions().get(7);
        pool.add(recent, clock.millis() - 1_000);
        BlockPush.CompactBlock c = net.nodes.get(producer).compact(b);
        assertThat(c.prefilled()).extracting(BlockPush.Prefilled::index).containsExactly(0, 7);
        assertThat(c.shortIds()).hasSize(TX_COUNT - 2);
        ShortTxIds ids = new ShortTxIds(b.id());
        assertThat(c.shortIds().getFirst()).isEqualTo(ids.of(b.transactions().get(1).id()));
    }

    @Test
    void aWrongMissingTransactionIsPenalisedAndTheFullBlockAskedFor() {
        Net net = pair(CompactBlockConfig.defaults());
        PeerId honest = first(net);
        PeerId receiver = second(net);
        RelayBlock b = blockAllHave(net, Map.of(receiver, 2));
        CompactBlockRelay relay = net.nodes.get(receiver);
        relay.received(honest, net.nodes.get(honest).compact(b));
        Sent ask = net.queue.poll();
        BlockPull.GetBlockTransactions g = (BlockPull.GetBlockTransactions) decode(ask.frame());
        relay.received(honest, new BlockPush.BlockTransactions(b.id(), List.of(randomTx(), randomTx())));
        assertThat(net.penalties).singleElement().asString().startsWith("PROTOCOL_VIOLATION");
        assertThat(decode(net.queue.poll().frame())).isEqualTo(new BlockPull.GetFullBlock(b.id()));
        relay.received(honest, new BlockPush.BlockTransactions(b.id(), g.indexes().stream().map(b.transactions()::get).toList()));
        assertThat(net.received.get(receiver)).isEmpty();
        relay.received(honest, new BlockPush.FullBlock(b));
        assertThat(net.received.get(receiver)).containsExactly(b);
    }

    @Test
    void unaskedTransactionsAndRequestsForUnknownBlocksAreIgnored() {
        Net net = pair(CompactBlockConfig.defaults());
        PeerId a = first(net);
        PeerId b = second(net);
        int start = net.log.size();
        Bytes32 unknown = Bytes32.fromHex("ab".repeat(32));
        net.nodes.get(b).received(a, new BlockPush.BlockTransactions(unknown, List.of(randomTx())));
        net.nodes.get(b).received(a, new BlockPull.GetBlockTransactions(unknown, List.of(1)));
        net.nodes.get(b).received(a, new BlockPull.GetFullBlock(unknown));
        net.run();
        assertThat(net.log.size()).isEqualTo(start);
        assertThat(net.penalties).isEmpty();
    }

    @Test
    void anIndexPastTheBlockIsPenalised() {
        Net net = pair(CompactBlockConfig.defaults());
        PeerId a = first(net);
        PeerId b = second(net);
        RelayBlock blk = blockAllHave(net, Map.of());
        net.nodes.get(a).blockAccepted(blk, Optional.empty());
        net.queue.clear();
        net.nodes.get(a).received(b, new BlockPull.GetBlockTransactions(blk.id(), List.of(TX_COUNT)));
        assertThat(net.penalties).singleElement().asString().contains("past the block");
        assertThat(net.queue).isEmpty();
    }

    @Test
    void highBandwidthGoesToTheFirstThreePeersThenToTheLatestFirstProviders() {
        Net net = new Net(false);
        PeerId me = net.add(0, CompactBlockConfig.defaults());
        List<PeerId> others = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            others.add(net.add(i, CompactBlockConfig.defaults()));
            net.link(me, others.getLast());
        }
        net.run();
        CompactBlockRelay relay = net.nodes.get(me);
        assertThat(relay.highBandwidthPeers()).containsExactly(others.get(0), others.get(1), others.get(2));
        RelayBlock blk = blockAllHave(net, Map.of());
        net.nodes.get(others.get(3)).blockAccepted(blk, Optional.empty());
        net.run();
        assertThat(relay.highBandwidthPeers()).containsExactly(others.get(1), others.get(2), others.get(3));
        relay.peerDown(others.get(2));
        assertThat(relay.highBandwidthPeers()).containsExactly(others.get(1), others.get(3), others.get(0));
    }

    @Test
    void disabledRelaySendsWholeBlocks() {
        CompactBlockConfig off = new CompactBlockConfig(false, 3, Duration.ofSeconds(2), Duration.ofSeconds(10));
        Net net = pair(off);
        PeerId a = first(net);
        PeerId b = second(net);
        RelayBlock blk = blockAllHave(net, Map.of());
        net.nodes.get(a).blockAccepted(blk, Optional.empty());
        net.run();
        assertThat(net.log.stream().map(s -> decode(s.frame()).getClass().getSimpleName())).containsExactly("FullBlock");
        assertThat(net.received.get(b)).containsExactly(blk);
    }

    @Test
    void aFetchThatNeverCompletesIsDroppedAfterTheTimeout() {
        Net net = pair(CompactBlockConfig.defaults());
        PeerId a = first(net);
        PeerId b = second(net);
        Bytes32 id = Bytes32.fromHex("cd".repeat(32));
        CompactBlockRelay relay = net.nodes.get(b);
        relay.received(a, new BlockPush.Announce(id));
        relay.received(a, new BlockPush.Announce(id));
        assertThat(net.queue).hasSize(1);
        clock.advance(Duration.ofSeconds(10));
        relay.tick();
        relay.received(a, new BlockPush.Announce(id));
        assertThat(net.queue).hasSize(2);
    }
}
