package net.dig.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import net.dig.core.Clock;

/**
 * Token buckets per key (client IP or API key) for one {@link RateLimit}.
 *
 * <p>Each bucket holds up to {@code permits} tokens and refills continuously at
 * {@code permits / window}; a request takes one token or is refused with the time until the next token.
 * Time comes from the injected {@link Clock#nanos()} only, so tests drive it with a manual clock.
 *
 * <p>Concurrency: buckets live in a bounded Caffeine map (at most {@code maxKeys}, least valuable keys
 * evicted first, so a flood of spoofed keys cannot exhaust memory; an evicted key starts with a full
 * bucket, which only ever errs towards admitting). Each bucket is updated under its own lock.
 */
final class TokenBuckets {
    private volatile Rate rate;
    private final Clock clock;
    private final Cache<String, Bucket> buckets;

    TokenBuckets(RateLimit limit, Clock clock, long maxKeys) {
        this.clock = clock;
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
        limit(limit);
    }

    /**
     * Applies a new limit from now on (a config reload). Buckets keep their tokens, capped by the new
     * burst at their next use; a request racing the change is judged by one of the two.
     */
    void limit(RateLimit newLimit) {
        this.rate = new Rate(newLimit, newLimit.isUnlimited() ? 0 : (double) newLimit.window().toNanos() / newLimit.permits());
    }

    RateLimit limit() {
        return rate.limit();
    }

    private record Rate(RateLimit limit, double nanosPerToken) {}

    /** Takes a token for {@code key}: {@link Duration#ZERO} if admitted, else how long until one is free. */
    Duration acquire(String key) {
        Rate r = this.rate;
        RateLimit limit = r.limit();
        double nanosPerToken = r.nanosPerToken();
        if (limit.isUnlimited()) {
            return Duration.ZERO;
        }
        long now = clock.nanos();
        Bucket bucket = buckets.get(key, k -> new Bucket(limit.permits(), now));
        synchronized (bucket) {
            double elapsed = now - bucket.updatedNanos;
            if (elapsed > 0) {
                bucket.tokens = Math.min(limit.permits(), bucket.tokens + elapsed / nanosPerToken);
                bucket.updatedNanos = now;
            }
            if (bucket.tokens >= 1.0) {
                bucket.tokens -= 1.0;
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) Math.ceil((1.0 - bucket.tokens) * nanosPerToken));
        }
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
