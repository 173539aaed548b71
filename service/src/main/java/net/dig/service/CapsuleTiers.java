package net.dig.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import net.dig.core.Bytes32;

/**
 * The seed's cache hierarchy for capsules that cannot be served straight from a plot with zero copies
 * (zstd-stored capsules asked for by clients that do not accept zstd, files of directory datastores):
 * L1 = RAM (Caffeine W-TinyLFU weighed in bytes), L2 = {@link DiskCapsuleCache}. Plain capsules are
 * sent from the plot file with {@code sendFile} and left to the OS page cache.
 *
 * <p>Keys are capsule hashes (content addressing: a version change can never serve stale bytes, so a
 * new version needs no invalidation). {@link #evict} drops the capsules of a datastore that left the
 * node; storage's eviction event calls it. Hits and misses per tier are counted here and exposed by
 * {@link #bindTo} as {@code cache_requests_total{tier,result}}, {@code cache_hit_ratio{tier}} and
 * {@code cache_bytes{tier}}; {@code /node/status} reads {@link #l1Stats()}/{@link #l2Stats()}.
 * Thread-safe.
 */
public final class CapsuleTiers implements MeterBinder {
    private final Cache<Bytes32, byte[]> l1;
    private final DiskCapsuleCache l2;
    private final LongAdder l1Hits = new LongAdder();
    private final LongAdder l1Misses = new LongAdder();
    private final LongAdder l2Hits = new LongAdder();
    private final LongAdder l2Misses = new LongAdder();

    public CapsuleTiers(long l1Bytes, Path l2Dir, long l2Bytes) {
        this.l1 = l1Bytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(l1Bytes)
                .weigher((Bytes32 k, byte[] v) -> v.length + 64)
                .executor(Runnable::run)
                .build();
        this.l2 = l2Bytes == 0 ? null : new DiskCapsuleCache(l2Dir, l2Bytes);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "l1", "hit", t -> t.l1Hits.sum());
        counter(registry, "l1", "miss", t -> t.l1Misses.sum());
        counter(registry, "l2", "hit", t -> t.l2Hits.sum());
        counter(registry, "l2", "miss", t -> t.l2Misses.sum());
        gauge(registry, "cache_hit_ratio", "l1", t -> ratio(t.l1Hits, t.l1Misses));
        gauge(registry, "cache_hit_ratio", "l2", t -> ratio(t.l2Hits, t.l2Misses));
        gauge(registry, "cache_bytes", "l1", CapsuleTiers::l1Bytes);
        gauge(registry, "cache_bytes", "l2", CapsuleTiers::l2Bytes);
    }

    private void counter(MeterRegistry r, String tier, String result, ToDoubleFunction<CapsuleTiers> f) {
        FunctionCounter.builder("cache_requests", this, f).tag("tier", tier).tag("result", result)
                .description("capsule cache lookups").register(r);
    }

    private void gauge(MeterRegistry r, String name, String tier, ToDoubleFunction<CapsuleTiers> f) {
        Gauge.builder(name, this, f).tag("tier", tier).strongReference(true).register(r);
    }

    /** L1 lookup; counts a hit or a miss. */
    public byte[] memory(Bytes32 hash) {
        byte[] b = l1 == null ? null : l1.getIfPresent(hash);
        (b == null ? l1Misses : l1Hits).increment();
        return b;
    }

    /**
     * L2 lookup after an L1 miss, in memory only (event-loop safe): the file if it is present and known
     * sound; counts a hit. When empty, call {@link #loadDisk} on a worker (which counts the hit or miss).
     */
    public Optional<Path> disk(Bytes32 hash) {
        Optional<Path> p = l2 == null ? Optional.empty() : l2.verifiedPath(hash);
        p.ifPresent(x -> l2Hits.increment());
        return p;
    }

    /**
     * Blocking: the bytes from L2, hash-checked (a rotted file is dropped), and promoted to L1; counts a
     * hit, or a miss ({@code null}) when there is no sound file.
     */
    public byte[] loadDisk(Bytes32 hash) {
        byte[] b = l2 == null ? null : l2.read(hash);
        (b == null ? l2Misses : l2Hits).increment();
        if (b != null) {
            putMemory(hash, b);
        }
        return b;
    }

    /** Blocking: after a zero-copy send from L2, copies the (hash-checked) file into L1; counts nothing. */
    public void promote(Bytes32 hash) {
        if (l1 != null && l2 != null) {
            byte[] b = l2.read(hash);
            if (b != null) {
                putMemory(hash, b);
            }
        }
    }

    public void putMemory(Bytes32 hash, byte[] bytes) {
        if (l1 != null) {
            l1.put(hash, bytes);
        }
    }

    /** Blocking: writes the L2 file. */
    public void putDisk(Bytes32 hash, byte[] bytes) {
        if (l2 != null) {
            l2.put(hash, bytes);
        }
    }

    /**
     * Blocking: drops the given capsules from both tiers (a datastore left the node). A capsule shared
     * with a datastore still stored is refetched from its plot on the next miss.
     */
    public void evict(Collection<Bytes32> capsuleHashes) {
        for (Bytes32 h : capsuleHashes) {
            if (l1 != null) {
                l1.invalidate(h);
            }
            if (l2 != null) {
                l2.drop(h);
            }
        }
    }

    long l1Bytes() {
        return l1 == null ? 0 : l1.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
    }

    long l2Bytes() {
        return l2 == null ? 0 : l2.weightedBytes();
    }

    /** Lookups and fill of one tier. */
    public record TierStats(long hits, long misses, double hitRatio, long bytes) {
    }

    public TierStats l1Stats() {
        return new TierStats(l1Hits.sum(), l1Misses.sum(), ratio(l1Hits, l1Misses), l1Bytes());
    }

    public TierStats l2Stats() {
        return new TierStats(l2Hits.sum(), l2Misses.sum(), ratio(l2Hits, l2Misses), l2Bytes());
    }

    private static double ratio(LongAdder hits, LongAdder misses) {
        double h = hits.sum();
        double total = h + misses.sum();
        return total == 0 ? 0.0 : h / total;
    }
}
