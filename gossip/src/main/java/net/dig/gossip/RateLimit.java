package net.dig.gossip;

/**
 * One row of a rate-limit table.
 *
 * @param frequency messages per 60 s window (ignored when {@code unlimited})
 * @param maxSize largest single message body, bytes
 * @param maxTotalSize bytes per window ({@code frequency × maxSize} when not given)
 * @param aggregate counts toward the non-transaction aggregate (1000 messages, 100 MiB per window)
 * @param unlimited Chia's {@code Unlimited(max_size)}: only the size cap applies, not counted anywhere
 * @param dropWhenOverRate over-rate inbound messages are dropped without penalty (DIG 221/222)
 */
public record RateLimit(int frequency, int maxSize, long maxTotalSize, boolean aggregate, boolean unlimited,
        boolean dropWhenOverRate) {
    public static RateLimit of(int frequency, int maxSize, boolean aggregate) {
        return new RateLimit(frequency, maxSize, (long) frequency * maxSize, aggregate, false, false);
    }

    public static RateLimit of(int frequency, int maxSize, long maxTotalSize, boolean aggregate) {
        return new RateLimit(frequency, maxSize, maxTotalSize, aggregate, false, false);
    }

    public static RateLimit unlimited(int maxSize) {
        return new RateLimit(0, maxSize, 0, false, true, false);
    }

    public RateLimit droppingWhenOverRate() {
        return new RateLimit(frequency, maxSize, maxTotalSize, aggregate, unlimited, true);
    }
}
