package net.dig.sim;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import net.dig.core.Bytes32;
import net.dig.gossip.DandelionConfig;
import net.dig.gossip.DandelionRouter;
import net.dig.gossip.PeerId;
import net.dig.wire.Message;
import net.dig.wire.RelayTransaction;
import net.dig.wire.StemTransaction;

/**
 * Transaction relay on one simulated node: the real {@link DandelionRouter} for the stem phase (213
 * frames) and flooding for the fluff phase, or flooding alone (how transactions are relayed without
 * Dandelion++). Every frame a node receives is reported to {@code observer} (the spies' view).
 */
final class DandelionProtocol implements SimProtocol {
    /** Fluff-phase frames: the transaction's bytes as the body (a stand-in for NewTransaction + fetch). */
    static final int FLUFF_TYPE = 21;

    private final Simulation.NodeContext node;
    private final Predicate<PeerId> outbound;
    private final BiConsumer<PeerId, RelayTransaction> observer;
    private final DandelionRouter router;
    private final Set<PeerId> neighbours = new LinkedHashSet<>();
    private final Set<Bytes32> seen = new HashSet<>();

    DandelionProtocol(Simulation.NodeContext node, Optional<DandelionConfig> dandelion, Predicate<PeerId> outbound,
                      BiConsumer<PeerId, RelayTransaction> observer) {
        this.node = node;
        this.outbound = outbound;
        this.observer = observer;
        this.router = dandelion.map(c -> new DandelionRouter(c, node, node.random(), new DandelionRouter.Output() {
            @Override
            public void stem(PeerId to, RelayTransaction tx) {
                node.send(to, new StemTransaction(tx).toMessage());
            }

            @Override
            public void fluff(RelayTransaction tx, Optional<PeerId> from) {
                flood(tx, null);
            }
        })).orElse(null);
    }

    /** This node originates {@code tx}. */
    void originate(RelayTransaction tx) {
        if (router != null) {
            router.ownTransaction(tx);
        } else {
            flood(tx, null);
        }
    }

    @Override
    public void onNeighborUp(PeerId peer) {
        neighbours.add(peer);
        if (router != null && outbound.test(peer)) {
            router.outboundUp(peer);
        }
    }

    @Override
    public void onNeighborDown(PeerId peer) {
        neighbours.remove(peer);
        if (router != null) {
            router.peerDown(peer);
        }
    }

    @Override
    public void onMessage(PeerId from, Message message) {
        if (message.type() == StemTransaction.OPCODE && router != null) {
            RelayTransaction tx = StemTransaction.decode(message.data()).transaction();
            observer.accept(from, tx);
            router.stemReceived(from, tx);
        } else if (message.type() == FLUFF_TYPE) {
            RelayTransaction tx = new RelayTransaction(message.data());
            observer.accept(from, tx);
            if (router != null) {
                router.seenFluffed(tx.id());
            }
            flood(tx, from);
        }
    }

    private void flood(RelayTransaction tx, PeerId except) {
        if (!seen.add(tx.id())) {
            return;
        }
        Message m = Message.of(FLUFF_TYPE, tx.bytes());
        for (PeerId p : neighbours) {
            if (!p.equals(except)) {
                node.send(p, m);
            }
        }
    }

    @Override
    public void onTick(long nowMillis) {
        if (router != null) {
            router.tick();
        }
    }

    @Override
    public long nextWakeupMillis() {
        return router == null ? Long.MAX_VALUE : router.nextDeadline();
    }

    @Override
    public int broadcast(Message message, Optional<PeerId> exclude) {
        originate(new RelayTransaction(message.data()));
        return 1;
    }
}
