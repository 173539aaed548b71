package net.dig.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;
import net.dig.core.Bytes32;
import net.dig.gossip.ErlayConfig;
import net.dig.gossip.ErlayReconciler;
import net.dig.gossip.ErlayViolation;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import net.dig.wire.NewTransaction;
import net.dig.wire.ReconciliationResponse;
import net.dig.wire.ReconciliationSalt;
import net.dig.wire.ReconciliationSketch;
import net.dig.wire.Streamable;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * Transaction relay by the real {@link ErlayReconciler} on one simulated node: NewTransaction payloads are
 * announced at once to {@code flood_peer_count} peers and reconciled with the rest through encoded 211/212
 * bodies, after each link's salts have crossed it as 211 salt bodies. Keeps the very Message instance of each transaction so the simulator's metrics follow it.
 */
final class ErlayProtocol implements SimProtocol {
    private final Simulation.NodeContext node;
    private final ErlayReconciler reconciler;
    private final BiPredicate<Integer, Integer> dialed;
    private final Map<Bytes32, Message> known = new HashMap<>();

    ErlayProtocol(Simulation.NodeContext node, ErlayConfig config, BiPredicate<Integer, Integer> dialed, long seed) {
        this.node = node;
        this.dialed = dialed;
        this.reconciler = new ErlayReconciler(config, new SplittableRandom(seed), new Output());
    }

    long knownTransactions() {
        return known.size();
    }

    ErlayReconciler.Stats stats() {
        return reconciler.stats();
    }

    @Override
    public void onNeighborUp(PeerId peer) {
        int other = Simulation.indexOf(peer);
        reconciler.peerConnected(peer, dialed.test(node.index(), other), node.millis());
    }

    @Override
    public void onNeighborDown(PeerId peer) {
        reconciler.peerDisconnected(peer);
    }

    @Override
    public void onMessage(PeerId from, Message message) {
        try {
            if (message.type() == ChiaMessageType.NEW_TRANSACTION.code()) {
                Bytes32 id = transactionId(message);
                if (known.putIfAbsent(id, message) == null) {
                    node.deliver(message);
                    reconciler.relay(id, Optional.of(from));
                } else {
                    reconciler.peerHas(from, id);
                }
            } else if (message.type() == ReconciliationSalt.OPCODE && ReconciliationSalt.isSalt(message.data())) {
                reconciler.onSalt(from, ReconciliationSalt.decode(message.data()), node.millis());
            } else if (message.type() == ReconciliationSketch.OPCODE) {
                reconciler.onSketch(from, ReconciliationSketch.decode(message.data()));
            } else if (message.type() == ReconciliationResponse.OPCODE) {
                reconciler.onResponse(from, ReconciliationResponse.decode(message.data()));
            }
        } catch (WireException e) {
            node.penalize(from, PenaltyReason.MALFORMED_MESSAGE);
        }
    }

    @Override
    public void onTick(long nowMillis) {
        reconciler.onTick(nowMillis);
    }

    @Override
    public long nextWakeupMillis() {
        return reconciler.nextWakeupMillis();
    }

    @Override
    public int broadcast(Message message, Optional<PeerId> exclude) {
        Bytes32 id = transactionId(message);
        known.put(id, message);
        long before = reconciler.stats().flooded();
        reconciler.relay(id, exclude);
        return (int) (reconciler.stats().flooded() - before);
    }

    private static Bytes32 transactionId(Message message) {
        return Streamable.decodeFully(message.data(), WireLimits.DEFAULT, NewTransaction::decode).transactionId();
    }

    private final class Output implements ErlayReconciler.Output {
        @Override
        public void send(PeerId peer, ReconciliationSketch sketch) {
            node.send(peer, sketch.toMessage());
        }

        @Override
        public void send(PeerId peer, ReconciliationSalt salt) {
            node.send(peer, salt.toMessage());
        }

        @Override
        public void send(PeerId peer, ReconciliationResponse response) {
            node.send(peer, response.toMessage());
        }

        @Override
        public void announce(PeerId peer, Bytes32 transactionId) {
            node.send(peer, known.get(transactionId));
        }

        @Override
        public void violation(PeerId peer, ErlayViolation violation) {
            node.penalize(peer, PenaltyReason.PROTOCOL_VIOLATION);
        }
    }
}
