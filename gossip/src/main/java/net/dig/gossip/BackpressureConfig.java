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
            throw new IllegalArgumentException("normal_batch_interval_ms must be positive, got " + normalBatchIntervalMillis);
        }
    }

    /** dig-gossip's values: 25, 50, 100 messages; normal batches every 500 ms. */
    public static BackpressureConfig defaults() {
        return new BackpressureConfig(25, 50, 100, 500);
    }

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A copy under construction: starts from a record's values; {@link #build()} calls the canonical
     * constructor, so a copy is validated exactly as a new record is.
     */
    public static final class Builder {
        private int txDedupThreshold;
        private int bulkDropThreshold;
        private int normalDelayThreshold;
        private long normalBatchIntervalMillis;

        private Builder(BackpressureConfig from) {
            txDedupThreshold = from.txDedupThreshold;
            bulkDropThreshold = from.bulkDropThreshold;
            normalDelayThreshold = from.normalDelayThreshold;
            normalBatchIntervalMillis = from.normalBatchIntervalMillis;
        }

        public Builder txDedupThreshold(int value) {
            txDedupThreshold = value;
            return this;
        }

        public Builder bulkDropThreshold(int value) {
            bulkDropThreshold = value;
            return this;
        }

        public Builder normalDelayThreshold(int value) {
            normalDelayThreshold = value;
            return this;
        }

        public Builder normalBatchIntervalMillis(long value) {
            normalBatchIntervalMillis = value;
            return this;
        }

        public BackpressureConfig build() {
            return new BackpressureConfig(txDedupThreshold, bulkDropThreshold, normalDelayThreshold,
                    normalBatchIntervalMillis);
        }
    }
}
