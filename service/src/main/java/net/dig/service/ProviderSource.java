package net.dig.service;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import net.dig.core.Bytes32;
import net.dig.gossip.PeerId;

/**
 * Who holds a datastore, for the parts that fetch from others or send a client elsewhere (the fetch, the CLI's
 * {@code get}, an HTTP miss). The node implements it over the Kademlia DHT (docs/architecture.md §9.1): the
 * providers are those whose signed provider records for the datastore's content key were found.
 */
public interface ProviderSource {
    /**
     * One holder of a datastore.
     *
     * @param peer      its PeerId (SHA-256 of its TLS key), the identity a P2P connection to it must show
     * @param addresses where it accepts P2P connections, most preferred first (may be empty if it announced none
     *                  and the DHT knows no address for it)
     * @param http      its HTTP API, if it announced one
     */
    record Provider(PeerId peer, List<InetSocketAddress> addresses, Optional<URI> http) {
        public Provider {
            Objects.requireNonNull(peer, "peer");
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(http, "http");
        }
    }

    /** The providers found for {@code datastoreId}, without this node; empty when none are known. */
    CompletionStage<List<Provider>> providers(Bytes32 datastoreId);
}
