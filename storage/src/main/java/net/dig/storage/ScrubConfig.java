package net.dig.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link Scrubber} paces itself: it rehashes at most {@code bytesPerSecond} stored bytes per
 * second (0 turns it off), and starts a pass no sooner than {@code period} after the previous pass
 * started, so a fast pass over a small store is not repeated back to back.
 */
public record ScrubConfig(long bytesPerSecond, Duration period) {
    /** Off. */
    public static final ScrubConfig OFF = new ScrubConfig(0, Duration.ofDays(1));

    public ScrubConfig {
        Objects.requireNonNull(period, "scrub period");
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("scrub rate must be >= 0 bytes/s (0 = off), got " + bytesPerSecond);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("scrub period must be positive, got " + period);
        }
    }

    public boolean enabled() {
        return bytesPerSecond > 0;
    }
}
