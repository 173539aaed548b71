package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.wire.BlockPull;
import net.dig.wire.BlockPush;
import net.dig.wire.BlockPush.CompactBlock;
import net.dig.wire.BlockPush.Prefilled;
import net.dig.wire.ProtocolMessage;
import net.dig.wire.RelayBlock;
import net.dig.wire.RelayTransaction;

/**
 * Compact block relay, BIP-152 in dig-gossip's variant, as a sans-I/O state machine: events in
 * (peers up and down, decoded 209/210 bodies, a block the node accepted, the clock), effects out
 * through {@link Output}.
 *
 * <pre>
 *  sender                                   receiver
 *  high-bandwidth (receiver sent SendCompact(1)):
 *    CompactBlock ------------------------> rebuild from prefilled + mempool by short id
 *  low-bandwidth:
 *    Announce ----------------------------> GetCompactBlock <- (one round trip more)
 *  then, by what the mempool lacks:
 *    0 missing                              block done (0.5 RTT in high-bandwidth mode)
 *    1..5 missing  <----------------------- GetBlockTransactions(indexes)
 *    BlockTransactions -------------------> block done (one extra round trip)
 *    > 5 missing, or the rebuilt root does not match (a short-id collision):
 *                  <----------------------- GetFullBlock
 *    FullBlock ---------------------------> block done
 * </pre>
 *
 * Short ids are {@link ShortTxIds}; a compact block prefills the coinbase and every transaction that
 * entered the mempool within {@link CompactBlockConfig#prefillWindow()}. The node asks
 * {@link CompactBlockConfig#highBandwidthPeers()} peers for high-bandwidth mode: the first ones to
 * connect, then, BIP-152's rule, the ones that most recently delivered a new block first.
 * A rebuilt block goes to {@link Output#blockReceived}; it is relayed further only when the node
 * calls {@link #blockAccepted} after its own validation. Disabled, the relay sends every block whole.
 *
 * <h2>Validation</h2>
 * A transaction sent for a missing index must have that index's short id, and the count must match
 * the request (REJECT: penalty, and the full block is asked for). Bodies nobody asked for, for
 * unknown or already known blocks, are IGNOREd. Collisions are never penalised. Every map is bounded:
 * reconstructions in flight, blocks kept to serve, block ids remembered per peer.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe: one thread (the control event loop, or the simulator) calls everything.
 */
public final class CompactBlockRelay {
    /** Where the relay's effects go. */
    public interface Output {
        void send(PeerId to, ProtocolMessage body);

        /** A block rebuilt or received whole, its id checked; the node validates it and calls {@link #blockAccepted}. */
        void blockReceived(PeerId from, RelayBlock block);

        void penalize(PeerId peer, PenaltyReason reason, String detail);
    }

    static final int MAX_PENDING = 16;
    static final int BLOCKS_KEPT = 32;
    static final int KNOWN_PER_PEER = 64;

    private final CompactBlockConfig config;
    private final Clock clock;
    private final MempoolView mempool;
    private final Output out;
    private final Map<PeerId, Peer> peers = new LinkedHashMap<>();
    private final LinkedHashSet<PeerId> highBandwidth = new LinkedHashSet<>();
    private final LinkedHashMap<Bytes32, RelayBlock> blocks = new LinkedHashMap<>();
    private final Map<Bytes32, Pending> pending = new HashMap<>();
    private long compactBlocksReceived, reconstructedFromMempool, extraRoundTrips, fullBlockFallbacks, collisions;

    public CompactBlockRelay(CompactBlockConfig config, Clock clock, MempoolView mempool, Output out) {
        this.config = config;
        this.clock = clock;
        this.mempool = mempool;
        this.out = out;
    }

    private static final class Peer {
        boolean wantsHighBandwidth;
        final LinkedHashSet<Bytes32> known = new LinkedHashSet<>();

        void knows(Bytes32 id) {
            known.remove(id);
            known.add(id);
            if (known.size() > KNOWN_PER_PEER) {
                known.removeFirst();
            }
        }
    }

    /** A block being fetched: rebuilt from a compact block, or waited for whole. */
    private static final class Pending {
        final PeerId from;
        final long startedAt;
        final CompactBlock compact; // null while waiting for a compact block or a full block
        final RelayTransaction[] slots;
        final long[] shortIdAt; // per index; -1 where prefilled
        List<Integer> missing = List.of();
        boolean wholeBlock;

        Pending(PeerId from, long startedAt, CompactBlock compact) {
            this.from = from;
            this.startedAt = startedAt;
            this.compact = compact;
            this.slots = compact == null ? null : new RelayTransaction[compact.transactionCount()];
            this.shortIdAt = compact == null ? null : new long[compact.transactionCount()];
        }
    }

    // ---- peers ----------------------------------------------------------------------------------

    public void peerUp(PeerId peer) {
        if (peers.putIfAbsent(peer, new Peer()) != null || !config.enabled()) {
            return;
        }
        boolean high = highBandwidth.size() < config.highBandwidthPeers();
        if (high) {
            highBandwidth.add(peer);
        }
        out.send(peer, new BlockPull.SendCompact(high));
    }

    public void peerDown(PeerId peer) {
        peers.remove(peer);
        pending.values().removeIf(p -> p.from.equals(peer));
        if (highBandwidth.remove(peer)) {
            peers.keySet().stream().filter(p -> !highBandwidth.contains(p)).findFirst().ifPresent(this::promote);
        }
    }

    /** BIP-152: the peers that last delivered a new block first are the ones asked for high-bandwidth mode. */
    private void promote(PeerId provider) {
        if (!config.enabled() || config.highBandwidthPeers() == 0 || !peers.containsKey(provider)) {
            return;
        }
        boolean wasHigh = highBandwidth.remove(provider);
        highBandwidth.add(provider);
        if (!wasHigh) {
            out.send(provider, new BlockPull.SendCompact(true));
        }
        while (highBandwidth.size() > config.highBandwidthPeers()) {
            PeerId demoted = highBandwidth.removeFirst();
            out.send(demoted, new BlockPull.SendCompact(false));
        }
    }

    // ---- the node's own blocks ------------------------------------------------------------------

    /**
     * A block this node produced or validated: kept to serve, and offered to every peer not known to
     * have it (a compact block to those in high-bandwidth mode, an announcement to the others).
     */
    public void blockAccepted(RelayBlock block, Optional<PeerId> from) {
        keep(block);
        pending.remove(block.id());
        from.map(peers::get).ifPresent(p -> p.knows(block.id()));
        CompactBlock compact = null;
        for (Map.Entry<PeerId, Peer> e : peers.entrySet()) {
            Peer peer = e.getValue();
            if (peer.known.contains(block.id())) {
                continue;
            }
            peer.knows(block.id());
            if (!config.enabled()) {
                out.send(e.getKey(), new BlockPush.FullBlock(block));
            } else if (peer.wantsHighBandwidth) {
                compact = compact == null ? compact(block) : compact;
                out.send(e.getKey(), compact);
            } else {
                out.send(e.getKey(), new BlockPush.Announce(block.id()));
            }
        }
    }

    /** The compact form of {@code block}: the coinbase and recent transactions in full, short ids for the rest. */
    public CompactBlock compact(RelayBlock block) {
        ShortTxIds ids = new ShortTxIds(block.id());
        long recent = clock.millis() - config.prefillWindow().toMillis();
        List<Prefilled> prefilled = new ArrayList<>();
        List<Long> shortIds = new ArrayList<>();
        List<RelayTransaction> txs = block.transactions();
        for (int i = 0; i < txs.size(); i++) {
            RelayTransaction tx = txs.get(i);
            OptionalLong at = mempool.receivedAt(tx.id());
            if (i == 0 || at.isEmpty() || at.getAsLong() >= recent) {
                prefilled.add(new Prefilled(i, tx));
            } else {
                shortIds.add(ids.of(tx.id()));
            }
        }
        return new CompactBlock(block.header(), block.transactionsRoot(), txs.size(), prefilled, shortIds);
    }

    // ---- inbound --------------------------------------------------------------------------------

    /** A decoded 209 body from {@code from}. */
    public void received(PeerId from, BlockPull body) {
        Peer peer = peers.get(from);
        if (peer == null) {
            return;
        }
        switch (body) {
            case BlockPull.SendCompact s -> peer.wantsHighBandwidth = s.highBandwidth();
            case BlockPull.GetCompactBlock g -> {
                RelayBlock block = blocks.get(g.blockId());
                if (block != null) {
                    peer.knows(block.id());
                    out.send(from, compact(block));
                }
            }
            case BlockPull.GetBlockTransactions g -> serveTransactions(from, g);
            case BlockPull.GetFullBlock g -> {
                RelayBlock block = blocks.get(g.blockId());
                if (block != null) {
                    peer.knows(block.id());
                    out.send(from, new BlockPush.FullBlock(block));
                }
            }
        }
    }

    /** A decoded 210 body from {@code from}. */
    public void received(PeerId from, BlockPush body) {
        Peer peer = peers.get(from);
        if (peer == null) {
            return;
        }
        switch (body) {
            case BlockPush.Announce a -> {
                peer.knows(a.blockId());
                if (!blocks.containsKey(a.blockId()) && !pending.containsKey(a.blockId()) && room()) {
                    pending.put(a.blockId(), new Pending(from, clock.millis(), null));
                    out.send(from, new BlockPull.GetCompactBlock(a.blockId()));
                }
            }
            case CompactBlock c -> compactBlock(from, peer, c);
            case BlockPush.BlockTransactions t -> missingTransactions(from, t);
            case BlockPush.FullBlock f -> {
                RelayBlock block = f.block();
                peer.knows(block.id());
                Pending p = pending.get(block.id());
                if (!blocks.containsKey(block.id()) && (p == null || p.from.equals(from))) {
                    pending.remove(block.id());
                    done(from, block);
                }
            }
        }
    }

    private boolean room() {
        return pending.size() < MAX_PENDING;
    }

    private void compactBlock(PeerId from, Peer peer, CompactBlock c) {
        Bytes32 id = c.blockId();
        peer.knows(id);
        Pending waiting = pending.get(id);
        if (blocks.containsKey(id) || (waiting != null && (waiting.compact != null || !waiting.from.equals(from)))) {
            return;
        }
        if (waiting == null && !room()) {
            return;
        }
        compactBlocksReceived++;
        Pending p = new Pending(from, clock.millis(), c);
        pending.put(id, p);
        boolean duplicateShortIds = fill(p, new ShortTxIds(id));
        if (duplicateShortIds || p.missing.size() > CompactBlockConfig.MAX_MISSING_TRANSACTIONS) {
            askWhole(p, id);
        } else if (p.missing.isEmpty()) {
            reconstructedFromMempool++;
            finish(p);
        } else {
            extraRoundTrips++;
            out.send(from, new BlockPull.GetBlockTransactions(id, p.missing));
        }
    }

    /** Places prefilled and mempool transactions; returns true when the compact block repeats a short id. */
    private boolean fill(Pending p, ShortTxIds ids) {
        CompactBlock c = p.compact;
        Set<Integer> prefilledAt = new HashSet<>();
        for (Prefilled pre : c.prefilled()) {
            p.slots[pre.index()] = pre.transaction();
            p.shortIdAt[pre.index()] = -1;
            prefilledAt.add(pre.index());
        }
        Map<Long, Integer> indexOf = new HashMap<>();
        Iterator<Long> shortIds = c.shortIds().iterator();
        for (int i = 0; i < p.slots.length; i++) {
            if (prefilledAt.contains(i)) {
                continue;
            }
            long s = shortIds.next();
            p.shortIdAt[i] = s;
            if (indexOf.put(s, i) != null) {
                return true;
            }
        }
        Set<Long> ambiguous = new HashSet<>();
        for (RelayTransaction tx : mempool.transactions()) {
            long s = ids.of(tx.id());
            Integer at = indexOf.get(s);
            if (at == null) {
                continue;
            }
            if (p.slots[at] != null && !p.slots[at].equals(tx)) {
                ambiguous.add(s);
            }
            p.slots[at] = tx;
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < p.slots.length; i++) {
            if (p.slots[i] == null || (p.shortIdAt[i] != -1 && ambiguous.contains(p.shortIdAt[i]))) {
                p.slots[i] = null;
                missing.add(i);
            }
        }
        p.missing = missing;
        return false;
    }

    private void missingTransactions(PeerId from, BlockPush.BlockTransactions t) {
        Pending p = pending.get(t.blockId());
        if (p == null || p.compact == null || p.missing.isEmpty() || p.wholeBlock || !p.from.equals(from)) {
            return;
        }
        if (t.transactions().size() != p.missing.size()) {
            out.penalize(from, PenaltyReason.PROTOCOL_VIOLATION, "BlockTransactions for " + t.blockId().toHex().substring(0, 16)
                    + " holds " + t.transactions().size() + " transactions, " + p.missing.size() + " were asked for");
            askWhole(p, t.blockId());
            return;
        }
        ShortTxIds ids = new ShortTxIds(t.blockId());
        for (int k = 0; k < p.missing.size(); k++) {
            int index = p.missing.get(k);
            RelayTransaction tx = t.transactions().get(k);
            if (ids.of(tx.id()) != p.shortIdAt[index]) {
                out.penalize(from, PenaltyReason.PROTOCOL_VIOLATION, "BlockTransactions: the transaction for index " + index
                        + " does not have that index's short id");
                askWhole(p, t.blockId());
                return;
            }
            p.slots[index] = tx;
        }
        p.missing = List.of();
        finish(p);
    }

    private void finish(Pending p) {
        RelayBlock block = new RelayBlock(p.compact.header(), List.of(p.slots));
        Bytes32 expected = p.compact.blockId();
        if (!block.id().equals(expected)) {
            collisions++;
            askWhole(p, expected);
            return;
        }
        pending.remove(expected);
        done(p.from, block);
    }

    private void askWhole(Pending p, Bytes32 id) {
        fullBlockFallbacks++;
        p.wholeBlock = true;
        out.send(p.from, new BlockPull.GetFullBlock(id));
    }

    private void done(PeerId from, RelayBlock block) {
        keep(block);
        promote(from);
        out.blockReceived(from, block);
    }

    private void keep(RelayBlock block) {
        blocks.remove(block.id());
        blocks.put(block.id(), block);
        if (blocks.size() > BLOCKS_KEPT) {
            blocks.pollFirstEntry();
        }
    }

    private void serveTransactions(PeerId from, BlockPull.GetBlockTransactions g) {
        RelayBlock block = blocks.get(g.blockId());
        if (block == null) {
            return;
        }
        List<RelayTransaction> txs = block.transactions();
        if (g.indexes().getLast() >= txs.size()) {
            out.penalize(from, PenaltyReason.PROTOCOL_VIOLATION, "GetBlockTransactions index " + g.indexes().getLast()
                    + " is past the block's " + txs.size() + " transactions");
            return;
        }
        out.send(from, new BlockPush.BlockTransactions(block.id(), g.indexes().stream().map(txs::get).toList()));
    }

    // ---- time -----------------------------------------------------------------------------------

    /** Drops fetches older than the request timeout, so a later announcement or compact block starts afresh. */
    public void tick() {
        long cutoff = clock.millis() - config.requestTimeout().toMillis();
        pending.values().removeIf(p -> p.startedAt <= cutoff);
    }

    public boolean hasBlock(Bytes32 id) {
        return blocks.containsKey(id);
    }

    /** The peers this node has asked for high-bandwidth mode, oldest first. */
    public List<PeerId> highBandwidthPeers() {
        return List.copyOf(highBandwidth);
    }

    public CompactBlockStats stats() {
        return new CompactBlockStats(compactBlocksReceived, reconstructedFromMempool, extraRoundTrips, fullBlockFallbacks, collisions);
    }
}
