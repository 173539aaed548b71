package net.dig.gossip;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;

/**
 * The outbound queue of one connection: three priority lanes, starvation prevention by messages and by
 * bytes, and the seed's backpressure.
 *
 * <h2>What</h2>
 * {@link #offer} classifies a message ({@link MessagePriority#of}) and queues it, delays it, or drops it;
 * {@link #poll} hands out the next message to write. The transport (dig-net) calls {@code poll} only while
 * its channel is writable (Netty's write-buffer watermarks), so at most about one high watermark of bytes
 * sits below the scheduler; everything else waits here, where priority still applies.
 *
 * <h2>Order</h2>
 * Critical before normal before bulk, with one exception that keeps bulk from starving: while bulk
 * messages wait, every higher-priority message sent gives the bulk lane {@code bulkQuantumBytes /
 * starvationRatio} bytes of credit (4 KiB by default). The bulk head passes ahead of the higher lanes when
 * at least {@code starvationRatio} (16) higher messages went since the last bulk one <em>and</em> its
 * credit covers its size; passing spends that much credit. For bulk messages up to the quantum (64 KiB)
 * this is exactly the seed's "one bulk per 16"; a 1 MiB bulk message needs 256 higher messages' worth of
 * credit. This is deficit round robin over byte budgets with a 16:1 weight, so the bulk lane gets at most
 * about 1/17 of the link's bytes while critical or normal traffic waits, however large its messages are.
 *
 * <h2>Why bytes</h2>
 * Counting only messages, "one bulk per 16" lets a stream of 4 MiB RespondBlocks take 16/17 of the
 * bytes and stall critical messages for a whole transfer. With credit in bytes, a critical message waits
 * at most for the single message already in the socket plus whatever bulk message the guard released
 * (bounded by the credit the 16+ preceding higher messages earned), never for a queue of bulk messages,
 * provided the kernels do not hold a queue of their own: dig-net bounds the socket buffers for that
 * ({@code TransportSettings.SocketBuffers}, docs/decisions.md D15). A single message is still atomic on
 * the wire (a WebSocket data frame cannot be interleaved), so a critical message's wait grows with the
 * size of bulk messages, and producers of large data should send it in messages of about 1 MiB.
 *
 * <h2>Backpressure</h2>
 * With {@link BackpressureConfig} thresholds on the total depth: duplicate NewTransactions dropped,
 * then bulk dropped, then normal delayed and released in batches. Critical is never dropped; when even
 * the critical lane is at its hard bound {@link #offer} answers {@link LaneAdmission#CRITICAL_OVERFLOW}
 * and the caller must close the connection instead of losing the message silently.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe: owned by the connection's event loop. Time comes in as arguments.
 */
public final class LaneScheduler {
    private final LaneConfig config;
    private final Lane critical = new Lane();
    private final Lane normal = new Lane();
    private final Lane bulk = new Lane();
    private final Lane delayed = new Lane();
    private final Map<MessageId, Integer> queuedTransactions = new HashMap<>();
    private long releaseDelayedAt = Long.MAX_VALUE;
    private long bulkCredit;
    private int higherSinceBulk;

    private long sentCritical;
    private long sentNormal;
    private long sentBulk;
    private long bulkByGuard;
    private long delayedNormal;
    private long droppedDuplicateTransactions;
    private long droppedBulk;
    private long droppedLaneFull;
    private long criticalOverflows;

    public LaneScheduler(LaneConfig config) {
        this.config = config;
    }

    /** Queues, delays or drops {@code message}; see {@link LaneAdmission}. */
    public LaneAdmission offer(Message message, long nowMillis) {
        MessagePriority priority = MessagePriority.of(message.type());
        int depth = depth();
        BackpressureConfig bp = config.backpressure().orElse(null);
        switch (priority) {
            case CRITICAL -> {
                if (!critical.fits(message, config)) {
                    criticalOverflows++;
                    return LaneAdmission.CRITICAL_OVERFLOW;
                }
                critical.add(message);
                return LaneAdmission.QUEUED;
            }
            case NORMAL -> {
                MessageId txId = null;
                if (message.type() == ChiaMessageType.NEW_TRANSACTION.code()) {
                    txId = MessageId.of(message);
                    if (bp != null && depth >= bp.txDedupThreshold() && queuedTransactions.containsKey(txId)) {
                        droppedDuplicateTransactions++;
                        return LaneAdmission.DROPPED_DUPLICATE_TRANSACTION;
                    }
                }
                boolean delay = bp != null && depth >= bp.normalDelayThreshold();
                Lane lane = delay ? delayed : normal;
                if (!lane.fits(message, config)) {
                    droppedLaneFull++;
                    return LaneAdmission.DROPPED_LANE_FULL;
                }
                lane.add(message);
                if (txId != null) {
                    queuedTransactions.merge(txId, 1, Integer::sum);
                }
                if (!delay) {
                    return LaneAdmission.QUEUED;
                }
                delayedNormal++;
                if (releaseDelayedAt == Long.MAX_VALUE) {
                    releaseDelayedAt = nowMillis + bp.normalBatchIntervalMillis();
                }
                return LaneAdmission.DELAYED;
            }
            case BULK -> {
                if (bp != null && depth >= bp.bulkDropThreshold()) {
                    droppedBulk++;
                    return LaneAdmission.DROPPED_BULK;
                }
                if (!bulk.fits(message, config)) {
                    droppedLaneFull++;
                    return LaneAdmission.DROPPED_LANE_FULL;
                }
                bulk.add(message);
                return LaneAdmission.QUEUED;
            }
            default -> throw new AssertionError(priority);
        }
    }

    /** The next message to write, or null if none is ready at {@code nowMillis}. */
    public Message poll(long nowMillis) {
        if (nowMillis >= releaseDelayedAt) {
            while (!delayed.isEmpty()) {
                normal.add(delayed.remove());
            }
            releaseDelayedAt = Long.MAX_VALUE;
        }
        if (!bulk.isEmpty() && (critical.isEmpty() && normal.isEmpty() || guardReleasesBulk())) {
            if (!critical.isEmpty() || !normal.isEmpty()) {
                bulkCredit -= bulk.peekSize();
                bulkByGuard++;
            }
            higherSinceBulk = 0;
            sentBulk++;
            return bulk.remove();
        }
        Message next;
        if (!critical.isEmpty()) {
            next = critical.remove();
            sentCritical++;
        } else if (!normal.isEmpty()) {
            next = normal.remove();
            sentNormal++;
            if (next.type() == ChiaMessageType.NEW_TRANSACTION.code()) {
                queuedTransactions.computeIfPresent(MessageId.of(next), (k, n) -> n == 1 ? null : n - 1);
            }
        } else {
            return null;
        }
        if (!bulk.isEmpty()) {
            higherSinceBulk++;
            long cap = Math.max(config.bulkQuantumBytes(), bulk.peekSize());
            bulkCredit = Math.min(cap, bulkCredit + config.bulkQuantumBytes() / config.starvationRatio());
        }
        return next;
    }

    private boolean guardReleasesBulk() {
        return higherSinceBulk >= config.starvationRatio() && bulkCredit >= bulk.peekSize();
    }

    /** Empties every lane without counting anything as sent (the connection closed); returns how many were queued. */
    public int clear() {
        int discarded = depth();
        for (Lane lane : new Lane[] {critical, normal, bulk, delayed}) {
            lane.clear();
        }
        queuedTransactions.clear();
        releaseDelayedAt = Long.MAX_VALUE;
        return discarded;
    }

    /** When delayed normal messages become ready, or {@link Long#MAX_VALUE} (the driver schedules a poll then). */
    public long nextReleaseMillis() {
        return releaseDelayedAt;
    }

    /** Messages queued in all lanes, delayed ones included. */
    public int depth() {
        return critical.size() + normal.size() + bulk.size() + delayed.size();
    }

    public LaneStats stats() {
        return new LaneStats(critical.size(), normal.size(), delayed.size(), bulk.size(),
                critical.bytes + normal.bytes + bulk.bytes + delayed.bytes, sentCritical, sentNormal, sentBulk,
                bulkByGuard, delayedNormal, droppedDuplicateTransactions, droppedBulk, droppedLaneFull,
                criticalOverflows);
    }

    /** A FIFO with its byte total. */
    private static final class Lane {
        private final ArrayDeque<Message> queue = new ArrayDeque<>();
        long bytes;

        boolean fits(Message m, LaneConfig config) {
            return queue.size() < config.maxMessagesPerLane() && bytes + m.encodedSize() <= config.maxBytesPerLane();
        }

        void add(Message m) {
            queue.add(m);
            bytes += m.encodedSize();
        }

        Message remove() {
            Message m = queue.remove();
            bytes -= m.encodedSize();
            return m;
        }

        int peekSize() {
            return queue.peek().encodedSize();
        }

        boolean isEmpty() {
            return queue.isEmpty();
        }

        void clear() {
            queue.clear();
            bytes = 0;
        }

        int size() {
            return queue.size();
        }
    }
}
