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

    /**
     * Counters of the peer network since start: bytes received and sent at the P2P transport (every frame,
     * closed connections included). Called from a worker thread (it may wait briefly for a snapshot).
     */
    default Traffic traffic() {
        return Traffic.NONE;
    }

    /** Bytes received and sent over the peer network since start. */
    record Traffic(long bytesIn, long bytesOut) {
        /** No peer network. */
        public static final Traffic NONE = new Traffic(0, 0);
    }

    /** The DHT's live numbers (docs/architecture.md §9.1), when it runs. */
    record DhtView(int routingTableSize, int providerRecords, int providedKeys, long messagesIn, long messagesOut,
                   long rejected) {}

    /** Empty when the node runs no DHT. */
    default java.util.Optional<DhtView> dht() {
        return java.util.Optional.empty();
    }

    /** No peers: the node is not connected to a network (yet). */
    static PeerDirectory none() {
        return List::of;
    }
}
