package net.dig.api;

import java.util.List;
import java.util.Objects;

/**
 * One peer as shown by {@code GET /network/peers} (the seed's shape).
 *
 * @param nodeId          the peer's {@code dig1...} node id
 * @param endpoint        {@code host:port} it is reachable at
 * @param capabilities    e.g. {@code storage}, {@code retrieval}
 * @param reputation      0..1
 * @param lastSeenMillis  epoch milliseconds of the last message from the peer
 */
public record PeerView(String nodeId, String endpoint, List<String> capabilities, double reputation,
        long lastSeenMillis) {
    public PeerView {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(endpoint, "endpoint");
        capabilities = List.copyOf(capabilities);
        if (!(reputation >= 0.0 && reputation <= 1.0)) {
            throw new IllegalArgumentException("reputation must be within [0, 1], got " + reputation);
        }
    }
}
