package net.dig.api;

import java.util.List;

/**
 * The node's live peer table as the HTTP API sees it: {@code GET /network/peers} and the
 * {@code propagation_peers} of {@code POST /datastore/push}. Implemented by the gossip layer; must be
 * thread-safe and cheap (called on the event loop).
 */
@FunctionalInterface
public interface PeerDirectory {
    List<PeerView> peers();

    /** No peers: the node is not connected to a network (yet). */
    static PeerDirectory none() {
        return List::of;
    }
}
