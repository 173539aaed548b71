package net.dig.gossip;

import java.util.LinkedHashMap;
import net.dig.core.Bytes32;

/**
 * Anti-replay state of node messages: per sender key, the 64 highest sequences accepted and a floor (the
 * highest sequence that left that set), so a sender's messages may arrive out of order by up to 64 messages
 * while every sequence is accepted at most once and nothing at or below the floor is. The window counts
 * messages, not sequence values: signers take {@code max(previous + 1, millis × 1000)}, so two messages a
 * millisecond apart differ by a thousand, and a window of 64 values would refuse any frame a connection's
 * outbound limiter or lanes sent a moment later than a younger one.
 *
 * <p>Bounded: at most {@code capacity} senders, the least recently seen forgotten first. Forgetting a
 * sender raises a watermark to that sender's latest timestamp; a sender not remembered is accepted only
 * with a timestamp above the watermark, so a message of a forgotten sender cannot be replayed. Sans-I/O;
 * thread-safe (one lock, held for a map operation and a 64-entry insert). Memory: about 600 bytes a sender.
 */
final class ReplayGuard {
    enum Result { FRESH, REPLAYED, FORGOTTEN }

    static final int WINDOW = 64;

    private static final class Window {
        final long[] recent = new long[WINDOW]; // ascending, the first n in use
        int n;
        long floor = Long.MIN_VALUE;
        long latestTimestamp;

        /** Records {@code sequence}; false if it was seen or is at or below the floor. */
        boolean record(long sequence) {
            if (sequence <= floor) {
                return false;
            }
            int at = java.util.Arrays.binarySearch(recent, 0, n, sequence);
            if (at >= 0) {
                return false;
            }
            int insert = -at - 1;
            if (n == WINDOW) {
                if (insert == 0) {
                    floor = sequence; // older than all 64 kept: accepted once, and everything below it is now refused
                    return true;
                }
                floor = recent[0];
                System.arraycopy(recent, 1, recent, 0, insert - 1);
                recent[insert - 1] = sequence;
                return true;
            }
            System.arraycopy(recent, insert, recent, insert + 1, n - insert);
            recent[insert] = sequence;
            n++;
            return true;
        }
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
            w.record(sequence);
            w.latestTimestamp = timestamp;
            senders.put(sender, w);
            if (senders.size() > capacity) {
                var eldest = senders.entrySet().iterator();
                watermark = Math.max(watermark, eldest.next().getValue().latestTimestamp);
                eldest.remove();
            }
            return Result.FRESH;
        }
        if (!w.record(sequence)) {
            return Result.REPLAYED;
        }
        w.latestTimestamp = Math.max(w.latestTimestamp, timestamp);
        return Result.FRESH;
    }

    synchronized int size() {
        return senders.size();
    }
}
