package net.dig.net;

import java.util.List;
import java.util.Objects;
import net.dig.wire.NodePayload;

/**
 * What this node announces about itself besides its keys (docs/formats/wire.md "Node messages"): where its
 * HTTP API is, what it offers, how much it can store, and its mode.
 */
public record NodeProfile(NodePayload.HttpEndpoint http, List<String> capabilities, long capacityTotalBytes,
        long capacityFreeBytes, String mode) {
    public NodeProfile {
        Objects.requireNonNull(http, "http");
        capabilities = List.copyOf(capabilities);
        Objects.requireNonNull(mode, "mode");
        if (capacityTotalBytes < 0 || capacityFreeBytes < 0 || capacityFreeBytes > capacityTotalBytes) {
            throw new IllegalArgumentException("capacity must satisfy 0 <= free <= total");
        }
    }

    /**
     * Whether announcing {@code next} instead of this is worth a message to every peer: anything but the free
     * space changed, or the free space moved by at least 1 % of the total.
     */
    boolean differsMeaningfully(NodeProfile next) {
        if (!http.equals(next.http) || !capabilities.equals(next.capabilities) || capacityTotalBytes != next.capacityTotalBytes
                || !mode.equals(next.mode)) {
            return true;
        }
        return Math.abs(capacityFreeBytes - next.capacityFreeBytes) * 100 >= Math.max(1, capacityTotalBytes);
    }
}
