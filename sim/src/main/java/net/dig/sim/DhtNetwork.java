package net.dig.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.DhtMessage;
import net.dig.gossip.DhtOutput;
import net.dig.gossip.DhtViolation;
import net.dig.gossip.KademliaNode;
import net.dig.gossip.PeerId;
import net.dig.gossip.ProviderVerifier;

/**
 * Many real {@link KademliaNode}s on one virtual clock. Any node may message any other (the DHT dials whom it
 * needs); a message takes the sum of both ends' access latencies (each drawn once per node, uniformly in half the
 * link latency range) plus exponential jitter, and is lost with the links' loss probability. A node that is down
 * neither receives nor ticks; messages to it vanish, as to a host that went away. Each node is ticked at its
 * {@link KademliaNode#nextWakeupMillis()}.
 *
 * <p>Signatures are simulated: a record's signature is SHA-256 of its provider id and signed bytes, checked the
 * same way, so forging one is as hard as it is meant to be without the cost of Ed25519 at this scale.
 *
 * <p>Single-threaded; a run is a pure function of its seed. Times are virtual milliseconds.
 */
final class DhtNetwork {
    private final SimLinks links;
    private final DhtConfig config;
    private final SplittableRandom random;
    private final long idSalt;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final List<KademliaNode> nodes = new ArrayList<>();
    private final List<Boolean> up = new ArrayList<>();
    private final List<Double> accessMillis = new ArrayList<>();
    private final List<Long> scheduledTick = new ArrayList<>();
    private final Map<PeerId, Integer> indexOf = new HashMap<>();
    private long now;
    private long sequence;
    private long messages;
    private long penalties;

    static final ProviderVerifier VERIFIER = r -> Arrays.equals(r.signature(), signature(r.provider(), r.signedBytes()));

    DhtNetwork(SimLinks links, DhtConfig config, SplittableRandom random, long idSalt) {
        this.links = links;
        this.config = config;
        this.random = random;
        this.idSalt = idSalt;
    }

    static byte[] signature(PeerId provider, byte[] signedBytes) {
        return Sha256.hash(provider.value().toArray(), signedBytes).toArray();
    }

    /** Adds a node that knows nobody; returns its index. */
    int addNode() {
        int index = nodes.size();
        byte[] seed = new byte[12];
        java.nio.ByteBuffer.wrap(seed).putLong(idSalt).putInt(index);
        PeerId id = new PeerId(Sha256.hash(seed));
        KademliaNode node = new KademliaNode(id, config, new DhtOutput() {
            @Override
            public void send(PeerId to, DhtMessage message) {
                transmit(index, to, message);
            }

            @Override
            public void penalize(PeerId peer, DhtViolation violation) {
                penalties++;
            }
        }, VERIFIER, b -> signature(id, b), p -> 1.0, random.split(), now);
        nodes.add(node);
        up.add(true);
        double half = (links.maxLatencyMillis() - links.minLatencyMillis()) / 2.0;
        accessMillis.add(links.minLatencyMillis() / 2.0 + random.nextDouble() * half);
        scheduledTick.add(Long.MAX_VALUE);
        indexOf.put(id, index);
        wake(index);
        return index;
    }

    KademliaNode node(int index) {
        return nodes.get(index);
    }

    int size() {
        return nodes.size();
    }

    boolean isUp(int index) {
        return up.get(index);
    }

    boolean isUp(PeerId peer) {
        Integer i = indexOf.get(peer);
        return i != null && up.get(i);
    }

    /** The node stops at once, without a word to anyone. */
    void kill(int index) {
        up.set(index, false);
    }

    long nowMillis() {
        return now;
    }

    long messages() {
        return messages;
    }

    long penalties() {
        return penalties;
    }

    /** Runs {@code action} at {@code atMillis} (or now, if that has passed); then wakes {@code node} if it is >= 0. */
    void at(long atMillis, int node, Runnable action) {
        events.add(new Event(Math.max(now, atMillis), sequence++, () -> {
            action.run();
            if (node >= 0) {
                wake(node);
            }
        }));
    }

    /** Processes events in order until none is left or the next is after {@code deadlineMillis}. */
    void runUntil(long deadlineMillis) {
        while (!events.isEmpty() && events.peek().time <= deadlineMillis) {
            Event e = events.poll();
            now = e.time;
            e.action.run();
        }
        now = Math.max(now, deadlineMillis);
    }

    boolean idleBefore(long millis) {
        return events.isEmpty() || events.peek().time > millis;
    }

    private void transmit(int from, PeerId to, DhtMessage message) {
        Integer target = indexOf.get(to);
        if (target == null || !up.get(from)) {
            return;
        }
        messages++;
        if (links.loss() > 0 && random.nextDouble() < links.loss()) {
            return;
        }
        double jitter = -Math.log(1 - random.nextDouble()) * links.jitterMeanMillis();
        long arrival = now + Math.round(accessMillis.get(from) + accessMillis.get(target) + jitter);
        PeerId sender = nodes.get(from).self();
        at(arrival, target, () -> {
            if (up.get(target)) {
                nodes.get(target).onMessage(sender, message, now);
            }
        });
    }

    /** Schedules the node's next tick after something outside the network called it. */
    void wake(int index) {
        if (!up.get(index)) {
            return;
        }
        long at = Math.max(now, nodes.get(index).nextWakeupMillis());
        if (at >= scheduledTick.get(index)) {
            return;
        }
        scheduledTick.set(index, at);
        events.add(new Event(at, sequence++, () -> {
            if (scheduledTick.get(index) != at) {
                return;
            }
            scheduledTick.set(index, Long.MAX_VALUE);
            if (up.get(index)) {
                nodes.get(index).onTick(now);
                wake(index);
            }
        }));
    }

    /** A random content key. */
    Bytes32 randomKey() {
        byte[] b = new byte[Bytes32.SIZE];
        random.nextBytes(b);
        return Bytes32.wrap(b);
    }

    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
