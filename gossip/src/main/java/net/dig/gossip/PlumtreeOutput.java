package net.dig.gossip;

import net.dig.wire.Message;

/**
 * The effects of the Plumtree router, executed by its driver (dig-net on real sockets, dig-sim in the
 * simulator). Calls happen synchronously inside the router's event methods, on the router's thread.
 */
public interface PlumtreeOutput {
    /** Send {@code message} to the connected peer {@code to}. */
    void send(PeerId to, Message message);

    /** Hand a message received for the first time, and ACCEPTed, to the application; {@code from} is the peer it came from. */
    void deliver(PeerId from, Message message);

    /** Ask the reputation layer to penalise {@code peer}. */
    void penalize(PeerId peer, PlumtreeViolation violation, String detail);

    /**
     * A payload from {@code from} was REJECTed by its validator: neither delivered nor forwarded. Ask the
     * reputation layer to charge {@code from} the validator's {@code reason}.
     */
    void rejected(PeerId from, Message message, PenaltyReason reason);
}
