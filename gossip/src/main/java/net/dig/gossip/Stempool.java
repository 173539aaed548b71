package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import net.dig.core.Bytes32;
import net.dig.wire.RelayTransaction;

/**
 * Transactions in their Dandelion++ stem phase, kept apart from the mempool (BIP-156): a stem
 * transaction is not served, announced or mined until it fluffs, so a spy asking this node learns
 * nothing of it. Each one carries its embargo deadline. Bounded by {@code capacity}; not thread-safe.
 */
final class Stempool {
    private record Entry(RelayTransaction tx, long deadline) {}

    private final int capacity;
    private final Map<Bytes32, Entry> byId = new HashMap<>();
    private final TreeSet<Entry> byDeadline = new TreeSet<>((a, b) -> a.deadline != b.deadline
            ? Long.compare(a.deadline, b.deadline) : a.tx.id().compareTo(b.tx.id()));

    Stempool(int capacity) {
        this.capacity = capacity;
    }

    /** False when the transaction is here already or the pool is full. */
    boolean add(RelayTransaction tx, long deadline) {
        if (byId.containsKey(tx.id()) || byId.size() >= capacity) {
            return false;
        }
        Entry e = new Entry(tx, deadline);
        byId.put(tx.id(), e);
        byDeadline.add(e);
        return true;
    }

    boolean contains(Bytes32 id) {
        return byId.containsKey(id);
    }

    boolean remove(Bytes32 id) {
        Entry e = byId.remove(id);
        return e != null && byDeadline.remove(e);
    }

    /** Removes and returns the transactions whose embargo ends at or before {@code now}, earliest first. */
    List<RelayTransaction> expired(long now) {
        List<RelayTransaction> out = new ArrayList<>();
        while (!byDeadline.isEmpty() && byDeadline.first().deadline <= now) {
            Entry e = byDeadline.pollFirst();
            byId.remove(e.tx.id());
            out.add(e.tx);
        }
        return out;
    }

    OptionalLong nextDeadline() {
        return byDeadline.isEmpty() ? OptionalLong.empty() : OptionalLong.of(byDeadline.first().deadline);
    }

    int size() {
        return byId.size();
    }
}
