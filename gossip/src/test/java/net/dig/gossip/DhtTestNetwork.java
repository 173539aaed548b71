package net.dig.gossip;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.testkit.ManualClock;

/**
 * N {@link KademliaNode}s on one {@link ManualClock}, with real Ed25519 provider signatures. Messages travel
 * through one FIFO queue and arrive at the time they were sent; {@link #advance} moves the clock from one node
 * wake-up to the next, ticking the nodes that are due and draining the queue after each step. A node that is
 * down neither receives, sends nor ticks; the messages it would have received are lost.
 */
final class DhtTestNetwork {
    record InFlight(PeerId from, PeerId to, DhtMessage message) {}

    final ManualClock clock = new ManualClock();
    final DhtConfig config;
    final List<KademliaNode> nodes = new ArrayList<>();
    final Map<PeerId, Integer> indexOf = new HashMap<>();
    final Set<Integer> down = new HashSet<>();
    final Map<PeerId, byte[]> publicKeys = new HashMap<>();
    final List<String> penalties = new ArrayList<>();
    private final ArrayDeque<InFlight> queue = new ArrayDeque<>();
    private final SplittableRandom random;
    long messages;

    DhtTestNetwork(int n, DhtConfig config, long seed) {
        this.config = config;
        this.random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            addNode();
        }
    }

    /** Adds a node that knows nobody yet; returns its index. */
    int addNode() {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        NodeIdentity identity = NodeIdentity.fromSeed(seed);
        PeerId id = new PeerId(Sha256.hash(identity.publicKey()));
        publicKeys.put(id, identity.publicKey());
        ProviderVerifier verifier = r -> {
            byte[] key = publicKeys.get(r.provider());
            return key != null && NodeIdentity.verify(key, r.signedBytes(), r.signature());
        };
        KademliaNode node = new KademliaNode(id, config, new DhtOutput() {
            @Override
            public void send(PeerId to, DhtMessage message) {
                queue.add(new InFlight(id, to, message));
            }

            @Override
            public void penalize(PeerId peer, DhtViolation violation) {
                penalties.add(id.shortHex() + " penalised " + peer.shortHex() + ": " + violation);
            }
        }, verifier, identity::sign, p -> 1.0, random.split(), now());
        indexOf.put(id, nodes.size());
        nodes.add(node);
        return nodes.size() - 1;
    }

    long now() {
        return clock.millis();
    }

    KademliaNode node(int i) {
        return nodes.get(i);
    }

    PeerId id(int i) {
        return nodes.get(i).self();
    }

    boolean isUp(int i) {
        return !down.contains(i);
    }

    /** Node {@code i} joins through node {@code via}. */
    void join(int i, int via) {
        node(i).join(List.of(DhtContact.of(id(via))), now());
        drain();
    }

    /** Every node joins through a random earlier one, in index order, one second apart (as inbound budgets refill). */
    void joinAll() {
        for (int i = 1; i < nodes.size(); i++) {
            join(i, random.nextInt(i));
            advance(Duration.ofSeconds(1));
        }
    }

    /** Delivers queued messages (and those they cause) until none is left. */
    void drain() {
        while (!queue.isEmpty()) {
            InFlight m = queue.poll();
            Integer to = indexOf.get(m.to());
            if (to == null || !isUp(to) || !isUp(indexOf.get(m.from()))) {
                continue;
            }
            messages++;
            node(to).onMessage(m.from(), m.message(), now());
        }
    }

    /** Moves the clock forward by {@code d}, ticking every live node at each of its wake-ups on the way. */
    void advance(Duration d) {
        long target = now() + d.toMillis();
        while (true) {
            long next = Long.MAX_VALUE;
            for (int i = 0; i < nodes.size(); i++) {
                if (isUp(i)) {
                    next = Math.min(next, node(i).nextWakeupMillis());
                }
            }
            if (next > target) {
                break;
            }
            if (next > now()) {
                clock.advance(Duration.ofMillis(next - now()));
            }
            for (int i = 0; i < nodes.size(); i++) {
                if (isUp(i) && node(i).nextWakeupMillis() <= now()) {
                    node(i).onTick(now());
                }
            }
            drain();
        }
        clock.advance(Duration.ofMillis(target - now()));
    }

    /** Runs a lookup to completion: drains, then advances the clock in timeout steps until it is done. */
    <T> T await(CompletableFuture<T> future) {
        drain();
        for (int step = 0; step < 1_000 && !future.isDone(); step++) {
            advance(Duration.ofMillis(config.rpcTimeoutMillis()));
        }
        if (!future.isDone()) {
            throw new AssertionError("a DHT operation did not finish");
        }
        return future.join();
    }

    Bytes32 randomKey() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Bytes32.wrap(b);
    }

    int randomUpNode() {
        while (true) {
            int i = random.nextInt(nodes.size());
            if (isUp(i)) {
                return i;
            }
        }
    }
}
