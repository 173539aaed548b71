package net.dig.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Replays Zipf-distributed capsule request traces against three cache policies of equal size (entries of
 * equal weight) and prints their hit ratios: Caffeine's W-TinyLFU (what the node's L1/L2 tiers use), LRU
 * (the seed's L1) and LFU (the seed's L2). Deterministic (seeded).
 *
 * <p>Traces: pure Zipf(s) over a key space; and the same with one-hit-wonder scans mixed in (a crawler
 * or a bulk replica sync reading every capsule once), which is where recency-only policies lose.
 *
 * <p>Usage: {@code CacheTraceReplay [keys] [requests]} (defaults 100000, 2000000).
 */
public final class CacheTraceReplay {
    private CacheTraceReplay() {
    }

    interface Policy {
        /** Looks up {@code key}, inserting it on a miss; true on a hit. */
        boolean access(long key);
    }

    static final class Lru implements Policy {
        private final LinkedHashMap<Long, Boolean> map;

        Lru(int capacity) {
            this.map = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> e) {
                    return size() > capacity;
                }
            };
        }

        @Override
        public boolean access(long key) {
            if (map.get(key) != null) {
                return true;
            }
            map.put(key, Boolean.TRUE);
            return false;
        }
    }

    /** Classic in-cache LFU: evicts the least frequently used entry, oldest first among equals. */
    static final class Lfu implements Policy {
        private record Entry(long count, long seq, long key) implements Comparable<Entry> {
            @Override
            public int compareTo(Entry o) {
                int c = Long.compare(count, o.count);
                return c != 0 ? c : Long.compare(seq, o.seq);
            }
        }

        private final int capacity;
        private final HashMap<Long, Entry> entries = new HashMap<>();
        private final TreeSet<Entry> order = new TreeSet<>();
        private long seq;

        Lfu(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean access(long key) {
            Entry e = entries.get(key);
            if (e != null) {
                order.remove(e);
                Entry bumped = new Entry(e.count + 1, seq++, key);
                order.add(bumped);
                entries.put(key, bumped);
                return true;
            }
            if (entries.size() >= capacity) {
                Entry victim = order.pollFirst();
                entries.remove(victim.key);
            }
            Entry fresh = new Entry(1, seq++, key);
            order.add(fresh);
            entries.put(key, fresh);
            return false;
        }
    }

    static final class TinyLfu implements Policy {
        private final Cache<Long, Boolean> cache;

        TinyLfu(int capacity) {
            this.cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
        }

        @Override
        public boolean access(long key) {
            if (cache.getIfPresent(key) != null) {
                return true;
            }
            cache.put(key, Boolean.TRUE);
            return false;
        }
    }

    /** Zipf(s) sampler over ranks 1..n by inverse CDF. */
    static final class Zipf {
        private final double[] cdf;

        Zipf(int n, double s) {
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1.0 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int sample(SplittableRandom r) {
            double u = r.nextDouble();
            int lo = 0;
            int hi = cdf.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /**
     * A trace of {@code requests}: Zipf(s) ranks, a {@code scanShare} of never-repeated keys, and, when
     * {@code phases > 1}, popularity that moves: in each of {@code phases} equal periods the ranks map to a
     * different set of keys (new content becomes hot, old content cools down).
     */
    static long[] trace(int keys, int requests, double s, double scanShare, int phases, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Zipf zipf = new Zipf(keys, s);
        long[] t = new long[requests];
        long scanKey = 1L << 40;
        int perPhase = Math.max(1, requests / Math.max(1, phases));
        for (int i = 0; i < requests; i++) {
            long shift = (long) (i / perPhase) * (keys / 3 + 1);
            t[i] = r.nextDouble() < scanShare ? scanKey++ : (zipf.sample(r) + shift) % (4L * keys);
        }
        return t;
    }

    static double replay(Policy p, long[] trace) {
        long hits = 0;
        for (long k : trace) {
            if (p.access(k)) {
                hits++;
            }
        }
        return (double) hits / trace.length;
    }

    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        System.out.printf("keys=%d requests=%d (hit ratios; equal entry count per policy)%n", keys, requests);
        System.out.printf("%-28s %8s %10s %8s %8s %10s%n", "trace", "cache", "W-TinyLFU", "LRU", "LFU", "TinyLFU/LRU");
        for (double s : new double[] {0.7, 0.9, 1.1}) {
            for (int variant = 0; variant < 3; variant++) {
                double scan = variant == 1 ? 0.3 : 0.0;
                int phases = variant == 2 ? 10 : 1;
                long[] t = trace(keys, requests, s, scan, phases, 1234);
                String name = String.format("zipf s=%.1f %s", s, variant == 0 ? "static" : variant == 1 ? "+30% scans" : "10 phases");
                for (double frac : new double[] {0.01, 0.05}) {
                    int cap = (int) (keys * frac);
                    double w = replay(new TinyLfu(cap), t);
                    double lru = replay(new Lru(cap), t);
                    double lfu = replay(new Lfu(cap), t);
                    System.out.printf("%-28s %7.0f%% %10.4f %8.4f %8.4f %10.2fx%n", name, frac * 100, w, lru, lfu, w / lru);
                }
            }
        }
    }
}
