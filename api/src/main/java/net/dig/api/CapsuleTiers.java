package net.dig.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import net.dig.core.Bytes32;

/**
 * The seed's cache hierarchy for capsules that cannot be served straight from a plot with zero copies
 * (zstd-stored capsules asked for by clients that do not accept zstd, files of directory datastores):
 * L1 = RAM (Caffeine W-TinyLFU weighed in bytes), L2 = {@link DiskCapsuleCache}. Plain capsules are
 * sent from the plot file with {@code sendFile} and left to the OS page cache.
 *
 * <p>Keys are capsule hashes (content addressing: a version change can never serve stale bytes). Hits
 * and misses per tier are counted in Micrometer ({@code cache_requests_total{tier,result}}) and
 * reported as ratios by {@code /node/status}. Thread-safe.
 */
final class CapsuleTiers {
    private final Cache<Bytes32, byte[]> l1;
    private final DiskCapsuleCache l2;
    private final Counter l1Hits;
    private final Counter l1Misses;
    private final Counter l2Hits;
    private final Counter l2Misses;

    CapsuleTiers(long l1Bytes, Path l2Dir, long l2Bytes, MeterRegistry registry) {
        this.l1 = l1Bytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(l1Bytes)
                .weigher((Bytes32 k, byte[] v) -> v.length + 64)
                .executor(Runnable::run)
                .build();
        this.l2 = l2Bytes == 0 ? null : new DiskCapsuleCache(l2Dir, l2Bytes);
        this.l1Hits = counter(registry, "l1", "hit");
        this.l1Misses = counter(registry, "l1", "miss");
        this.l2Hits = counter(registry, "l2", "hit");
        this.l2Misses = counter(registry, "l2", "miss");
        registry.gauge("cache_hit_ratio", io.micrometer.core.instrument.Tags.of("tier", "l1"), this, t -> t.ratio(t.l1Hits, t.l1Misses));
        registry.gauge("cache_hit_ratio", io.micrometer.core.instrument.Tags.of("tier", "l2"), this, t -> t.ratio(t.l2Hits, t.l2Misses));
        registry.gauge("cache_bytes", io.micrometer.core.instrument.Tags.of("tier", "l1"), this, t -> t.l1Bytes());
        registry.gauge("cache_bytes", io.micrometer.core.instrument.Tags.of("tier", "l2"), this, t -> t.l2 == null ? 0 : t.l2.weightedBytes());
    }

    private static Counter counter(MeterRegistry r, String tier, String result) {
        return Counter.builder("cache_requests").tag("tier", tier).tag("result", result)
                .description("capsule cache lookups").register(r);
    }

    /** L1 lookup; counts a hit or a miss. */
    byte[] memory(Bytes32 hash) {
        byte[] b = l1 == null ? null : l1.getIfPresent(hash);
        (b == null ? l1Misses : l1Hits).increment();
        return b;
    }

    /**
     * L2 lookup after an L1 miss, in memory only (event-loop safe): the file if it is present and known
     * sound; counts a hit. When empty, call {@link #loadDisk} on a worker (which counts the hit or miss).
     */
    Optional<Path> disk(Bytes32 hash) {
        Optional<Path> p = l2 == null ? Optional.empty() : l2.verifiedPath(hash);
        p.ifPresent(x -> l2Hits.increment());
        return p;
    }

    /**
     * Blocking: the bytes from L2, hash-checked (a rotted file is dropped), and promoted to L1; counts a
     * hit, or a miss ({@code null}) when there is no sound file.
     */
    byte[] loadDisk(Bytes32 hash) {
        byte[] b = l2 == null ? null : l2.read(hash);
        (b == null ? l2Misses : l2Hits).increment();
        if (b != null) {
            putMemory(hash, b);
        }
        return b;
    }

    /** Blocking: after a zero-copy send from L2, copies the (hash-checked) file into L1; counts nothing. */
    void promote(Bytes32 hash) {
        if (l1 != null && l2 != null) {
            byte[] b = l2.read(hash);
            if (b != null) {
                putMemory(hash, b);
            }
        }
    }

    void putMemory(Bytes32 hash, byte[] bytes) {
        if (l1 != null) {
            l1.put(hash, bytes);
        }
    }

    /** Blocking: writes the L2 file. */
    void putDisk(Bytes32 hash, byte[] bytes) {
        if (l2 != null) {
            l2.put(hash, bytes);
        }
    }

    long l1Bytes() {
        return l1 == null ? 0 : l1.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
    }

    long l2Bytes() {
        return l2 == null ? 0 : l2.weightedBytes();
    }

    record TierStats(long hits, long misses, double hitRatio, long bytes) {
    }

    TierStats l1Stats() {
        return new TierStats((long) l1Hits.count(), (long) l1Misses.count(), ratio(l1Hits, l1Misses), l1Bytes());
    }

    TierStats l2Stats() {
        return new TierStats((long) l2Hits.count(), (long) l2Misses.count(), ratio(l2Hits, l2Misses), l2Bytes());
    }

    private double ratio(Counter hits, Counter misses) {
        double h = hits.count();
        double total = h + misses.count();
        return total == 0 ? 0.0 : h / total;
    }
}
