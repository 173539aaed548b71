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
            throw new IllegalArgumentException("lane bounds must be positive, got " + maxMessagesPerLane + " messages, "
                    + maxBytesPerLane + " bytes");
        }
        if (starvationRatio < 1 || bulkQuantumBytes < starvationRatio) {
            throw new IllegalArgumentException("starvation ratio must be >= 1 and the bulk quantum >= the ratio, got "
                    + starvationRatio + ", " + bulkQuantumBytes);
        }
    }

    /** 4,096 messages / 64 MiB per lane, 1 bulk per 16, 64 KiB quantum, dig-gossip's backpressure. */
    public static LaneConfig defaults() {
        return new LaneConfig(4096, 64L << 20, 16, 64 << 10, Optional.of(BackpressureConfig.defaults()));
    }
}
