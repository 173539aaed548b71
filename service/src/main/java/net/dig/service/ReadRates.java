package net.dig.service;

import java.util.LinkedHashMap;
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
 * Counts live in memory and start again with the process.
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

    private final Clock clock;
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
    }

    /** The read rate of {@code datastoreId} now, in reads an hour; 0 for one never read (or forgotten). */
    public synchronized double perHour(Bytes32 datastoreId) {
        Count c = counts.get(datastoreId);
        return c == null ? 0 : decayed(c, clock.millis()) * LAMBDA_PER_MILLI * MILLIS_PER_HOUR;
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
