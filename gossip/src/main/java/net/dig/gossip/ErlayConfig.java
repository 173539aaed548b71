package net.dig.gossip;

/**
 * Settings of one {@link ErlayReconciler}, validated on construction; defaults follow the dig-gossip seed.
 *
 * @param floodPeerCount             a new transaction is announced at once to this many peers (seed: 1); the
 *                                   other peers learn it by reconciliation
 * @param reconciliationIntervalMillis each connection's initiator sends a sketch this often (seed: 2,000 ms)
 * @param sketchCapacity             capacity of a connection's first sketch, before a difference has been
 *                                   measured on it (seed: 8); later rounds estimate theirs
 */
public record ErlayConfig(int floodPeerCount, long reconciliationIntervalMillis, int sketchCapacity) {
    /** Capacity of one sketch message; an extension doubles it. */
    public static final int MAX_SKETCH_CAPACITY = 1024;
    /** Shortest interval: a round is up to two messages each way, and peers accept 600 of each a minute. */
    public static final long MIN_INTERVAL_MILLIS = 200;

    public ErlayConfig {
        if (floodPeerCount < 0) {
            throw new IllegalArgumentException("flood_peer_count must be >= 0, got " + floodPeerCount);
        }
        if (reconciliationIntervalMillis < MIN_INTERVAL_MILLIS) {
            throw new IllegalArgumentException("reconciliation_interval_ms must be >= " + MIN_INTERVAL_MILLIS + ", got "
                    + reconciliationIntervalMillis);
        }
        if (sketchCapacity < 1 || sketchCapacity > MAX_SKETCH_CAPACITY) {
            throw new IllegalArgumentException("sketch_capacity must be 1.." + MAX_SKETCH_CAPACITY + ", got " + sketchCapacity);
        }
    }

    public static ErlayConfig defaults() {
        return new ErlayConfig(1, 2_000, 8);
    }
}
