package net.dig.sim;

import net.dig.gossip.DhtConfig;

/**
 * One run of the DHT scenario ({@link DhtScenario}), fully determined by these fields.
 *
 * @param nodes      nodes that join before anything is announced (at least 2)
 * @param seed       the seed every random choice derives from
 * @param churn      the fraction of nodes that leave silently before the measured lookups; as many new nodes join
 * @param datastores datastores announced, each by {@code replicas} distinct random nodes
 * @param replicas   R, the holders each datastore gets (also how many providers a measured lookup asks for)
 * @param lookups    measured provider lookups after the churn, from random live nodes for random datastores
 * @param links      latency and loss of the simulated links (bandwidth is not modelled: DHT messages are small)
 * @param dht        the settings every node runs with
 */
public record DhtSpec(int nodes, long seed, double churn, int datastores, int replicas, int lookups, SimLinks links,
                      DhtConfig dht) {
    public DhtSpec {
        if (nodes < 2) {
            throw new IllegalArgumentException("a simulation needs at least 2 nodes, got " + nodes);
        }
        if (!(churn >= 0 && churn < 1)) {
            throw new IllegalArgumentException("churn must be a fraction in [0, 1), got " + churn);
        }
        if (datastores < 1 || lookups < 1) {
            throw new IllegalArgumentException("datastores and lookups must be positive");
        }
        if (replicas < 1 || replicas > nodes || replicas > dht.maxProvidersPerKey()) {
            throw new IllegalArgumentException("replicas must be 1.." + Math.min(nodes, dht.maxProvidersPerKey()) + ", got " + replicas);
        }
    }

    /** 20 % churn, 5 holders per datastore, 100 datastores, 1,000 lookups, internet links, default DHT settings. */
    public static DhtSpec of(int nodes, long seed) {
        return new DhtSpec(nodes, seed, 0.2, 100, 5, 1000, SimLinks.internet(), DhtConfig.defaults());
    }
}
