package net.dig.gossip;

import java.util.Optional;

/**
 * Per-connection, per-direction message rate limiting in fixed 60 s windows (Chia
 * {@code chia/server/rate_limits.py}, V2 semantics; docs/formats/wire.md).
 *
 * <p>Design notes. The window is {@code floor(nowMillis / 60 000)}; all counters reset when it
 * changes. A message of type T and body size S, with {@code pct} = 100 inbound / 30 outbound by default:
 * <ul>
 *   <li>{@code Unlimited(max)} rows: violation only if S &gt; max; not counted.
 *   <li>otherwise: count(T)+1 &gt; frequency×pct, S &gt; maxSize, or bytes(T)+S &gt; maxTotal×pct is a
 *       violation; aggregate rows also count toward 1000 messages / 100 MiB ×pct per window.
 * </ul>
 * Inbound, a violation means close the connection, penalise ({@link PenaltyReason#RATE_LIMIT_EXCEEDED})
 * and ban the IP for 300 s ({@link CloseReason#RATE_LIMITED}); DIG 221/222 frames that are merely over
 * rate are dropped without penalty (oversize ones are violations). Outbound, a violation means the
 * message was not sent and its counts are rolled back; it is retried after 1 s, except
 * {@code respond_peers}, which is dropped, and an oversize message, which can never pass and is dropped. Callers pass the body size ({@code Message.data().length}).
 *
 * <p>Sans-I/O: time is an argument. Not thread-safe: one instance per connection direction, owned by
 * that connection's event loop. Memory: two fixed 256-entry arrays.
 */
public final class RateLimiter {
    public static final long WINDOW_MILLIS = 60_000;
    public static final long OUTBOUND_RETRY_MILLIS = 1_000;
    /** Share of each row a sender allows itself (Chia {@code outbound_rate_limit_percent}). */
    public static final int DEFAULT_OUTBOUND_PERCENT = 30;

    public enum Direction { INBOUND, OUTBOUND }

    public enum Action {
        /** Process / send the message. */
        ALLOW,
        /** Inbound: drop the message silently (no penalty). */
        DROP_SILENTLY,
        /** Inbound: close, penalise and ban. */
        VIOLATION,
        /** Outbound: do not send now; try again after {@link RateVerdict#retryAfterMillis()}. */
        RETRY_LATER,
        /** Outbound: do not send, do not retry. */
        DROP
    }

    public record RateVerdict(Action action, String reason, long retryAfterMillis) {
        static final RateVerdict ALLOWED = new RateVerdict(Action.ALLOW, "", 0);

        public boolean allowed() {
            return action == Action.ALLOW;
        }

        /** The penalty an inbound violation carries. */
        public Optional<PenaltyReason> penalty() {
            return action == Action.VIOLATION ? Optional.of(PenaltyReason.RATE_LIMIT_EXCEEDED) : Optional.empty();
        }
    }

    private final Direction direction;
    private final double fraction;
    private final RateLimitTable table;
    private final int[] counts = new int[RateLimitTable.NODE_EXCHANGE_ROW + 1];
    private final long[] bytes = new long[RateLimitTable.NODE_EXCHANGE_ROW + 1];
    private int aggregateCount;
    private long aggregateBytes;
    private long window = Long.MIN_VALUE;

    public RateLimiter(Direction direction, int percent, RateLimitTable table) {
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be in 1..100 but was " + percent);
        }
        this.direction = direction;
        this.fraction = percent / 100.0;
        this.table = table;
    }

    /** Inbound at 100 % of the standard table. */
    public static RateLimiter inbound() {
        return new RateLimiter(Direction.INBOUND, 100, RateLimitTable.standard());
    }

    /** Outbound at 30 % of the standard table (Chia {@code outbound_rate_limit_percent}). */
    public static RateLimiter outbound() {
        return new RateLimiter(Direction.OUTBOUND, DEFAULT_OUTBOUND_PERCENT, RateLimitTable.standard());
    }

    /** Checks a frame without a request id. */
    public RateVerdict check(int type, int bodySize, long nowMillis) {
        return check(type, false, bodySize, nowMillis);
    }

    /** Checks {@code message}, counted in the row {@link RateLimitTable#rowOf} gives for it. */
    public RateVerdict check(net.dig.wire.Message message, long nowMillis) {
        return check(message.type(), message.id().isPresent(), message.data().length, nowMillis);
    }

    /** Checks a frame of {@code type}, with or without a request id, counted in its row ({@link RateLimitTable#rowOf}). */
    public RateVerdict check(int type, boolean hasId, int bodySize, long nowMillis) {
        long w = Math.floorDiv(nowMillis, WINDOW_MILLIS);
        if (w != window) {
            window = w;
            java.util.Arrays.fill(counts, 0);
            java.util.Arrays.fill(bytes, 0);
            aggregateCount = 0;
            aggregateBytes = 0;
        }
        int t = RateLimitTable.rowOf(type, hasId);
        RateLimit limit = table.row(t);
        if (bodySize > limit.maxSize()) {
            String why = "type " + t + " body of " + bodySize + " bytes exceeds " + limit.maxSize();
            return direction == Direction.INBOUND ? new RateVerdict(Action.VIOLATION, why, 0) : new RateVerdict(Action.DROP, why, 0);
        }
        if (limit.unlimited()) {
            return RateVerdict.ALLOWED;
        }
        int newCount = counts[t] + 1;
        long newBytes = bytes[t] + bodySize;
        int newAggCount = aggregateCount + (limit.aggregate() ? 1 : 0);
        long newAggBytes = aggregateBytes + (limit.aggregate() ? bodySize : 0);
        String why = null;
        if (newCount > limit.frequency() * fraction) {
            why = "type " + t + ": " + newCount + " messages in this minute exceed " + limit.frequency() * fraction;
        } else if (newBytes > limit.maxTotalSize() * fraction) {
            why = "type " + t + ": " + newBytes + " bytes in this minute exceed " + (long) (limit.maxTotalSize() * fraction);
        } else if (limit.aggregate() && newAggCount > RateLimitTable.AGGREGATE_FREQUENCY * fraction) {
            why = "aggregate: " + newAggCount + " non-transaction messages in this minute";
        } else if (limit.aggregate() && newAggBytes > RateLimitTable.AGGREGATE_MAX_TOTAL * fraction) {
            why = "aggregate: " + newAggBytes + " non-transaction bytes in this minute";
        }
        if (why != null) {
            if (direction == Direction.INBOUND) {
                // Chia counts an inbound message even when it is refused: the peer did send it.
                commit(t, newCount, newBytes, newAggCount, newAggBytes);
            }
            return refuse(t, why, limit.dropWhenOverRate());
        }
        commit(t, newCount, newBytes, newAggCount, newAggBytes);
        return RateVerdict.ALLOWED;
    }

    private void commit(int t, int newCount, long newBytes, int newAggCount, long newAggBytes) {
        counts[t] = newCount;
        bytes[t] = newBytes;
        aggregateCount = newAggCount;
        aggregateBytes = newAggBytes;
    }

    private RateVerdict refuse(int t, String why, boolean silentDrop) {
        if (direction == Direction.INBOUND) {
            return new RateVerdict(silentDrop ? Action.DROP_SILENTLY : Action.VIOLATION, why, 0);
        }
        if (t == net.dig.wire.ChiaMessageType.RESPOND_PEERS.code()) {
            return new RateVerdict(Action.DROP, why, 0);
        }
        return new RateVerdict(Action.RETRY_LATER, why, OUTBOUND_RETRY_MILLIS);
    }
}
