package net.dig.node;

import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.gossip.HoldingsConfig;
import net.dig.net.GossipService;
import net.dig.net.HoldingsExchange;
import net.dig.service.HoldingsProviders;
import net.dig.service.ProviderSource;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.Manifest;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageEvents;

/**
 * Holdings for a running node (docs/decisions.md D40d1): turns on {@link HoldingsExchange} with what the
 * storage engine holds, and announces storage's changes as they happen: a committed version is an Add
 * of its datastore id, an evicted or deleted datastore a Remove. Adds live {@link #TTL_SECONDS} and are
 * re-announced every half of it. The storage listener only hands the change to gossip's blocking executor.
 */
final class HoldingsWiring {
    static final long TTL_SECONDS = 6 * 3600;

    private HoldingsWiring() {}

    /** Turns holdings on for {@code gossip} (before it starts) over {@code storage}. */
    static HoldingsExchange holdings(GossipService gossip, StorageEngine storage) {
        HoldingsExchange exchange = gossip.holdings(HoldingsConfig.defaults(), TTL_SECONDS,
                () -> storage.datastores().stream().map(DatastoreSummary::datastoreId).toList());
        storage.addListener(new StorageEvents() {
            @Override
            public void onVersionCommitted(Manifest manifest) {
                exchange.added(manifest.datastoreId());
            }

            @Override
            public void onDatastoreEvicted(Bytes32 datastoreId, Set<Bytes32> capsuleHashes) {
                exchange.removed(datastoreId);
            }
        });
        return exchange;
    }

    /** Where a fetch finds a datastore: the connected peers that announced they hold it. */
    static ProviderSource providers(HoldingsExchange exchange) {
        return new HoldingsProviders(exchange.book(), exchange::connected);
    }
}
