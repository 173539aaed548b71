package net.dig.sim;

import java.util.Optional;
import net.dig.gossip.PeerId;
import net.dig.wire.Message;

/** What the simulator drives on each node: the real router, the flooding baseline, or a byzantine peer. */
interface SimProtocol {
    void onNeighborUp(PeerId peer);

    void onNeighborDown(PeerId peer);

    void onMessage(PeerId from, Message message);

    void onTick(long nowMillis);

    long nextWakeupMillis();

    int broadcast(Message message, Optional<PeerId> exclude);
}
