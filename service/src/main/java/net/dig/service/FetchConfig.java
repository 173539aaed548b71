package net.dig.service;

import java.time.Duration;
import java.util.Objects;
import net.dig.storage.Compression;

/**
 * How this node fetches a datastore version from its providers (docs/architecture.md §6 step 7), validated
 * once.
 *
 * @param windowBytes        the bytes asked for in one window request: a multiple of 4 KiB, at most
 *                           {@link #MAX_WINDOW_BYTES} so a window and its prologue stay well under the
 *                           16 MiB frame cap
 * @param inFlightPerPeer    window requests outstanding to one provider at a time
 * @param inFlightTotal      window requests outstanding across every provider of one fetch
 * @param requestTimeout     how long a provider may take to answer one request before it is dropped as
 *                           stalled and its windows are asked of another
 * @param maxFiles           the largest file table accepted from a provider, checked before it is used
 * @param compression        how a fetched version is stored when it lands (zstd where it pays, or none)
 */
public record FetchConfig(int windowBytes, int inFlightPerPeer, int inFlightTotal, Duration requestTimeout, int maxFiles,
                          Compression compression) {
    public static final int CHUNK = 4096;
    public static final int MAX_WINDOW_BYTES = 4 << 20;

    public FetchConfig {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(compression, "compression");
        if (windowBytes < CHUNK || windowBytes > MAX_WINDOW_BYTES || windowBytes % CHUNK != 0) {
            throw new IllegalArgumentException("fetch window_bytes must be a multiple of " + CHUNK + " within " + CHUNK + ".."
                    + MAX_WINDOW_BYTES + ", got " + windowBytes);
        }
        if (inFlightPerPeer < 1 || inFlightTotal < inFlightPerPeer) {
            throw new IllegalArgumentException("fetch in-flight limits must satisfy 1 <= per_peer <= total, got " + inFlightPerPeer
                    + " and " + inFlightTotal);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("fetch request_timeout must be positive, got " + requestTimeout);
        }
        if (maxFiles < 0) {
            throw new IllegalArgumentException("fetch max_files must not be negative, got " + maxFiles);
        }
    }

    /** 4 MiB windows, 2 per provider and 8 in all, 30 s per request, up to a million files, stored as sent. */
    public static FetchConfig defaults() {
        return new FetchConfig(MAX_WINDOW_BYTES, 2, 8, Duration.ofSeconds(30), 1_000_000, Compression.NONE);
    }
}
