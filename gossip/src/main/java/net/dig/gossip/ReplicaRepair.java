package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;

/**
 * When this node should replicate a datastore that the network holds fewer times than its target: a sans-I/O
 * state machine (docs/decisions.md D65a), fed holder counts, asked which datastores to fetch now. One per node;
 * the node's driver (or the simulator) does the lookups and the fetches.
 *
 * <h2>Why randomised</h2>
 * When holders vanish, every node that could take a copy sees the same shortfall at about the same time. If all
 * of them fetched, the network would move {@code candidates} copies for each one lost. Instead each candidate
 * volunteers at a random time: its wait is exponential with mean {@code period × candidates / deficit}, so the
 * candidates together volunteer at a rate of {@code deficit / period} (each one with probability about
 * {@code deficit / candidates} per period), and the first volunteers are spread out. A volunteer then
 * <em>confirms</em>: it counts the holders again ({@link #confirm}) and fetches only if the datastore is still
 * short. The period grows with the datastore's expected fetch time ({@code size / bytes_per_second} times
 * {@link Settings#periodPerFetch}), so a volunteer's copy usually lands, and is counted, before the next one
 * volunteers: duplicate copies stay rare at any size.
 *
 * <h2>States of one datastore</h2>
 * <pre>
 *   (untracked) --observe: short--> WAITING(wake_at) --due: wake_at passed, room, slots, budget--> CONFIRMING
 *   WAITING --observe: at target / forget--> (untracked)         WAITING --observe: other deficit--> WAITING(new wake_at)
 *   CONFIRMING --confirm: still short--> FETCHING     CONFIRMING --confirm: at target--> (untracked)
 *   FETCHING --finished(landed)--> (untracked)        FETCHING --finished(failed)--> WAITING(backed-off wake_at)
 * </pre>
 * A datastore this node holds is never observed (the caller skips it); {@link #forget} drops any state.
 *
 * <h2>Rate limits</h2>
 * At most {@link Settings#maxConcurrent} datastores confirming or fetching at once; a byte budget refilled at
 * {@link Settings#bytesPerSecond} (at most one second's worth saved up) that a fetch's size is taken from when it
 * starts and that must not be in debt for another to start; and room: the free bytes given to {@link #due}
 * minus the sizes of the fetches running must hold the datastore.
 *
 * <h2>Concurrency and failure modes</h2>
 * Not thread-safe: one thread (the driver's tick, the simulator's loop) calls it. Time comes from the injected
 * {@link Clock}'s monotonic reading, chance from the injected generator: the same seed and calls give the same
 * decisions. A failed fetch backs off (its next wait doubles, up to 64 periods) and is tried again while the
 * datastore stays short. Holds one small entry per datastore that is short and not held here.
 */
public final class ReplicaRepair {
    /**
     * The policy's knobs.
     *
     * @param targetHolders  copies of each datastore the network should hold (1..64)
     * @param maxConcurrent  datastores this node confirms or fetches at once (>= 1)
     * @param bytesPerSecond the byte budget of this node's repair fetches (>= 1)
     * @param minPeriodMillis the shortest volunteering period (>= 1)
     * @param periodPerFetch how many expected fetch times a period lasts at least (>= 1)
     */
    public record Settings(int targetHolders, int maxConcurrent, long bytesPerSecond, long minPeriodMillis,
                           double periodPerFetch) {
        public Settings {
            if (targetHolders < 1 || targetHolders > 64) {
                throw new IllegalArgumentException("target holders must be 1..64, got " + targetHolders);
            }
            if (maxConcurrent < 1 || bytesPerSecond < 1 || minPeriodMillis < 1) {
                throw new IllegalArgumentException("repair concurrency, byte rate and period must be positive");
            }
            if (!(periodPerFetch >= 1)) {
                throw new IllegalArgumentException("period per fetch must be at least 1, got " + periodPerFetch);
            }
        }

        /** The volunteering period of a datastore of {@code sizeBytes}. */
        public long periodMillis(long sizeBytes) {
            double fetchMillis = sizeBytes * 1000.0 / bytesPerSecond;
            return Math.max(minPeriodMillis, (long) Math.ceil(periodPerFetch * fetchMillis));
        }
    }

    /** Where a tracked datastore stands. */
    public enum Phase { WAITING, CONFIRMING, FETCHING }

    private static final int MAX_BACKOFF = 64;

    private static final class Entry {
        Phase phase = Phase.WAITING;
        long size;
        int deficit;
        int candidates;
        long wakeAtMillis;
        int backoff = 1;
    }

    private final Settings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<Bytes32, Entry> entries = new HashMap<>();
    private double budget;
    private long budgetAtMillis;
    private int busy;
    private long bytesRunning;
    private long started;

    public ReplicaRepair(Settings settings, Clock clock, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.budget = settings.bytesPerSecond();
        this.budgetAtMillis = now();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The network holds {@code holders} copies of a datastore of {@code sizeBytes} that this node does not hold,
     * and {@code candidates} nodes (this one included) could take one. At or above the target the datastore is
     * dropped unless it is being fetched; below it, a waiting datastore is given a wait for its current deficit.
     */
    public void observe(Bytes32 datastoreId, long sizeBytes, int holders, int candidates) {
        Objects.requireNonNull(datastoreId, "datastoreId");
        if (sizeBytes < 0 || holders < 0) {
            throw new IllegalArgumentException("size and holders must be >= 0");
        }
        int deficit = settings.targetHolders() - holders;
        Entry e = entries.get(datastoreId);
        if (deficit <= 0) {
            if (e != null && e.phase == Phase.WAITING) {
                entries.remove(datastoreId);
            }
            return;
        }
        int c = Math.max(1, candidates);
        if (e == null) {
            e = new Entry();
            entries.put(datastoreId, e);
        } else if (e.phase != Phase.WAITING || (e.deficit == deficit && e.candidates == c && e.size == sizeBytes)) {
            return;
        }
        e.size = sizeBytes;
        e.deficit = deficit;
        e.candidates = c;
        e.wakeAtMillis = now() + waitMillis(e);
    }

    /**
     * The datastores to confirm now (each moves to {@link Phase#CONFIRMING}): their wait is over, and a slot, the
     * byte budget and {@code roomBytes} (this node's free space) allow them. The caller counts each one's holders
     * again and calls {@link #confirm}.
     */
    public List<Bytes32> due(long roomBytes) {
        long now = now();
        refill(now);
        List<Bytes32> out = new ArrayList<>();
        List<Map.Entry<Bytes32, Entry>> ready = new ArrayList<>();
        for (Map.Entry<Bytes32, Entry> m : entries.entrySet()) {
            if (m.getValue().phase == Phase.WAITING && m.getValue().wakeAtMillis <= now) {
                ready.add(m);
            }
        }
        ready.sort((x, y) -> Long.compare(x.getValue().wakeAtMillis, y.getValue().wakeAtMillis));
        long room = roomBytes - bytesRunning;
        for (Map.Entry<Bytes32, Entry> m : ready) {
            Entry e = m.getValue();
            if (busy >= settings.maxConcurrent() || budget < 0) {
                break;
            }
            if (e.size > room) {
                e.wakeAtMillis = now + waitMillis(e);
                continue;
            }
            e.phase = Phase.CONFIRMING;
            busy++;
            room -= e.size;
            out.add(m.getKey());
        }
        return out;
    }

    /**
     * A fresh count of the holders of a datastore {@link #due} returned. True: still short, fetch it now (its size
     * is taken from the byte budget; call {@link #finished} when the fetch ends). False: the target holds again and
     * the datastore is dropped.
     */
    public boolean confirm(Bytes32 datastoreId, int holders) {
        Entry e = entries.get(datastoreId);
        if (e == null || e.phase != Phase.CONFIRMING) {
            throw new IllegalStateException("datastore " + datastoreId.toHex() + " is not being confirmed");
        }
        if (holders >= settings.targetHolders()) {
            entries.remove(datastoreId);
            busy--;
            return false;
        }
        e.phase = Phase.FETCHING;
        refill(now());
        budget -= e.size;
        bytesRunning += e.size;
        started++;
        return true;
    }

    /** The fetch of a datastore {@link #confirm} started ended: landed (dropped) or failed (backs off, waits again). */
    public void finished(Bytes32 datastoreId, boolean landed) {
        Entry e = entries.get(datastoreId);
        if (e == null || e.phase != Phase.FETCHING) {
            throw new IllegalStateException("datastore " + datastoreId.toHex() + " is not being fetched");
        }
        busy--;
        bytesRunning -= e.size;
        if (landed) {
            entries.remove(datastoreId);
            return;
        }
        e.phase = Phase.WAITING;
        e.backoff = Math.min(MAX_BACKOFF, e.backoff * 2);
        e.wakeAtMillis = now() + waitMillis(e);
    }

    /** Drops whatever is tracked for a datastore (held here now, deleted, no longer announced); a running fetch's slot is freed. */
    public void forget(Bytes32 datastoreId) {
        Entry e = entries.remove(datastoreId);
        if (e != null && e.phase != Phase.WAITING) {
            busy--;
            if (e.phase == Phase.FETCHING) {
                bytesRunning -= e.size;
            }
        }
    }

    /** The phase of a tracked datastore, if it is tracked. */
    public java.util.Optional<Phase> phase(Bytes32 datastoreId) {
        return java.util.Optional.ofNullable(entries.get(datastoreId)).map(e -> e.phase);
    }

    /** The earliest time (the clock's monotonic millis) a waiting datastore becomes due, if any waits. */
    public OptionalLong nextWakeMillis() {
        long best = Long.MAX_VALUE;
        for (Entry e : entries.values()) {
            if (e.phase == Phase.WAITING) {
                best = Math.min(best, e.wakeAtMillis);
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    /** Datastores tracked (short and not held here). */
    public int tracked() {
        return entries.size();
    }

    /** Datastores confirming or fetching now. */
    public int busy() {
        return busy;
    }

    /** Fetches started since this object was made. */
    public long started() {
        return started;
    }

    private long waitMillis(Entry e) {
        double mean = (double) settings.periodMillis(e.size) * e.candidates / e.deficit * e.backoff;
        double u = 1.0 - random.nextDouble(); // (0, 1]
        return Math.max(1, (long) (-Math.log(u) * mean));
    }

    private void refill(long now) {
        long elapsed = now - budgetAtMillis;
        if (elapsed > 0) {
            budget = Math.min(settings.bytesPerSecond(), budget + elapsed * settings.bytesPerSecond() / 1000.0);
            budgetAtMillis = now;
        }
    }

    private long now() {
        return clock.nanos() / 1_000_000;
    }
}
