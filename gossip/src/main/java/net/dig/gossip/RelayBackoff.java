package net.dig.gossip;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a relay client tries again after losing its relay: exponential backoff with jitter.
 *
 * <p>Attempt {@code n} (0 for the first retry) waits a uniformly drawn time in {@code [d/2, d]} where
 * {@code d = min(max, initial × 2^n)}; the jitter keeps the nodes of one relay from all coming back in the
 * same instant after the relay restarts. {@link #exhausted} tells when {@code maxAttempts} retries have
 * failed ({@code 0} retries forever). Pure: the caller owns the attempt counter and the randomness.
 */
public record RelayBackoff(Duration initial, Duration max, int maxAttempts) {
    public RelayBackoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || maxAttempts < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and maxAttempts >= 0");
        }
    }

    public Duration delay(int attempt, RandomGenerator random) {
        long ceiling = initial.toMillis();
        for (int i = 0; i < attempt && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, max.toMillis());
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
    }

    public boolean exhausted(int failedAttempts) {
        return maxAttempts > 0 && failedAttempts >= maxAttempts;
    }
}
