package net.dig.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.Clock;

/**
 * How often readers ask this node for each datastore, held here or not: the demand a holding policy weighs
 * ({@link HoldingCandidate.Demand#requestsPerHour}). Each datastore keeps an exponentially decaying count of its
 * reads with a half-life of {@link #HALF_LIFE_MILLIS}; the rate is that count times the decay constant, so a
 * steady {@code r} reads an hour reads as {@code r} once the count has settled (after a few half-lives), and a
 * datastore no one reads falls by half every hour.
 *
 * <h2>Bounds and concurrency</h2>
 * At most {@link #MAX_TRACKED} datastores are tracked; past that the one read least recently is forgotten (reads
 * of ids a client makes up cost a slot, never more memory). Thread-safe: one lock, no I/O; called on event loops.
 * Counts live in memory; {@link ReadRatesFile} keeps them across restarts ({@link #snapshot}, {@link #restore}). A
 * count keeps the wall-clock time of its last read, so one restored after a stop has decayed over the stop too.
 */
public final class ReadRates {
    static final long HALF_LIFE_MILLIS = 3_600_000;
    static final int MAX_TRACKED = 65_536;
    private static final double LAMBDA_PER_MILLI = Math.log(2) / HALF_LIFE_MILLIS;
    private static final double MILLIS_PER_HOUR = 3_600_000;

    private static final class Count {
        double value;
        long atMillis;
    }

    /** One datastore's count as of {@code atMillis} (Unix millis of its last read), undecayed since. */
    record Entry(Bytes32 datastoreId, double count, long atMillis) {
        Entry {
            Objects.requireNonNull(datastoreId, "datastoreId");
            if (!(count >= 0) || Double.isInfinite(count)) {
                throw new IllegalArgumentException("a read count must be finite and not negative, got " + count);
            }
        }
    }

    private final Clock clock;
    private long reads;
    private final Map<Bytes32, Count> counts = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Bytes32, Count> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    public ReadRates(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One read of {@code datastoreId}. */
    public synchronized void read(Bytes32 datastoreId) {
        long now = clock.millis();
        Count c = counts.computeIfAbsent(datastoreId, id -> new Count());
        c.value = decayed(c, now) + 1;
        c.atMillis = now;
        reads++;
    }

    /** The read rate of {@code datastoreId} now, in reads an hour; 0 for one never read (or forgotten). */
    public synchronized double perHour(Bytes32 datastoreId) {
        Count c = counts.get(datastoreId);
        return c == null ? 0 : decayed(c, clock.millis()) * LAMBDA_PER_MILLI * MILLIS_PER_HOUR;
    }

    /** Reads counted since this object was made: a {@link #snapshot} taken at another value differs. */
    synchronized long reads() {
        return reads;
    }

    /** Every count, the datastore read least recently first. */
    synchronized List<Entry> snapshot() {
        List<Entry> all = new ArrayList<>(counts.size());
        counts.forEach((id, c) -> all.add(new Entry(id, c.value, c.atMillis)));
        return all;
    }

    /**
     * Takes in {@code saved} (least recently read first, as {@link #snapshot} lists them) for the datastores not read
     * since this object was made; within {@link #MAX_TRACKED}, the oldest beyond it forgotten.
     */
    synchronized void restore(List<Entry> saved) {
        Map<Bytes32, Count> since = new LinkedHashMap<>(counts);
        counts.clear();
        for (Entry e : saved) {
            Count c = new Count();
            c.value = e.count();
            c.atMillis = e.atMillis();
            counts.put(e.datastoreId(), c);
        }
        since.forEach(counts::put);
    }

    /** Datastores tracked now. */
    synchronized int tracked() {
        return counts.size();
    }

    private static double decayed(Count c, long now) {
        long elapsed = Math.max(0, now - c.atMillis);
        return c.value * Math.exp(-LAMBDA_PER_MILLI * elapsed);
    }
}
