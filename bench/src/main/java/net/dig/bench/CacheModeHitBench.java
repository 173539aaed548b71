package net.dig.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.dig.service.CacheEviction;

/**
 * Cache mode's byte hit ratio against the offline optimum on the same read trace: the node's own policy
 * ({@link CacheEviction}) replayed over a seeded Zipf(s) trace of reads of whole datastores of varied
 * sizes, with a cache of a fraction of all the datastores' bytes, next to Belady's offline policy.
 *
 * <h2>The trace</h2>
 * {@code datastores} datastores; datastore {@code i} (popularity rank {@code i + 1}, read with probability
 * proportional to {@code 1 / (i + 1)^s}) has a size drawn log-uniformly from {@link #MIN_SIZE} to
 * {@link #MAX_SIZE}, independent of its rank. Reads are independent draws. Read {@code j} happens at
 * {@code j} seconds; the time to live is the default 168 h, longer than any gap between two reads of a
 * datastore worth keeping here, and every datastore has enough holders elsewhere, so neither rule acts.
 *
 * <h2>The reference: Belady with sizes</h2>
 * With unit sizes Belady's rule (on a miss, drop what is read again furthest in the future) is the exact
 * optimum. With varied sizes the offline optimum is NP-hard; the reference here is Belady's rule with
 * bypass: a missed datastore is kept only if enough residents whose next read comes later than its own
 * can be dropped, furthest first, to make room; a datastore never read again is not kept. Among the
 * usual size-aware approximations it is the one that is optimal in the unit-size case, and on these
 * traces it beats every online policy measured (so the ratio is not flattered by a weak reference).
 *
 * <p>Byte hit ratio = bytes of reads served from the cache / bytes of all reads. A read that misses and
 * is admitted counts as a miss (the bytes were fetched).
 *
 * <p>Usage: {@code CacheModeHitBench [datastores] [reads] [zipf_s] [cache_fraction] [seed]
 * [min_size] [max_size]} (defaults 1000, 1000000, 0.9, 0.10, 1, 1 MiB, 1 GiB); prints one line per policy and their ratio.
 */
public final class CacheModeHitBench {
    static final long MIN_SIZE = 1L << 20;
    static final long MAX_SIZE = 1L << 30;

    private CacheModeHitBench() {
    }

    /** A read trace: which datastore each read asks for, and every datastore's size. */
    record Trace(int[] reads, long[] sizes) {
        long totalBytes() {
            return Arrays.stream(sizes).sum();
        }

        long readBytes() {
            long b = 0;
            for (int r : reads) {
                b += sizes[r];
            }
            return b;
        }
    }

    /** A seeded Zipf({@code s}) trace of {@code reads} reads over {@code datastores} datastores (class note). */
    static Trace zipf(int datastores, int reads, double s, long seed) {
        return zipf(datastores, reads, s, seed, MIN_SIZE, MAX_SIZE);
    }

    /** {@link #zipf(int, int, double, long)} with sizes log-uniform in {@code [minSize, maxSize)}. */
    static Trace zipf(int datastores, int reads, double s, long seed, long minSize, long maxSize) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] sizes = new long[datastores];
        double lo = Math.log(minSize);
        double hi = Math.log(maxSize);
        for (int i = 0; i < datastores; i++) {
            sizes[i] = (long) Math.exp(lo + (hi - lo) * random.nextDouble());
        }
        double[] cdf = new double[datastores];
        double sum = 0;
        for (int i = 0; i < datastores; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        int[] trace = new int[reads];
        for (int j = 0; j < reads; j++) {
            int at = Arrays.binarySearch(cdf, random.nextDouble() * sum);
            trace[j] = Math.min(datastores - 1, at >= 0 ? at : -at - 1);
        }
        return new Trace(trace, sizes);
    }

    /** The byte hit ratio of {@link CacheEviction} over {@code trace} with {@code capacity} bytes. */
    static double policy(Trace trace, long capacity) {
        CacheEviction<Integer> cache = new CacheEviction<>(
                new CacheEviction.Settings(Duration.ofHours(168), 5, capacity), d -> Integer.MAX_VALUE);
        long hit = 0;
        int[] reads = trace.reads();
        for (int j = 0; j < reads.length; j++) {
            int d = reads[j];
            long now = j * 1000L;
            cache.read(d, now);
            if (cache.resident(d)) {
                hit += trace.sizes()[d];
            } else {
                cache.admit(d, trace.sizes()[d], now);
            }
            if (j % 4096 == 0) {
                cache.expired(now);
            }
        }
        return (double) hit / trace.readBytes();
    }

    /** The byte hit ratio of Belady's rule with bypass (class note) over {@code trace} with {@code capacity} bytes. */
    static double belady(Trace trace, long capacity) {
        int[] reads = trace.reads();
        long[] sizes = trace.sizes();
        int n = reads.length;
        int[] next = new int[n];
        int[] seen = new int[sizes.length];
        Arrays.fill(seen, Integer.MAX_VALUE);
        for (int j = n - 1; j >= 0; j--) {
            next[j] = seen[reads[j]];
            seen[reads[j]] = j;
        }
        int[] residentNext = new int[sizes.length];
        boolean[] resident = new boolean[sizes.length];
        TreeSet<Integer> byNext = new TreeSet<>(Comparator.<Integer>comparingInt(d -> residentNext[d]).thenComparingInt(d -> d));
        long used = 0;
        long hit = 0;
        for (int j = 0; j < n; j++) {
            int d = reads[j];
            if (resident[d]) {
                hit += sizes[d];
                byNext.remove(d);
                residentNext[d] = next[j];
                byNext.add(d);
                continue;
            }
            if (next[j] == Integer.MAX_VALUE || sizes[d] > capacity) {
                continue;
            }
            long need = sizes[d] - (capacity - used);
            long freed = 0;
            int victims = 0;
            for (int v : byNext.descendingSet()) {
                if (freed >= need || residentNext[v] <= next[j]) {
                    break;
                }
                freed += sizes[v];
                victims++;
            }
            if (freed < need) {
                continue;
            }
            for (int k = 0; k < victims; k++) {
                int v = byNext.pollLast();
                resident[v] = false;
                used -= sizes[v];
            }
            resident[d] = true;
            residentNext[d] = next[j];
            byNext.add(d);
            used += sizes[d];
        }
        return (double) hit / trace.readBytes();
    }

    /**
     * The byte hit ratio of the best static choice under the trace's own probabilities (an oracle that knows
     * the Zipf weights and keeps, greedily, the datastores of highest read probability that fit): the
     * ceiling of any online policy on an independent-reads trace, shown to place the node's policy.
     */
    static double staticOracle(Trace trace, long capacity) {
        long[] sizes = trace.sizes();
        boolean[] keep = new boolean[sizes.length];
        long used = 0;
        for (int d = 0; d < sizes.length; d++) { // rank d + 1 is the d-th most probable
            if (used + sizes[d] <= capacity) {
                keep[d] = true;
                used += sizes[d];
            }
        }
        long hit = 0;
        for (int d : trace.reads()) {
            hit += keep[d] ? sizes[d] : 0;
        }
        return (double) hit / trace.readBytes();
    }

    public static void main(String[] args) {
        int datastores = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int reads = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        double s = args.length > 2 ? Double.parseDouble(args[2]) : 0.9;
        double fraction = args.length > 3 ? Double.parseDouble(args[3]) : 0.10;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        long minSize = args.length > 5 ? Long.parseLong(args[5]) : MIN_SIZE;
        long maxSize = args.length > 6 ? Long.parseLong(args[6]) : MAX_SIZE;
        Trace trace = zipf(datastores, reads, s, seed, minSize, maxSize);
        long capacity = (long) (trace.totalBytes() * fraction);
        double belady = belady(trace, capacity);
        double ours = policy(trace, capacity);
        double oracle = staticOracle(trace, capacity);
        System.out.printf(Locale.ROOT, "trace: %d datastores, %d reads, zipf %.2f, seed %d, sizes %d..%d, %d bytes in all, cache %d bytes (%.0f %%)%n",
                datastores, reads, s, seed, minSize, maxSize, trace.totalBytes(), capacity, fraction * 100);
        System.out.printf(Locale.ROOT, "belady (offline, with bypass)  byte hit ratio %.4f%n", belady);
        System.out.printf(Locale.ROOT, "CacheEviction (node policy)    byte hit ratio %.4f%n", ours);
        System.out.printf(Locale.ROOT, "static oracle (knows p_i)      byte hit ratio %.4f%n", oracle);
        System.out.printf(Locale.ROOT, "ratio policy / belady          %.3f%n", ours / belady);
        System.out.printf(Locale.ROOT, "ratio static oracle / belady   %.3f%n", oracle / belady);
    }
}
