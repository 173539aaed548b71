package net.dig.service;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import net.dig.core.Bytes32;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.PeerId;

/**
 * Who holds a datastore, as far as this node can find out (the Kademlia DHT's provider records,
 * docs/architecture.md §9.1). Repairs and fetches ask it for the peers to fetch from.
 */
public interface ProviderSource {
    /** A peer that announced it holds the datastore, with the addresses it announced. */
    record Provider(PeerId peer, List<DhtAddress> addresses) {
        public Provider {
            Objects.requireNonNull(peer, "peer");
            addresses = List.copyOf(addresses);
        }
    }

    /** The providers of {@code datastoreId} found now (empty when none); never blocks the caller. */
    CompletionStage<List<Provider>> providers(Bytes32 datastoreId);
}
