package net.dig.gossip;

import java.time.Duration;

/**
 * Dandelion++ transaction origin privacy (dig-gossip's {@code DandelionConfig}, feature {@code dandelion}).
 *
 * @param enabled          stem transactions (on by default, as the feature table says); off: every
 *                         transaction is relayed normally at once
 * @param fluffProbability q: the chance, drawn once per node per epoch, that this node fluffs every
 *                         stem transaction it receives that epoch instead of passing it on; (0, 1], default 0.1
 * @param stemTimeout      ceiling of the embargo timer of a transaction in the stempool (default 30 s)
 * @param epoch            how long a stem graph, routing table and fluff decision last (default 600 s)
 */
public record DandelionConfig(boolean enabled, double fluffProbability, Duration stemTimeout, Duration epoch) {
    public DandelionConfig {
        if (!(fluffProbability > 0 && fluffProbability <= 1)) {
            throw new IllegalArgumentException("dandelion.fluff_probability must be in (0, 1], got " + fluffProbability);
        }
        if (stemTimeout == null || stemTimeout.isNegative() || stemTimeout.isZero()) {
            throw new IllegalArgumentException("dandelion.stem_timeout_secs must be positive, got " + stemTimeout);
        }
        if (epoch == null || epoch.isNegative() || epoch.isZero()) {
            throw new IllegalArgumentException("dandelion.epoch_secs must be positive, got " + epoch);
        }
    }

    public static DandelionConfig defaults() {
        return new DandelionConfig(true, 0.1, Duration.ofSeconds(30), Duration.ofSeconds(600));
    }
}
