package net.dig.service;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import net.dig.core.Bytes32;
import net.dig.gossip.PeerId;

/** Where a datastore can be fetched from: the peers that hold it. */
public interface ProviderSource {
    /** A peer holding a datastore, and the addresses it said it serves at (unresolved; may be empty). */
    record Provider(PeerId peer, List<InetSocketAddress> addresses) {
        public Provider {
            Objects.requireNonNull(peer, "peer");
            addresses = List.copyOf(addresses);
        }
    }

    /** The providers of {@code datastoreId} known now; an empty list when none is. */
    CompletionStage<List<Provider>> providers(Bytes32 datastoreId);
}
