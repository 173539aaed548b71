package net.dig.service;

import java.time.Duration;
import java.util.Objects;

/**
 * How this node repairs capsules it found bad ({@link CapsuleRepair}), validated once.
 *
 * @param maxConcurrent the most capsules being fetched for repair at once, across datastores (each is
 *                      staged whole, so this bounds the staging area too)
 * @param retryFirst    the wait after the first attempt for a datastore that repaired nothing (no
 *                      provider, all providers failed, the store refused)
 * @param retryMax      the longest wait; each further failed attempt doubles it up to this
 */
public record RepairConfig(int maxConcurrent, Duration retryFirst, Duration retryMax) {
    public RepairConfig {
        Objects.requireNonNull(retryFirst, "retryFirst");
        Objects.requireNonNull(retryMax, "retryMax");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("repair max_concurrent must be at least 1, got " + maxConcurrent);
        }
        if (retryFirst.isNegative() || retryFirst.isZero() || retryMax.compareTo(retryFirst) < 0) {
            throw new IllegalArgumentException("repair retries must satisfy 0 < first <= max, got " + retryFirst + " and " + retryMax);
        }
    }

    /** Four capsules at once; retries after 30 s, doubling up to an hour. */
    public static RepairConfig defaults() {
        return new RepairConfig(4, Duration.ofSeconds(30), Duration.ofHours(1));
    }

    /** The wait after {@code failures} failed attempts in a row (at least one). */
    Duration backoff(int failures) {
        int doublings = Math.min(Math.max(0, failures - 1), 40);
        Duration d = retryFirst.multipliedBy(1L << Math.min(doublings, 30));
        return d.compareTo(retryMax) > 0 ? retryMax : d;
    }
}
