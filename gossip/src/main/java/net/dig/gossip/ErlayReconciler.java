package net.dig.gossip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.wire.ReconciliationResponse;
import net.dig.wire.ReconciliationResponse.Outcome;
import net.dig.wire.ReconciliationSalt;
import net.dig.wire.ReconciliationSketch;
import net.dig.wire.ReconciliationSketch.Kind;

/**
 * ERLAY transaction relay for one node (BIP-330 style): announce a new transaction at once to a few
 * peers, and let every other peer learn it by periodic set reconciliation with {@link PinSketch}.
 *
 * <h2>What</h2>
 * Per connection: each side draws a random 64-bit salt when the connection opens and sends it as a
 * {@link ReconciliationSalt} (BIP-330's {@code sendtxrcncl}); once both are known the connection has a 32-bit
 * {@link SaltedShortIds} salted with the two, and a reconciliation set of the transactions this node would have
 * announced to that peer but did not. Until the peer's salt arrives (for ever, for a peer that does not speak
 * ERLAY) every transaction is announced to it directly. The side that dialed is the
 * connection's initiator; every {@code reconciliation_interval_ms} it snapshots its set and sends a
 * {@link ReconciliationSketch} whose capacity is estimated from the last round (BIP-330:
 * {@code |s - l| + q min(s, l) + 1}, with {@code q} measured from the previous round's true difference,
 * raised by {@link PinSketch#capacityFor} to a false-positive rate of 2^-{@value #FALSE_POSITIVE_BITS}). The
 * responder snapshots its own set, merges the two sketches, decodes the symmetric difference, announces
 * what the initiator lacks and answers with a {@link ReconciliationResponse} asking for what it lacks.
 * When decoding fails it asks once for the extension (the next power sums of the same snapshot, doubling
 * the capacity); when that fails too, both sides announce their whole snapshot (the flooding fallback).
 *
 * <h2>Why</h2>
 * Flooding announces every transaction over every link; reconciliation sends a few bytes per
 * <em>difference</em> per round, so the cost of redundant announcements disappears.
 *
 * <h2>Concurrency</h2>
 * Sans-I/O and single-threaded: the driver calls every method on one thread (the node's event loop or the
 * simulator) with its clock's time; effects leave through {@link Output} synchronously.
 *
 * <h2>Failure modes</h2>
 * A decode that comes out wrong (possible only with a probability bounded by the false-positive margin) is
 * detected when the initiator is asked for an id it does not hold: it then announces its whole snapshot.
 * Messages out of role (a sketch to the initiator, a response for a round not in flight, an extension not
 * asked for, a sketch or response before the peer's salt, a second salt) are {@link ErlayViolation}s reported to the driver and otherwise ignored. A set past
 * {@value #MAX_SET_SIZE} transactions, a short-id collision, and a silent peer (no answer within three
 * intervals) fall back to announcing directly; the silent peer's late answer to that round is ignored. Capacities are capped at {@link ErlayConfig#MAX_SKETCH_CAPACITY}.
 */
public final class ErlayReconciler {
    static final int FALSE_POSITIVE_BITS = 16;
    static final int MAX_SET_SIZE = 3_000;
    private static final double INITIAL_Q = 0.25;

    /** The reconciler's effects. */
    public interface Output {
        /** Send an ERLAY body to a connected peer. */
        void send(PeerId peer, ReconciliationSketch sketch);

        void send(PeerId peer, ReconciliationSalt salt);

        void send(PeerId peer, ReconciliationResponse response);

        /** Announce a transaction to a peer (the driver sends its NewTransaction). */
        void announce(PeerId peer, Bytes32 transactionId);

        void violation(PeerId peer, ErlayViolation violation);
    }

    /** Counters since construction. */
    public record Stats(long rounds, long decoded, long extensions, long failures, long wrongDecodes, long flooded,
                        long reconciledAnnouncements) {
        public static final Stats NONE = new Stats(0, 0, 0, 0, 0, 0, 0);
    }

    private final ErlayConfig config;
    private final RandomGenerator random;
    private final Output out;
    private final Map<PeerId, Peer> peers = new LinkedHashMap<>();
    private long rounds;
    private long decoded;
    private long extensions;
    private long failures;
    private long wrongDecodes;
    private long flooded;
    private long reconciledAnnouncements;

    public ErlayReconciler(ErlayConfig config, RandomGenerator random, Output out) {
        this.config = config;
        this.random = random;
        this.out = out;
    }

    /** The two salts of a connection whose short ids are settled. */
    public record Salts(long local, long remote) {}

    /**
     * A peer connected; {@code initiator} when this node dialed it. Draws this side's salt for the connection
     * and sends it; reconciliation starts once the peer's salt arrives ({@link #onSalt}).
     */
    public void peerConnected(PeerId peer, boolean initiator, long nowMillis) {
        long salt = random.nextLong();
        peers.put(peer, new Peer(peer, initiator, salt));
        out.send(peer, new ReconciliationSalt(salt));
    }

    /** The peer's salt for this connection: short ids are settled and rounds may start. A second one is a violation. */
    public void onSalt(PeerId from, ReconciliationSalt salt, long nowMillis) {
        Peer p = peers.get(from);
        if (p == null || p.ids != null) {
            report(from, p == null ? ErlayViolation.UNEXPECTED_SALT : ErlayViolation.SECOND_SALT);
            return;
        }
        p.remoteSalt = salt.salt();
        p.ids = SaltedShortIds.forSalts(p.localSalt, p.remoteSalt);
        p.nextRound = nowMillis + (p.initiator ? random.nextLong(config.reconciliationIntervalMillis()) : Long.MAX_VALUE);
    }

    /** Both salts of the connection with {@code peer}; empty until the peer's salt has arrived. */
    public Optional<Salts> salts(PeerId peer) {
        Peer p = peers.get(peer);
        return p == null || p.ids == null ? Optional.empty() : Optional.of(new Salts(p.localSalt, p.remoteSalt));
    }

    public void peerDisconnected(PeerId peer) {
        peers.remove(peer);
    }

    /**
     * A transaction new to this node, from {@code from} or (empty) originated here: announced at once to
     * {@code flood_peer_count} random peers, queued for reconciliation with the others.
     */
    public void relay(Bytes32 transactionId, Optional<PeerId> from) {
        List<Peer> targets = new ArrayList<>();
        for (Peer p : peers.values()) {
            if (from.isEmpty() || !p.id.equals(from.get())) {
                targets.add(p);
            }
        }
        int floodCount = Math.min(config.floodPeerCount(), targets.size());
        for (int i = 0; i < targets.size(); i++) {
            int pick = i + random.nextInt(targets.size() - i);
            Peer p = targets.get(pick);
            targets.set(pick, targets.get(i));
            if (i < floodCount || !p.queue(transactionId)) {
                flooded++;
                out.announce(p.id, transactionId);
            }
        }
    }

    /** {@code peer} announced a transaction this node already had: it needs no reconciliation of it. */
    public void peerHas(PeerId peer, Bytes32 transactionId) {
        Peer p = peers.get(peer);
        if (p != null && p.ids != null) {
            p.pending.remove(p.ids.of(transactionId), transactionId);
        }
    }

    public void onTick(long nowMillis) {
        for (Peer p : peers.values()) {
            if (p.inFlight != null && nowMillis >= p.inFlightDeadline) {
                announceAll(p, p.inFlight.set);
                p.abandonedRound = p.inFlight.number;
                p.inFlight = null;
            }
            if (p.initiator && p.ids != null && p.inFlight == null && nowMillis >= p.nextRound) {
                p.nextRound = nowMillis + config.reconciliationIntervalMillis();
                startRound(p, nowMillis);
            }
        }
    }

    public long nextWakeupMillis() {
        long next = Long.MAX_VALUE;
        for (Peer p : peers.values()) {
            if (p.inFlight != null) {
                next = Math.min(next, p.inFlightDeadline);
            } else if (p.initiator && p.ids != null) {
                next = Math.min(next, p.nextRound);
            }
        }
        return next;
    }

    public Stats stats() {
        return new Stats(rounds, decoded, extensions, failures, wrongDecodes, flooded, reconciledAnnouncements);
    }

    /** Transactions queued for reconciliation with {@code peer} (0 for an unknown peer). */
    public int pendingFor(PeerId peer) {
        Peer p = peers.get(peer);
        return p == null ? 0 : p.pending.size();
    }

    // ---------------------------------------------------------------- initiator

    private void startRound(Peer p, long nowMillis) {
        Map<Integer, Bytes32> snapshot = p.pending;
        p.pending = new HashMap<>();
        int capacity = p.nextCapacity(snapshot.size(), config.sketchCapacity());
        int[] ids = keys(snapshot);
        PinSketch full = PinSketch.of(2 * capacity, ids);
        p.inFlight = new Round(++p.round & 0xFFFF_FFFFL, snapshot, full, capacity);
        p.inFlightDeadline = nowMillis + 3 * config.reconciliationIntervalMillis();
        rounds++;
        out.send(p.id, new ReconciliationSketch(p.inFlight.number, Kind.INITIAL, snapshot.size(),
                Arrays.copyOf(full.toBytes(), capacity * PinSketch.BYTES_PER_CAPACITY)));
    }

    /** A response to this node's sketch. */
    public void onResponse(PeerId from, ReconciliationResponse response) {
        Peer p = peers.get(from);
        if (p != null && p.initiator && p.abandonedRound == response.round()) {
            return;
        }
        if (p == null || p.ids == null || !p.initiator || p.inFlight == null || p.inFlight.number != response.round()) {
            report(from, ErlayViolation.UNEXPECTED_RESPONSE);
            return;
        }
        Round r = p.inFlight;
        switch (response.outcome()) {
            case EXTEND -> {
                if (r.extended) {
                    report(from, ErlayViolation.UNEXPECTED_RESPONSE);
                    return;
                }
                r.extended = true;
                extensions++;
                byte[] all = r.sketch.toBytes();
                out.send(p.id, new ReconciliationSketch(r.number, Kind.EXTENSION, r.set.size(),
                        Arrays.copyOfRange(all, r.capacity * PinSketch.BYTES_PER_CAPACITY, all.length)));
            }
            case DECODED -> {
                p.inFlight = null;
                int[] asked = response.asked();
                List<Bytes32> toAnnounce = new ArrayList<>(asked.length);
                for (int id : asked) {
                    Bytes32 tx = r.set.get(id);
                    if (tx == null) {
                        wrongDecodes++;
                        announceAll(p, r.set);
                        return;
                    }
                    toAnnounce.add(tx);
                }
                decoded++;
                for (Bytes32 tx : toAnnounce) {
                    reconciledAnnouncements++;
                    out.announce(p.id, tx);
                }
                long difference = 2L * asked.length + response.setSize() - r.set.size();
                p.learn(r.set.size(), response.setSize(), difference);
            }
            case FAILED -> {
                p.inFlight = null;
                failures++;
                announceAll(p, r.set);
                p.learn(r.set.size(), response.setSize(), 4L * r.capacity);
            }
        }
    }

    // ---------------------------------------------------------------- responder

    /** A sketch from the initiator of the connection. */
    public void onSketch(PeerId from, ReconciliationSketch sketch) {
        Peer p = peers.get(from);
        if (p == null || p.ids == null || p.initiator) {
            report(from, ErlayViolation.UNEXPECTED_SKETCH);
            return;
        }
        if (sketch.kind() == Kind.INITIAL) {
            Map<Integer, Bytes32> snapshot = p.pending;
            if (p.answering != null) {
                snapshot.putAll(p.answering.set);
            }
            p.answering = new Answer(sketch.round(), snapshot, sketch.sketch());
            p.pending = new HashMap<>();
        } else if (p.answering == null || p.answering.round != sketch.round() || p.answering.extended
                || sketch.capacity() != p.answering.received.length / PinSketch.BYTES_PER_CAPACITY) {
            report(from, ErlayViolation.UNEXPECTED_SKETCH);
            return;
        } else {
            p.answering.extended = true;
            byte[] both = Arrays.copyOf(p.answering.received, 2 * p.answering.received.length);
            System.arraycopy(sketch.sketch(), 0, both, p.answering.received.length, p.answering.received.length);
            p.answering.received = both;
        }
        Answer a = p.answering;
        PinSketch theirs = PinSketch.fromBytes(a.received);
        int capacity = theirs.capacity();
        Optional<int[]> difference = theirs.merge(PinSketch.of(capacity, keys(a.set))).decode(decodableWith(capacity));
        if (difference.isEmpty() && !a.extended) {
            out.send(p.id, new ReconciliationResponse(a.round, Outcome.EXTEND, a.set.size(), new int[0]));
            return;
        }
        p.answering = null;
        if (difference.isEmpty()) {
            out.send(p.id, new ReconciliationResponse(a.round, Outcome.FAILED, a.set.size(), new int[0]));
            announceAll(p, a.set);
            return;
        }
        int[] ids = difference.get();
        int[] asked = new int[ids.length];
        int n = 0;
        for (int id : ids) {
            Bytes32 mine = a.set.get(id);
            if (mine != null) {
                reconciledAnnouncements++;
                out.announce(p.id, mine);
            } else {
                asked[n++] = id;
            }
        }
        out.send(p.id, new ReconciliationResponse(a.round, Outcome.DECODED, a.set.size(), Arrays.copyOf(asked, n)));
    }

    /** The largest difference a sketch of {@code capacity} decodes within the false-positive margin. */
    static int decodableWith(int capacity) {
        int n = capacity;
        while (n > 0 && PinSketch.capacityFor(n, FALSE_POSITIVE_BITS) > capacity) {
            n--;
        }
        return n;
    }

    private void announceAll(Peer p, Map<Integer, Bytes32> set) {
        for (Bytes32 tx : set.values()) {
            flooded++;
            out.announce(p.id, tx);
        }
    }

    private void report(PeerId peer, ErlayViolation violation) {
        out.violation(peer, violation);
    }

    private static int[] keys(Map<Integer, Bytes32> set) {
        int[] ids = new int[set.size()];
        int i = 0;
        for (int id : set.keySet()) {
            ids[i++] = id;
        }
        return ids;
    }

    private static final class Peer {
        final PeerId id;
        final boolean initiator;
        final long localSalt;
        long remoteSalt;
        /** Null until the peer's salt arrives. */
        SaltedShortIds ids;
        Map<Integer, Bytes32> pending = new HashMap<>();
        long nextRound;
        long round;
        Round inFlight;
        long inFlightDeadline;
        long abandonedRound = -1;
        Answer answering;
        long lastPeerSetSize = -1;
        double q = INITIAL_Q;

        Peer(PeerId id, boolean initiator, long localSalt) {
            this.id = id;
            this.initiator = initiator;
            this.localSalt = localSalt;
            this.nextRound = Long.MAX_VALUE;
        }

        /** Queues a transaction; false when it must be announced directly (no salts yet, set full, short-id collision). */
        boolean queue(Bytes32 tx) {
            if (ids == null || pending.size() >= MAX_SET_SIZE) {
                return false;
            }
            Bytes32 previous = pending.putIfAbsent(ids.of(tx), tx);
            return previous == null || previous.equals(tx);
        }

        int nextCapacity(int localSize, int firstCapacity) {
            if (lastPeerSetSize < 0) {
                return firstCapacity;
            }
            long s = localSize;
            long l = lastPeerSetSize;
            double estimate = Math.abs(s - l) + q * Math.min(s, l) + 1;
            int wanted = PinSketch.capacityFor((int) Math.min(ErlayConfig.MAX_SKETCH_CAPACITY, Math.ceil(estimate)), FALSE_POSITIVE_BITS);
            return Math.max(1, Math.min(ErlayConfig.MAX_SKETCH_CAPACITY, wanted));
        }

        /** BIP-330's q from a finished round: the share of the smaller set the difference exceeded |s - l| by. */
        void learn(long localSize, long peerSize, long difference) {
            lastPeerSetSize = peerSize;
            long smaller = Math.min(localSize, peerSize);
            if (smaller > 0) {
                q = Math.clamp((difference - Math.abs(localSize - peerSize)) / (double) smaller, 0.0, 2.0);
            }
        }
    }

    /** An initiator's round in flight. */
    private static final class Round {
        final long number;
        final Map<Integer, Bytes32> set;
        final PinSketch sketch;
        final int capacity;
        boolean extended;

        Round(long number, Map<Integer, Bytes32> set, PinSketch sketch, int capacity) {
            this.number = number;
            this.set = set;
            this.sketch = sketch;
            this.capacity = capacity;
        }
    }

    /** A responder's snapshot while it answers a round. */
    private static final class Answer {
        final long round;
        final Map<Integer, Bytes32> set;
        byte[] received;
        boolean extended;

        Answer(long round, Map<Integer, Bytes32> set, byte[] received) {
            this.round = round;
            this.set = set;
            this.received = received;
        }
    }
}
