package net.dig.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cache-mode node keeps: which datastores a read miss may bring in, which residents make room
 * for them, and which leave because nobody read them for {@code ttl}. Pure: no I/O, no clock of its own
 * (every call takes the time), no threads; {@link CacheMode} applies its decisions to the store.
 *
 * <h2>The algorithm: size-aware frequency admission (TinyLFU style) with decaying counts</h2>
 * <ul>
 *   <li><b>Frequency.</b> Every read of a datastore, held or not, adds one to its count. Counts are
 *       halved every {@code agingPeriod} reads (and when more than {@link #MAX_TRACKED} keys are
 *       counted), so popularity that has moved on fades; keys whose count reaches zero are forgotten.</li>
 *   <li><b>Admission.</b> A miss of a datastore of {@code size} bytes is admitted at once when it fits
 *       the free room. Otherwise the residents that may leave are taken in ascending count (least
 *       recently read first among equals) until enough room would be free; the miss is admitted only
 *       when the bytes it would serve, {@code count × size}, exceed the bytes those victims serve,
 *       {@code Σ count × size}: the byte hit ratio can only go up by the swap. A datastore larger than
 *       the whole cache, or one that cannot beat its victims (a first read against warm residents), is
 *       bypassed: the node fetches nothing and answers as for any datastore it does not hold.</li>
 *   <li><b>Time to live.</b> A resident not read for {@code ttl} leaves at the next {@link #expired}.</li>
 *   <li><b>Scarcity.</b> A resident whose holders elsewhere ({@link ProviderCount}) number fewer than
 *       {@code minProviders} never leaves, neither by time to live nor to make room: after this node
 *       drops it the network must still have {@code minProviders} holders. Its bytes still count against
 *       the capacity, so a cache full of scarce datastores admits nothing.</li>
 * </ul>
 * Why frequency and not recency: under a skewed (Zipf) read trace the bytes worth keeping are those of the
 * datastores read most per byte held, and for a byte hit ratio each held byte of datastore {@code i}
 * earns its read rate {@code p_i} whatever its size, so ranking by count is the greedy knapsack
 * optimum of a stationary trace; the decay keeps it honest when the trace is not stationary. How close it
 * comes to the offline optimum is measured in docs/BENCHMARKS.md ("Cache mode").
 *
 * <h2>Reservations</h2>
 * {@link #admit} adds the datastore as resident at once (its bytes reserved while it is fetched) and
 * returns the victims to remove; the caller removes them and then either keeps the entry or, when the
 * fetch fails, {@link #remove}s it.
 *
 * <p>Concurrency: not thread-safe; its owner ({@link CacheMode}) serialises the calls.
 *
 * @param <K> the datastore key
 */
public final class CacheEviction<K> {
    /** How many holders of a datastore other than this node the network has (provider records, holdings). */
    @FunctionalInterface
    public interface ProviderCount<K> {
        int holders(K datastore);
    }

    /**
     * @param ttl          a resident not read for this long leaves
     * @param minProviders never drop a datastore with fewer holders elsewhere than this
     * @param capacity     the bytes the residents may take together
     * @param agingPeriod  reads between two halvings of every count
     */
    public record Settings(Duration ttl, int minProviders, long capacity, long agingPeriod) {
        public Settings {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive, got " + ttl);
            }
            if (minProviders < 0) {
                throw new IllegalArgumentException("min_providers must not be negative, got " + minProviders);
            }
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
            }
            if (agingPeriod < 1) {
                throw new IllegalArgumentException("agingPeriod must be at least 1, got " + agingPeriod);
            }
        }

        /** Counts halve every {@link #DEFAULT_AGING} reads. */
        public Settings(Duration ttl, int minProviders, long capacity) {
            this(ttl, minProviders, capacity, DEFAULT_AGING);
        }
    }

    /** The reads between two halvings of the counts by default. */
    public static final long DEFAULT_AGING = 1_000_000;
    /** At most this many keys are counted; past it the counts are halved and the zeros forgotten. */
    public static final int MAX_TRACKED = 1 << 16;

    private static final class Entry {
        final long size;
        long lastRead;

        Entry(long size, long lastRead) {
            this.size = size;
            this.lastRead = lastRead;
        }
    }

    private final Settings settings;
    private final ProviderCount<K> providers;
    private final Map<K, Long> counts = new HashMap<>();
    private final Map<K, Entry> residents = new HashMap<>();
    private long used;
    private long readsSinceAging;

    public CacheEviction(Settings settings, ProviderCount<K> providers) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.providers = Objects.requireNonNull(providers, "providers");
    }

    public Settings settings() {
        return settings;
    }

    /** A read of {@code key} at {@code nowMillis}, held here or not: counts it and, if resident, refreshes its time to live. */
    public void read(K key, long nowMillis) {
        counts.merge(key, 1L, Long::sum);
        Entry e = residents.get(key);
        if (e != null) {
            e.lastRead = Math.max(e.lastRead, nowMillis);
        }
        readsSinceAging++;
        ageIfDue();
    }

    /**
     * Whether a miss of {@code key}, {@code size} bytes, is kept: empty to bypass it, else the residents to
     * remove first (possibly none). An admitted key is resident from now on (class note, "Reservations").
     * A key already resident is admitted with no victims.
     */
    public Optional<List<K>> admit(K key, long size, long nowMillis) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
        if (residents.containsKey(key)) {
            return Optional.of(List.of());
        }
        if (size > settings.capacity()) {
            return Optional.empty();
        }
        long need = size - (settings.capacity() - used);
        List<K> victims = new ArrayList<>();
        if (need > 0) {
            List<Map.Entry<K, Entry>> candidates = new ArrayList<>();
            for (Map.Entry<K, Entry> r : residents.entrySet()) {
                candidates.add(r);
            }
            candidates.sort((a, b) -> {
                int c = Long.compare(count(a.getKey()), count(b.getKey()));
                return c != 0 ? c : Long.compare(a.getValue().lastRead, b.getValue().lastRead);
            });
            double candidateValue = (double) count(key) * size;
            double victimsValue = 0;
            long freed = 0;
            for (Map.Entry<K, Entry> r : candidates) {
                if (freed >= need) {
                    break;
                }
                if (!mayLeave(r.getKey())) {
                    continue;
                }
                victimsValue += (double) count(r.getKey()) * r.getValue().size;
                if (victimsValue >= candidateValue) {
                    return Optional.empty();
                }
                victims.add(r.getKey());
                freed += r.getValue().size;
            }
            if (freed < need) {
                return Optional.empty();
            }
            for (K v : victims) {
                remove(v);
            }
        }
        residents.put(key, new Entry(size, nowMillis));
        used += size;
        return Optional.of(List.copyOf(victims));
    }

    /**
     * Registers {@code key} as resident without an admission decision (a datastore this cache kept before
     * a restart); its time to live starts at {@code nowMillis}. Capacity is not checked: the next admissions
     * make room.
     */
    public void restore(K key, long size, long nowMillis) {
        if (!residents.containsKey(key)) {
            residents.put(key, new Entry(size, nowMillis));
            used += size;
        }
    }

    /** The residents not read for {@code ttl} by {@code nowMillis} that may leave; they are no longer resident. */
    public List<K> expired(long nowMillis) {
        long ttl = settings.ttl().toMillis();
        List<K> out = new ArrayList<>();
        for (Map.Entry<K, Entry> r : residents.entrySet()) {
            if (nowMillis - r.getValue().lastRead >= ttl && mayLeave(r.getKey())) {
                out.add(r.getKey());
            }
        }
        out.forEach(this::remove);
        return out;
    }

    /** Forgets {@code key} as a resident (evicted, or its fetch failed); its count stays. */
    public void remove(K key) {
        Entry e = residents.remove(key);
        if (e != null) {
            used -= e.size;
        }
    }

    public boolean resident(K key) {
        return residents.containsKey(key);
    }

    /** The bytes the residents take (reservations included). */
    public long usedBytes() {
        return used;
    }

    public int residentCount() {
        return residents.size();
    }

    /**
     * The read counts and the reads since their last halving: what {@link #restoreCounts} takes back after a restart
     * (the residents and their times to live are not in it).
     */
    public record Counts<K>(Map<K, Long> counts, long readsSinceAging) {
        public Counts {
            counts = Map.copyOf(counts);
            if (readsSinceAging < 0 || counts.values().stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("counts must be positive");
            }
        }
    }

    /** Every read count now, and the reads since the last halving. */
    public Counts<K> counts() {
        return new Counts<>(counts, readsSinceAging);
    }

    /**
     * Adds {@code saved} (counts of an earlier run) to the counts, and its reads since halving to this run's, halving
     * at once when those reach the aging period or the keys exceed {@link #MAX_TRACKED}.
     */
    public void restoreCounts(Counts<K> saved) {
        saved.counts().forEach((k, c) -> counts.merge(k, c, Long::sum));
        readsSinceAging += saved.readsSinceAging();
        ageIfDue();
    }

    /** The current (decayed) read count of {@code key}. */
    public long count(K key) {
        return counts.getOrDefault(key, 0L);
    }

    private boolean mayLeave(K key) {
        return providers.holders(key) >= settings.minProviders();
    }

    private void ageIfDue() {
        if (readsSinceAging >= settings.agingPeriod() || counts.size() > MAX_TRACKED) {
            age();
        }
    }

    private void age() {
        counts.replaceAll((k, c) -> c >> 1);
        counts.values().removeIf(c -> c == 0);
        readsSinceAging = 0;
    }
}
