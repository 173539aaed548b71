package net.dig.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.ReplicaRepair;

/**
 * The {@code rereplication} scenario: a fraction of the nodes vanish at once and the survivors restore every
 * datastore to its target number of holders, each node deciding with its own real {@link ReplicaRepair}.
 *
 * <p>Set-up (deterministic per seed): {@code nodes} nodes with random 64-bit DHT ids and {@code capacityBytes} of
 * room each; {@code datastores} datastores, sizes log-uniform in {@code [minSize, maxSize]}, each stored on
 * {@code target} distinct random nodes that announced it (provider records) at a random time within the last
 * republish interval. At time 0 a {@code vanish} fraction of the nodes, drawn at random, leave silently.
 *
 * <p>What the survivors see: a vanished holder's provider record stays visible until it expires, between
 * {@code ttl - republish} and {@code ttl} after the failure; each expiry lowers the visible holder count of its
 * datastore. The candidates of a datastore are its {@code watchers} live non-holders closest to its key (the nodes
 * that store its provider records in a Kademlia DHT, so see the count change); each is told the visible count
 * ({@link ReplicaRepair#observe}) whenever it changes, asks its machine what is due when the machine's next wake
 * comes, confirms against the count visible then and, on a yes, fetches at {@code bytesPerSecond} (the repair
 * budget is also the node's download rate); a landed copy is announced at once and counts from then.
 *
 * <p>Figures: the time from the failure until every datastore that kept at least one live holder has
 * {@code target} live holders again (p50, p99, max over the affected ones), the bytes fetched against the bytes of
 * the lost replicas (the minimum any scheme must move: ratio 1.0), copies beyond the target, and the datastores
 * that lost every holder (no scheme can restore those; with target 3 and 20 % vanishing, about 0.8 %).
 */
public final class RereplicationScenario {
    private static final long HORIZON_MILLIS = 7L * 24 * 3600 * 1000;
    private static final long MIN_POLL_GAP_MILLIS = 1_000;

    private RereplicationScenario() {}

    /** One run, fully determined by these fields. */
    public record Spec(int nodes, long seed, int datastores, double vanish, int watchers, long minSize, long maxSize,
                       long capacityBytes, long ttlMillis, long republishMillis, ReplicaRepair.Settings repair) {
        public Spec {
            if (nodes < 10 || datastores < 1) {
                throw new IllegalArgumentException("need at least 10 nodes and 1 datastore, got " + nodes + ", " + datastores);
            }
            if (!(vanish >= 0 && vanish < 1)) {
                throw new IllegalArgumentException("vanish must be a fraction in [0, 1), got " + vanish);
            }
            if (watchers < 1 || repair.targetHolders() + watchers > nodes) {
                throw new IllegalArgumentException("watchers must be >= 1 and target + watchers <= nodes");
            }
            if (minSize < 1 || maxSize < minSize || capacityBytes < maxSize) {
                throw new IllegalArgumentException("sizes must satisfy 1 <= min <= max <= capacity");
            }
            if (republishMillis < 1 || ttlMillis <= republishMillis) {
                throw new IllegalArgumentException("the provider ttl must exceed the republish interval");
            }
        }

        /**
         * As many datastores as nodes, target 3, 20 % vanish, 20 watchers (the DHT's k), 1 MiB..1 GiB, 64 GiB of
         * room per node, 2 h records republished hourly, 2 repairs at once at 16 MiB/s, a 60 s period at least and
         * 16 expected fetch times.
         */
        public static Spec of(int nodes, long seed) {
            return new Spec(nodes, seed, nodes, 0.2, 20, 1L << 20, 1L << 30, 64L << 30, 7_200_000, 3_600_000,
                    new ReplicaRepair.Settings(3, 2, 16L << 20, 60_000, 16));
        }
    }

    /** What one run measured; times in virtual milliseconds from the failure. */
    public record Report(Spec spec, int vanished, int affected, int unrecoverable, int restored, long restoreP50Millis,
                         long restoreP99Millis, long restoreMaxMillis, long lastExpiryMillis, long lostBytes, long movedBytes,
                         long fetches, long extraCopies, double wallSeconds) {
        public double movedRatio() {
            return lostBytes == 0 ? 0 : (double) movedBytes / lostBytes;
        }

        public boolean allRestored() {
            return restored == affected - unrecoverable;
        }

        public String toTable() {
            return String.format(Locale.ROOT, """
                    rereplication: %d nodes, %d datastores (target %d), %d vanished (%.0f %%), %d watchers, seed %d
                    affected datastores            %d (%d lost every holder, unrecoverable)
                    restored to target             %d of %d%s
                    restore time p50 / p99 / max   %.1f / %.1f / %.1f min (last provider record expired at %.1f min)
                    lost replicas' bytes           %d
                    bytes moved                    %d (%.3f x the lost bytes; %d fetches, %d copies beyond target)
                    wall time %.1f s
                    """, spec.nodes, spec.datastores, spec.repair.targetHolders(), vanished, 100 * spec.vanish, spec.watchers,
                    spec.seed, affected, unrecoverable, restored, affected - unrecoverable, allRestored() ? "" : "  NOT ALL",
                    restoreP50Millis / 60_000.0, restoreP99Millis / 60_000.0, restoreMaxMillis / 60_000.0,
                    lastExpiryMillis / 60_000.0, lostBytes, movedBytes, movedRatio(), fetches, extraCopies, wallSeconds);
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"scenario\":\"rereplication\",\"nodes\":%d,\"datastores\":%d,\"target\":%d,"
                    + "\"vanished\":%d,\"watchers\":%d,\"seed\":%d,\"affected\":%d,\"unrecoverable\":%d,\"restored\":%d,"
                    + "\"all_restored\":%b,\"restore_p50_ms\":%d,\"restore_p99_ms\":%d,\"restore_max_ms\":%d,"
                    + "\"last_expiry_ms\":%d,\"lost_bytes\":%d,\"moved_bytes\":%d,\"moved_ratio\":%.4f,\"fetches\":%d,"
                    + "\"extra_copies\":%d,\"wall_seconds\":%.2f}", spec.nodes, spec.datastores, spec.repair.targetHolders(),
                    vanished, spec.watchers, spec.seed, affected, unrecoverable, restored, allRestored(), restoreP50Millis,
                    restoreP99Millis, restoreMaxMillis, lastExpiryMillis, lostBytes, movedBytes, movedRatio(), fetches,
                    extraCopies, wallSeconds);
        }
    }

    /** Virtual time for every node's machine: the event loop moves it. */
    private static final class VirtualClock implements Clock {
        long now;

        @Override
        public long millis() {
            return now;
        }

        @Override
        public long nanos() {
            return now * 1_000_000;
        }
    }

    private record Event(long at, long seq, Runnable action) {}

    public static Report run(Spec spec) {
        return new Run(spec).go();
    }

    private static final class Run {
        final Spec spec;
        final int n;
        final int d;
        final SplittableRandom random;
        final VirtualClock clock = new VirtualClock();
        final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
                : Long.compare(a.seq, b.seq));
        long seq;
        final long[] nodeKey;
        final boolean[] alive;
        final long[] used;
        final ReplicaRepair[] machines;
        final long[] nextPoll;
        final long[] dsKey;
        final Bytes32[] dsId;
        final long[] size;
        final int[][] holders;
        final int[] holderCount;
        final int[] visible;
        final int[][] watchers;
        final long[] restoredAt;
        int affected;
        int unrecoverable;
        long lostBytes;
        long movedBytes;
        long fetches;
        long lastExpiry;

        Run(Spec spec) {
            this.spec = spec;
            this.n = spec.nodes();
            this.d = spec.datastores();
            this.random = new SplittableRandom(spec.seed());
            nodeKey = new long[n];
            alive = new boolean[n];
            used = new long[n];
            machines = new ReplicaRepair[n];
            nextPoll = new long[n];
            for (int i = 0; i < n; i++) {
                nodeKey[i] = random.nextLong();
                alive[i] = true;
                machines[i] = new ReplicaRepair(spec.repair(), clock, random.split());
                nextPoll[i] = Long.MAX_VALUE;
            }
            dsKey = new long[d];
            dsId = new Bytes32[d];
            size = new long[d];
            holders = new int[d][];
            holderCount = new int[d];
            visible = new int[d];
            watchers = new int[d][];
            restoredAt = new long[d];
            Arrays.fill(restoredAt, -1);
            int target = spec.repair().targetHolders();
            double logMin = Math.log(spec.minSize());
            double logMax = Math.log(spec.maxSize());
            for (int s = 0; s < d; s++) {
                byte[] id = new byte[32];
                random.nextBytes(id);
                dsId[s] = Bytes32.wrap(id);
                dsKey[s] = random.nextLong();
                size[s] = Math.min(spec.maxSize(), (long) Math.exp(logMin + random.nextDouble() * (logMax - logMin)));
                holders[s] = new int[target + spec.watchers()];
                while (holderCount[s] < target) {
                    int h = random.nextInt(n);
                    if (!holds(s, h) && used[h] + size[s] <= spec.capacityBytes()) {
                        holders[s][holderCount[s]++] = h;
                        used[h] += size[s];
                    }
                }
                visible[s] = target;
            }
        }

        boolean holds(int s, int node) {
            for (int i = 0; i < holderCount[s]; i++) {
                if (holders[s][i] == node) {
                    return true;
                }
            }
            return false;
        }

        int liveHolders(int s) {
            int live = 0;
            for (int i = 0; i < holderCount[s]; i++) {
                live += alive[holders[s][i]] ? 1 : 0;
            }
            return live;
        }

        void at(long t, Runnable action) {
            queue.add(new Event(t, seq++, action));
        }

        Report go() {
            long started = System.nanoTime();
            int vanished = (int) Math.round(spec.vanish() * n);
            int gone = 0;
            while (gone < vanished) {
                int v = random.nextInt(n);
                if (alive[v]) {
                    alive[v] = false;
                    gone++;
                }
            }
            int target = spec.repair().targetHolders();
            long window = spec.republishMillis();
            for (int s = 0; s < d; s++) {
                int live = liveHolders(s);
                if (live == target) {
                    continue;
                }
                affected++;
                if (live == 0) {
                    unrecoverable++;
                    continue;
                }
                lostBytes += (target - live) * size[s];
                for (int i = 0; i < holderCount[s]; i++) {
                    if (!alive[holders[s][i]]) {
                        long expiry = spec.ttlMillis() - window + (long) (random.nextDouble() * window);
                        int datastore = s;
                        at(expiry, () -> expired(datastore));
                    }
                }
            }
            while (!queue.isEmpty()) {
                Event e = queue.poll();
                if (e.at > HORIZON_MILLIS) {
                    break;
                }
                clock.now = e.at;
                e.action.run();
            }
            long[] times = new long[affected - unrecoverable];
            int restored = 0;
            long extra = 0;
            for (int s = 0; s < d; s++) {
                if (restoredAt[s] >= 0) {
                    times[restored++] = restoredAt[s];
                }
                extra += Math.max(0, liveHolders(s) - target);
            }
            long[] done = Arrays.copyOf(times, restored);
            Arrays.sort(done);
            return new Report(spec, vanished, affected, unrecoverable, restored, percentile(done, 0.5), percentile(done, 0.99),
                    done.length == 0 ? 0 : done[done.length - 1], lastExpiry, lostBytes, movedBytes, fetches, extra,
                    (System.nanoTime() - started) / 1e9);
        }

        void expired(int s) {
            visible[s]--;
            lastExpiry = Math.max(lastExpiry, clock.now);
            if (watchers[s] == null) {
                watchers[s] = closestLiveNonHolders(s);
            }
            notifyWatchers(s);
        }

        int[] closestLiveNonHolders(int s) {
            int w = spec.watchers();
            int[] best = new int[w];
            long[] dist = new long[w];
            Arrays.fill(dist, -1L); // unsigned max
            for (int i = 0; i < n; i++) {
                if (!alive[i] || holds(s, i)) {
                    continue;
                }
                long x = nodeKey[i] ^ dsKey[s];
                int worst = 0;
                for (int j = 1; j < w; j++) {
                    if (Long.compareUnsigned(dist[j], dist[worst]) > 0) {
                        worst = j;
                    }
                }
                if (Long.compareUnsigned(x, dist[worst]) < 0) {
                    dist[worst] = x;
                    best[worst] = i;
                }
            }
            return best;
        }

        void notifyWatchers(int s) {
            for (int w : watchers[s]) {
                if (!alive[w]) {
                    continue;
                }
                if (holds(s, w)) {
                    machines[w].forget(dsId[s]);
                    continue;
                }
                machines[w].observe(dsId[s], size[s], visible[s], watchers[s].length);
                schedulePoll(w);
            }
        }

        void schedulePoll(int w) {
            var wake = machines[w].nextWakeMillis();
            if (wake.isEmpty()) {
                return;
            }
            long t = Math.max(clock.now, wake.getAsLong());
            if (t < nextPoll[w]) {
                nextPoll[w] = t;
                at(t, () -> poll(w, t));
            }
        }

        void poll(int w, long scheduled) {
            if (nextPoll[w] != scheduled) {
                return;
            }
            nextPoll[w] = Long.MAX_VALUE;
            for (Bytes32 id : machines[w].due(spec.capacityBytes() - used[w])) {
                int s = indexOf(id);
                if (machines[w].confirm(id, visible[s])) {
                    fetches++;
                    long millis = Math.max(1, (long) Math.ceil(size[s] * 1000.0 / spec.repair().bytesPerSecond()));
                    at(clock.now + millis, () -> landed(w, s));
                }
            }
            var wake = machines[w].nextWakeMillis();
            if (wake.isPresent()) {
                long t = Math.max(clock.now + MIN_POLL_GAP_MILLIS, wake.getAsLong());
                nextPoll[w] = t;
                at(t, () -> poll(w, t));
            }
        }

        void landed(int w, int s) {
            machines[w].finished(dsId[s], true);
            movedBytes += size[s];
            if (holderCount[s] == holders[s].length) {
                holders[s] = Arrays.copyOf(holders[s], holders[s].length * 2);
            }
            holders[s][holderCount[s]++] = w;
            used[w] += size[s];
            visible[s]++;
            if (restoredAt[s] < 0 && liveHolders(s) >= spec.repair().targetHolders()) {
                restoredAt[s] = clock.now;
            }
            notifyWatchers(s);
            schedulePoll(w);
        }

        private java.util.Map<Bytes32, Integer> index;

        int indexOf(Bytes32 id) {
            if (index == null) {
                index = new java.util.HashMap<>();
                for (int s = 0; s < d; s++) {
                    index.put(dsId[s], s);
                }
            }
            return index.get(id);
        }
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];
    }
}
