package net.dig.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.gossip.PlumtreeRouter;
import net.dig.gossip.PlumtreeViolation;
import net.dig.wire.Message;

/**
 * A deterministic discrete-event simulator of a gossip overlay.
 *
 * <h2>What</h2>
 * A virtual clock (microseconds), one priority queue of events ordered by (time, insertion sequence), and
 * nodes whose protocol is a {@link SimProtocol}: the real {@link PlumtreeRouter} (not a copy of its logic),
 * the flooding baseline, or a byzantine peer. Sends become arrival events after the sender's uplink
 * serialisation, the link's base latency and a jitter ({@link SimLinks}); links can lose messages, be cut
 * by a partition, or disappear when a node fails. A node's {@code onTick} is scheduled exactly at its
 * {@code nextWakeupMillis()}, so idle nodes cost nothing and 10,000 nodes fit in one thread.
 *
 * <h2>Why</h2>
 * Protocol properties (delivery, redundancy, recovery after failures, resistance to lying announcers)
 * depend on orderings that real sockets make irreproducible. Here a run is a pure function of its seed:
 * scenario choices come from one seeded generator and link randomness from another, so the Plumtree run
 * and the flooding baseline see the same overlay, origins and failures.
 *
 * <h2>Concurrency</h2>
 * Single-threaded by design; nothing here is thread-safe. Protocol effects are executed synchronously
 * inside the event that caused them.
 *
 * <h2>Failure modes</h2>
 * A run is bounded by a virtual deadline ({@link #runUntil}); events past it stay queued. Penalties from
 * the router accumulate per link with the seed's weights and disconnect the link at 100 points, as the
 * reputation layer would.
 */
public final class Simulation {
    private final SimLinks links;
    private final RandomGenerator linkRandom;
    private final long linkSalt;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final List<SimProtocol> protocols = new ArrayList<>();
    private final List<PeerId> peerIds = new ArrayList<>();
    private final List<Set<Integer>> adjacency = new ArrayList<>();
    private final List<Boolean> alive = new ArrayList<>();
    private final List<Integer> groups = new ArrayList<>();
    private final List<Long> scheduledTick = new ArrayList<>();
    private final List<Double> uplinkFreeAt = new ArrayList<>();
    private final Map<Long, Long> lastArrival = new HashMap<>();
    private final Map<Long, Integer> penaltyPoints = new HashMap<>();
    private final SimMetrics metrics = new SimMetrics();
    private boolean partitioned;
    private long nowMicros;
    private long sequence;
    private int currentHop;
    private long penalties;
    private long disconnectsForPenalties;

    public Simulation(SimLinks links, RandomGenerator linkRandom, long linkSalt) {
        this.links = links;
        this.linkRandom = linkRandom;
        this.linkSalt = linkSalt;
    }

    // ---------------------------------------------------------------- nodes and links

    /** Adds a node whose protocol is built by {@code factory}; returns its index. */
    public int addNode(Function<NodeContext, SimProtocol> factory) {
        int index = protocols.size();
        peerIds.add(peerIdOf(index));
        adjacency.add(new LinkedHashSet<>());
        alive.add(true);
        groups.add(0);
        scheduledTick.add(Long.MAX_VALUE);
        uplinkFreeAt.add(0.0);
        protocols.add(null);
        protocols.set(index, factory.apply(new NodeContext(index)));
        metrics.setNodeCount(protocols.size());
        return index;
    }

    /** Connects two live nodes now (both sides see neighbour-up). */
    public void connect(int a, int b) {
        if (a == b || adjacency.get(a).contains(b) || !alive.get(a) || !alive.get(b)) {
            return;
        }
        adjacency.get(a).add(b);
        adjacency.get(b).add(a);
        protocols.get(a).onNeighborUp(peerIds.get(b));
        wake(a);
        protocols.get(b).onNeighborUp(peerIds.get(a));
        wake(b);
    }

    /** Removes a link now (both live sides see neighbour-down). */
    public void disconnect(int a, int b) {
        if (!adjacency.get(a).remove(b)) {
            return;
        }
        adjacency.get(b).remove(a);
        if (alive.get(a)) {
            protocols.get(a).onNeighborDown(peerIds.get(b));
            wake(a);
        }
        if (alive.get(b)) {
            protocols.get(b).onNeighborDown(peerIds.get(a));
            wake(b);
        }
    }

    /** The node stops at once; its neighbours notice after {@code detectionMillis} (a TCP reset or keepalive). */
    public void kill(int node, long detectionMillis) {
        alive.set(node, false);
        metrics.onKilled(node, nowMicros);
        for (int peer : List.copyOf(adjacency.get(node))) {
            schedule(nowMicros + detectionMillis * 1000, () -> disconnect(node, peer));
        }
    }

    /** Splits the overlay: messages between different groups are dropped until {@link #heal()}. */
    public void partition(int[] groupOfNode) {
        for (int i = 0; i < groupOfNode.length; i++) {
            groups.set(i, groupOfNode[i]);
        }
        partitioned = true;
    }

    public void heal() {
        partitioned = false;
    }

    public boolean isAlive(int node) {
        return alive.get(node);
    }

    public int nodeCount() {
        return protocols.size();
    }

    public Set<Integer> neighbours(int node) {
        return adjacency.get(node);
    }

    public SimProtocol protocol(int node) {
        return protocols.get(node);
    }

    public SimMetrics metrics() {
        return metrics;
    }

    public long penalties() {
        return penalties;
    }

    public long disconnectsForPenalties() {
        return disconnectsForPenalties;
    }

    public long nowMillis() {
        return nowMicros / 1000;
    }

    /** A node's PeerId: its index in the last four bytes, so that the simulator maps ids back cheaply. */
    public static PeerId peerIdOf(int index) {
        byte[] b = new byte[Bytes32.SIZE];
        b[0] = (byte) 0xd1;
        b[1] = (byte) 0x65;
        b[28] = (byte) (index >>> 24);
        b[29] = (byte) (index >>> 16);
        b[30] = (byte) (index >>> 8);
        b[31] = (byte) index;
        return new PeerId(Bytes32.wrap(b));
    }

    static int indexOf(PeerId peer) {
        Bytes32 v = peer.value();
        return ((v.get(28) & 0xFF) << 24) | ((v.get(29) & 0xFF) << 16) | ((v.get(30) & 0xFF) << 8) | (v.get(31) & 0xFF);
    }

    // ---------------------------------------------------------------- events

    /** Runs {@code action} at virtual time {@code atMillis}. */
    public void at(long atMillis, Runnable action) {
        schedule(Math.max(nowMicros, atMillis * 1000), action);
    }

    /** A node originates a message now; returns the number of peers the payload went to. */
    public int broadcast(int node, Message message) {
        metrics.onBroadcast(message, node, nowMicros);
        int sent = protocols.get(node).broadcast(message, Optional.empty());
        wake(node);
        return sent;
    }

    /** Processes events in order until none is left or the next one is after {@code deadlineMillis}. */
    public void runUntil(long deadlineMillis) {
        long deadline = deadlineMillis * 1000;
        while (!events.isEmpty() && events.peek().time <= deadline) {
            Event e = events.poll();
            nowMicros = e.time;
            e.action.run();
        }
        nowMicros = Math.max(nowMicros, deadline);
    }

    public boolean idle() {
        return events.isEmpty();
    }

    private void schedule(long atMicros, Runnable action) {
        events.add(new Event(atMicros, sequence++, action));
    }

    private void wake(int node) {
        long wakeMillis = protocols.get(node).nextWakeupMillis();
        if (wakeMillis == Long.MAX_VALUE) {
            return;
        }
        long at = Math.max(nowMicros, wakeMillis * 1000);
        if (at >= scheduledTick.get(node)) {
            return;
        }
        scheduledTick.set(node, at);
        schedule(at, () -> {
            if (scheduledTick.get(node) != at) {
                return;
            }
            scheduledTick.set(node, Long.MAX_VALUE);
            if (alive.get(node)) {
                protocols.get(node).onTick(nowMicros / 1000);
                wake(node);
            }
        });
    }

    private void transmit(int from, int to, Message message) {
        if (!alive.get(from) || !adjacency.get(from).contains(to)) {
            return;
        }
        int size = message.encodedSize();
        metrics.onSent(message, size);
        int hop = PlumtreeRouter.isControl(message.type()) ? 0 : metrics.hopOf(message, from) + 1;
        if (linkRandom.nextDouble() < links.loss()) {
            return;
        }
        double departure = Math.max(nowMicros, uplinkFreeAt.get(from)) + size * 1e6 / links.uplinkBytesPerSecond();
        uplinkFreeAt.set(from, departure);
        long latency = baseLatencyMicros(from, to) + (long) (-Math.log(1 - linkRandom.nextDouble()) * links.jitterMeanMillis() * 1000);
        long key = (long) from << 32 | to;
        long arrival = Math.max((long) departure + latency, lastArrival.getOrDefault(key, 0L));
        lastArrival.put(key, arrival);
        schedule(arrival, () -> arrive(from, to, message, hop));
    }

    private void arrive(int from, int to, Message message, int hop) {
        if (!alive.get(to) || !adjacency.get(to).contains(from)) {
            return;
        }
        if (partitioned && !groups.get(from).equals(groups.get(to))) {
            return;
        }
        currentHop = hop;
        protocols.get(to).onMessage(peerIds.get(from), message);
        wake(to);
    }

    private long baseLatencyMicros(int a, int b) {
        long x = (long) Math.min(a, b) * 0x9E3779B97F4A7C15L ^ (long) Math.max(a, b) * 0xC2B2AE3D27D4EB4FL ^ linkSalt;
        x = (x ^ (x >>> 31)) * 0xBF58476D1CE4E5B9L;
        x = x ^ (x >>> 29);
        long span = links.maxLatencyMillis() - links.minLatencyMillis() + 1;
        return (links.minLatencyMillis() + Math.floorMod(x, span)) * 1000;
    }

    private void penalize(int node, int peer, PlumtreeViolation violation) {
        penalize(node, peer, switch (violation) {
            case MALFORMED_CONTROL, INVALID_ANNOUNCEMENT -> 50;
            case BROKEN_PROMISE -> 25;
            case REQUEST_RATE_EXCEEDED -> 15;
        });
    }

    private void penalize(int node, int peer, int points) {
        penalties++;
        long key = (long) node << 32 | peer;
        int total = penaltyPoints.merge(key, points, Integer::sum);
        if (total >= 100) {
            penaltyPoints.remove(key);
            disconnectsForPenalties++;
            schedule(nowMicros, () -> disconnect(node, peer));
        }
    }

    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** What a node's protocol sees of the simulator: its identity, the virtual clock and its effects. */
    public final class NodeContext implements Clock {
        private final int index;

        NodeContext(int index) {
            this.index = index;
        }

        public int index() {
            return index;
        }

        public PeerId self() {
            return peerIdOf(index);
        }

        public RandomGenerator random() {
            return linkRandom;
        }

        public void send(PeerId to, Message message) {
            transmit(index, indexOf(to), message);
        }

        public void deliver(Message message) {
            metrics.onDelivered(message, index, currentHop, nowMicros);
        }

        public void penalize(PeerId peer, PlumtreeViolation violation) {
            Simulation.this.penalize(index, indexOf(peer), violation);
        }

        /** A payload from {@code peer} was rejected by this node's validator. */
        public void penalize(PeerId peer, net.dig.gossip.PenaltyReason reason) {
            Simulation.this.penalize(index, indexOf(peer), reason.points());
        }

        @Override
        public long millis() {
            return nowMicros / 1000;
        }

        @Override
        public long nanos() {
            return nowMicros * 1000;
        }
    }
}
