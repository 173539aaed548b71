package net.dig.gossip;

/** The effects of a {@link KademliaNode}; called on the thread that drives the node. */
public interface DhtOutput {
    void send(PeerId to, DhtMessage message);

    void penalize(PeerId peer, DhtViolation violation);
}
