package net.dig.sim;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import net.dig.gossip.MessageId;
import net.dig.gossip.PeerId;
import net.dig.wire.Message;

/** The baseline: on first receipt, deliver and forward to every neighbour but the sender. */
final class FloodProtocol implements SimProtocol {
    private final Simulation.NodeContext node;
    private final Set<PeerId> neighbours = new LinkedHashSet<>();
    private final Set<MessageId> seen = new HashSet<>();

    FloodProtocol(Simulation.NodeContext node) {
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
        if (seen.add(MessageId.of(message))) {
            node.deliver(message);
            forward(message, from);
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
        seen.add(MessageId.of(message));
        return forward(message, exclude.orElse(null));
    }

    private int forward(Message message, PeerId except) {
        int sent = 0;
        for (PeerId p : neighbours) {
            if (!p.equals(except)) {
                node.send(p, message);
                sent++;
            }
        }
        return sent;
    }
}
