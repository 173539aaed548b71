package net.dig.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A token-bucket limit: at most {@code permits} requests per {@code window}, refilled continuously,
 * with bursts up to {@code permits}. {@code permits == 0} means unlimited.
 */
public record RateLimit(int permits, Duration window) {
    public RateLimit {
        Objects.requireNonNull(window, "window");
        if (permits < 0) {
            throw new IllegalArgumentException("rate limit permits must be >= 0 (0 = unlimited), got " + permits);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("rate limit window must be positive, got " + window);
        }
    }

    public static RateLimit perMinute(int permits) {
        return new RateLimit(permits, Duration.ofMinutes(1));
    }

    public static RateLimit unlimited() {
        return new RateLimit(0, Duration.ofMinutes(1));
    }

    public boolean isUnlimited() {
        return permits == 0;
    }
}
