package net.dig.gossip;

import java.util.LinkedHashMap;
import net.dig.core.Bytes32;

/**
 * Anti-replay state of node messages: per sender key, the highest sequence seen and a 64-bit window of
 * the sequences just below it (the IPsec/WireGuard sliding window), so a sender signing from several
 * threads may arrive slightly out of order while every sequence is accepted at most once and anything
 * more than 64 behind the highest is refused.
 *
 * <p>Bounded: at most {@code capacity} senders, the least recently seen forgotten first. Forgetting a
 * sender raises a watermark to that sender's latest timestamp; a sender not remembered is accepted only
 * with a timestamp above the watermark, so a message of a forgotten sender cannot be replayed. Sans-I/O;
 * thread-safe (one lock, held for a map operation).
 */
final class ReplayGuard {
    enum Result { FRESH, REPLAYED, FORGOTTEN }

    private static final int WINDOW = 64;

    private static final class Window {
        long highest;
        long seen;
        long latestTimestamp;
    }

    private final int capacity;
    private final LinkedHashMap<Bytes32, Window> senders = new LinkedHashMap<>(16, 0.75f, true);
    private long watermark = Long.MIN_VALUE;

    ReplayGuard(int capacity) {
        this.capacity = capacity;
    }

    /** Records ({@code sender}, {@code sequence}) if it was never seen, and says whether it was. */
    synchronized Result accept(Bytes32 sender, long sequence, long timestamp) {
        Window w = senders.get(sender);
        if (w == null) {
            if (timestamp <= watermark) {
                return Result.FORGOTTEN;
            }
            w = new Window();
            w.highest = sequence;
            w.seen = 1;
            w.latestTimestamp = timestamp;
            senders.put(sender, w);
            if (senders.size() > capacity) {
                var eldest = senders.entrySet().iterator();
                watermark = Math.max(watermark, eldest.next().getValue().latestTimestamp);
                eldest.remove();
            }
            return Result.FRESH;
        }
        if (Long.compareUnsigned(sequence, w.highest) > 0) {
            long shift = sequence - w.highest;
            w.seen = shift >= WINDOW ? 1 : (w.seen << shift) | 1;
            w.highest = sequence;
        } else {
            long behind = w.highest - sequence;
            if (behind >= WINDOW || (w.seen & (1L << behind)) != 0) {
                return Result.REPLAYED;
            }
            w.seen |= 1L << behind;
        }
        w.latestTimestamp = Math.max(w.latestTimestamp, timestamp);
        return Result.FRESH;
    }

    synchronized int size() {
        return senders.size();
    }
}
