package net.dig.gossip;

/**
 * The seed's adaptive backpressure thresholds, in messages queued on one connection (all lanes). At or
 * above {@code txDedupThreshold} a NewTransaction identical to one already queued is dropped; at or
 * above {@code bulkDropThreshold} new bulk messages are dropped; at or above
 * {@code normalDelayThreshold} new normal messages are held and released in batches every
 * {@code normalBatchIntervalMillis}. Critical messages are never dropped or delayed.
 */
public record BackpressureConfig(int txDedupThreshold, int bulkDropThreshold, int normalDelayThreshold,
                                 long normalBatchIntervalMillis) {
    public BackpressureConfig {
        if (txDedupThreshold < 1 || bulkDropThreshold < txDedupThreshold || normalDelayThreshold < bulkDropThreshold) {
            throw new IllegalArgumentException("backpressure thresholds must satisfy 1 <= tx_dedup <= bulk_drop <= normal_delay, got "
                    + txDedupThreshold + ", " + bulkDropThreshold + ", " + normalDelayThreshold);
        }
        if (normalBatchIntervalMillis < 1) {
            throw new IllegalArgumentException("normal batch interval must be positive, got " + normalBatchIntervalMillis);
        }
    }

    /** dig-gossip's values: 25, 50, 100 messages; normal batches every 500 ms. */
    public static BackpressureConfig defaults() {
        return new BackpressureConfig(25, 50, 100, 500);
    }
}
