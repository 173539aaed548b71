package net.dig.gossip;

import java.util.Optional;

/**
 * Settings of one connection's {@link LaneScheduler}.
 *
 * @param maxMessagesPerLane   hard bound on messages queued in one lane
 * @param maxBytesPerLane      hard bound on bytes queued in one lane
 * @param starvationRatio      one bulk message may pass per this many higher-priority ones (seed: 16)
 * @param bulkQuantumBytes     bulk earns {@code bulkQuantumBytes / starvationRatio} bytes of credit per
 *                             higher-priority message it waits behind; a waiting bulk message passes only
 *                             when its credit covers its size
 * @param backpressure         thresholds, or empty to disable backpressure (the seed's {@code None})
 */
public record LaneConfig(int maxMessagesPerLane, long maxBytesPerLane, int starvationRatio, int bulkQuantumBytes,
                         Optional<BackpressureConfig> backpressure) {
    public LaneConfig {
        if (maxMessagesPerLane < 1 || maxBytesPerLane < 1) {
            throw new IllegalArgumentException("lane bounds must be positive, got max_messages_per_lane=" + maxMessagesPerLane
                    + ", max_bytes_per_lane=" + maxBytesPerLane);
        }
        if (starvationRatio < 1 || bulkQuantumBytes < starvationRatio) {
            throw new IllegalArgumentException("starvation_ratio must be >= 1 and bulk_quantum >= starvation_ratio, got "
                    + starvationRatio + ", " + bulkQuantumBytes);
        }
        java.util.Objects.requireNonNull(backpressure, "backpressure");
    }

    /** 4,096 messages / 64 MiB per lane, 1 bulk per 16, 64 KiB quantum, dig-gossip's backpressure. */
    public static LaneConfig defaults() {
        return new LaneConfig(4096, 64L << 20, 16, 64 << 10, Optional.of(BackpressureConfig.defaults()));
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
        private int maxMessagesPerLane;
        private long maxBytesPerLane;
        private int starvationRatio;
        private int bulkQuantumBytes;
        private Optional<BackpressureConfig> backpressure;

        private Builder(LaneConfig from) {
            maxMessagesPerLane = from.maxMessagesPerLane;
            maxBytesPerLane = from.maxBytesPerLane;
            starvationRatio = from.starvationRatio;
            bulkQuantumBytes = from.bulkQuantumBytes;
            backpressure = from.backpressure;
        }

        public Builder maxMessagesPerLane(int value) {
            maxMessagesPerLane = value;
            return this;
        }

        public Builder maxBytesPerLane(long value) {
            maxBytesPerLane = value;
            return this;
        }

        public Builder starvationRatio(int value) {
            starvationRatio = value;
            return this;
        }

        public Builder bulkQuantumBytes(int value) {
            bulkQuantumBytes = value;
            return this;
        }

        public Builder backpressure(Optional<BackpressureConfig> value) {
            backpressure = value;
            return this;
        }

        public LaneConfig build() {
            return new LaneConfig(maxMessagesPerLane, maxBytesPerLane, starvationRatio, bulkQuantumBytes, backpressure);
        }
    }
}
