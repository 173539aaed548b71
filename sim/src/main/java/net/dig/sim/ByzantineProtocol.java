package net.dig.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.gossip.PeerId;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.LazyAnnounce.Announcement;
import net.dig.wire.Graft;
import net.dig.wire.Message;
import net.dig.wire.Prune;
import net.dig.wire.RequestByHash;

/**
 * A lying peer: it swallows every payload (answering PRUNE, so that its neighbours turn it lazy and send it
 * their IHAVEs), answers no GRAFT or RequestByHash, and announces (IHAVE) every
 * id it hears about plus one invented id per announcement, none of which it has. It re-announces at once,
 * so its IHAVEs often arrive before honest ones and are the first to be grafted.
 */
final class ByzantineProtocol implements SimProtocol {
    private final Simulation.NodeContext node;
    private final Set<PeerId> neighbours = new LinkedHashSet<>();
    private final Set<Bytes32> announced = new HashSet<>();

    ByzantineProtocol(Simulation.NodeContext node) {
        this.node = node;
    }

    @Override
    public void onNeighborUp(PeerId peer) {
        neighbours.add(peer);
    }

    @Override
    public void onNeighborDown(PeerId peer) {
        neighbours.remove(peer);
    }

    @Override
    public void onMessage(PeerId from, Message message) {
        if (message.type() == Prune.OPCODE || message.type() == Graft.OPCODE || message.type() == RequestByHash.OPCODE) {
            return;
        }
        if (message.type() != LazyAnnounce.OPCODE) {
            node.send(from, new Prune().toMessage());
            return;
        }
        List<Announcement> lies = new ArrayList<>();
        for (Announcement a : LazyAnnounce.decode(message.data()).entries()) {
            if (announced.add(a.messageId())) {
                lies.add(a);
            }
        }
        if (lies.isEmpty()) {
            return;
        }
        byte[] invented = new byte[Bytes32.SIZE];
        node.random().nextBytes(invented);
        lies.add(new Announcement(Bytes32.wrap(invented), lies.get(0).messageType()));
        Message ihave = new LazyAnnounce(lies).toMessage();
        for (PeerId p : neighbours) {
            if (!p.equals(from)) {
                node.send(p, ihave);
            }
        }
    }

    @Override
    public void onTick(long nowMillis) {}

    @Override
    public long nextWakeupMillis() {
        return Long.MAX_VALUE;
    }

    @Override
    public int broadcast(Message message, Optional<PeerId> exclude) {
        return 0;
    }
}
