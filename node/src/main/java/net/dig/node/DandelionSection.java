package net.dig.node;

import java.time.Duration;
import net.dig.gossip.DandelionConfig;

/**
 * {@code network.dandelion:} - Dandelion++ for transactions (opcode 213): {@code enabled} (off: every
 * transaction is relayed at once), {@code fluff_probability} drawn once per epoch, {@code stem_timeout_secs}
 * the ceiling of the embargo timer, {@code epoch_secs} how long a stem graph lasts. Checked once, here and
 * by dig-gossip's {@link DandelionConfig}.
 */
record DandelionSection(boolean enabled, double fluffProbability, long stemTimeoutSecs, long epochSecs) {
    DandelionSection {
        if (!(fluffProbability > 0 && fluffProbability <= 1)) {
            throw new ConfigException("fluff_probability", "must be in (0, 1], got " + fluffProbability);
        }
        if (stemTimeoutSecs < 1) {
            throw new ConfigException("stem_timeout_secs", "must be >= 1, got " + stemTimeoutSecs);
        }
        if (epochSecs < 1) {
            throw new ConfigException("epoch_secs", "must be >= 1, got " + epochSecs);
        }
    }

    DandelionConfig config() {
        return new DandelionConfig(enabled, fluffProbability, Duration.ofSeconds(stemTimeoutSecs), Duration.ofSeconds(epochSecs));
    }
}
