package net.dig.service;

import java.util.List;
import net.dig.core.Bytes32;
import net.dig.gossip.PeerId;

/**
 * Who holds a datastore, as far as this node knows: the peers (by TLS PeerId) that provide
 * {@code datastoreId}, best first. The DHT's provider records are the intended source; {@link #none()}
 * knows nobody. Implementations must be thread-safe and must not block for long (the HTTP API asks on
 * a miss, from a worker thread).
 */
@FunctionalInterface
public interface ProviderSource {
    List<PeerId> providers(Bytes32 datastoreId);

    /** Knows no provider of anything. */
    static ProviderSource none() {
        return id -> List.of();
    }
}
