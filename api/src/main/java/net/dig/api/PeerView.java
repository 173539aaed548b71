package net.dig.api;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One peer as shown by {@code GET /network/peers}: the seed's fields, plus what the transport knows
 * about the live connection when the peer is connected.
 *
 * @param nodeId           the peer's id (the seed's {@code node_id})
 * @param endpoint         {@code host:port} it is reachable at
 * @param capabilities     e.g. {@code storage}, {@code retrieval}
 * @param reputation       0..1
 * @param lastSeenMillis   epoch milliseconds of the last message from the peer
 * @param direction        {@code inbound} or {@code outbound}; null when not connected
 * @param nodeType         the peer's handshake node type in lowercase ({@code full_node}, ...); null if unknown
 * @param softwareVersion  the peer's handshake software version; null if unknown
 * @param rttMillis        average keepalive round trip, once one was measured
 * @param peerId           the peer's TLS PeerId (hex); null if the transport does not know it
 * @param mode             the mode the peer announced ({@code full}, ...); null until it announced one
 */
public record PeerView(String nodeId, String endpoint, List<String> capabilities, double reputation,
        long lastSeenMillis, String direction, String nodeType, String softwareVersion, OptionalLong rttMillis,
        String peerId, String mode) {
    public PeerView {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(rttMillis, "rttMillis");
        capabilities = List.copyOf(capabilities);
        if (!(reputation >= 0.0 && reputation <= 1.0)) {
            throw new IllegalArgumentException("reputation must be within [0, 1], got " + reputation);
        }
        if (direction != null && !direction.equals("inbound") && !direction.equals("outbound")) {
            throw new IllegalArgumentException("direction must be inbound or outbound, got " + direction);
        }
    }

    /** A connected peer without announced facts (no PeerId, no mode). */
    public PeerView(String nodeId, String endpoint, List<String> capabilities, double reputation, long lastSeenMillis,
            String direction, String nodeType, String softwareVersion, OptionalLong rttMillis) {
        this(nodeId, endpoint, capabilities, reputation, lastSeenMillis, direction, nodeType, softwareVersion, rttMillis, null, null);
    }

    /** A peer known only by the seed's fields (no live connection facts). */
    public PeerView(String nodeId, String endpoint, List<String> capabilities, double reputation, long lastSeenMillis) {
        this(nodeId, endpoint, capabilities, reputation, lastSeenMillis, null, null, null, OptionalLong.empty());
    }
}
