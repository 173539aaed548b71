package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Properties of whole small DHT networks ({@link DhtTestNetwork}): discovery, expiry, termination, bounds, eviction. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KademliaNetworkProperties {
    private static final List<DhtAddress> ADDRESSES = List.of(new DhtAddress("127.0.0.1", 9444, DhtAddress.KIND_DIRECT));

    private static DhtTestNetwork joined(Gen g, DhtConfig config, int minNodes, int maxNodes) {
        DhtTestNetwork net = new DhtTestNetwork(g.ints(minNodes, maxNodes), config, g.longs());
        net.joinAll();
        return net;
    }

    private static Set<PeerId> providersOf(DhtLookupResult r) {
        Set<PeerId> s = new HashSet<>();
        r.providers().forEach(p -> s.add(p.provider()));
        return s;
    }

    @Test
    void everyProviderIsFound() {
        PropertyRunner.tries(8).check(g -> {
            DhtTestNetwork net = joined(g, DhtConfig.defaults(), 2, 40);
            int keys = g.ints(1, 5);
            for (int key = 0; key < keys; key++) {
                Bytes32 k = net.randomKey();
                Set<PeerId> expected = new HashSet<>();
                for (int p = g.ints(1, 3); p > 0; p--) {
                    int provider = net.randomUpNode();
                    expected.add(net.id(provider));
                    net.await(net.node(provider).provide(k, ADDRESSES, net.now()));
                }
                int asker = net.randomUpNode();
                DhtLookupResult r = net.await(net.node(asker).findProviders(k, expected.size(), net.now()));
                assertThat(providersOf(r)).as("key %s asked by node %d of %d", k, asker, net.nodes.size())
                        .isEqualTo(expected);
                assertThat(r.providers()).allSatisfy(p -> assertThat(p.addresses()).isEqualTo(ADDRESSES));
            }
            assertThat(net.penalties).isEmpty();
        });
    }

    @Test
    void recordsExpireAfterTheirTtlAndAreFoundAgainAfterRepublish() {
        PropertyRunner.tries(6).check(g -> {
            DhtConfig c = DhtConfig.defaults();
            DhtTestNetwork net = joined(g, c, 3, 30);
            Bytes32 withdrawn = net.randomKey();
            Bytes32 kept = net.randomKey();
            int provider = net.randomUpNode();
            net.await(net.node(provider).provide(withdrawn, ADDRESSES, net.now()));
            net.await(net.node(provider).provide(kept, ADDRESSES, net.now()));
            assertThat(net.node(provider).withdraw(withdrawn)).isTrue();
            net.down.add(provider);
            net.advance(Duration.ofMillis(c.providerTtlMillis() + 1));
            int asker = net.randomUpNode();
            assertThat(net.await(net.node(asker).findProviders(kept, 1, net.now())).providers())
                    .as("records of a provider that is away expire").isEmpty();
            net.down.remove(provider);
            net.advance(Duration.ofMillis(c.rpcTimeoutMillis() * 4));
            assertThat(providersOf(net.await(net.node(asker).findProviders(kept, 1, net.now()))))
                    .as("found again after the provider republished").containsExactly(net.id(provider));
            net.advance(Duration.ofMillis(c.providerTtlMillis() + 1));
            assertThat(providersOf(net.await(net.node(asker).findProviders(kept, 1, net.now()))))
                    .as("still found a TTL later: republished hourly").containsExactly(net.id(provider));
            assertThat(net.await(net.node(asker).findProviders(withdrawn, 1, net.now())).providers())
                    .as("a withdrawn key is no longer announced").isEmpty();
        });
    }

    @Test
    void lookupsTerminateEvenWithManyNodesGone() {
        PropertyRunner.tries(8).check(g -> {
            DhtConfig c = DhtConfig.defaults();
            DhtTestNetwork net = joined(g, c, 2, 60);
            int gone = g.ints(0, net.nodes.size() - 1);
            for (int i = 0; i < gone; i++) {
                net.down.add(net.randomUpNode());
            }
            List<CompletableFuture<DhtLookupResult>> lookups = new ArrayList<>();
            for (int l = g.ints(1, 6); l > 0; l--) {
                KademliaNode asker = net.node(net.randomUpNode());
                lookups.add(g.bool() ? asker.findNode(net.randomKey(), net.now())
                        : asker.findProviders(net.randomKey(), g.ints(1, 20), net.now()));
            }
            net.drain();
            net.advance(Duration.ofMillis(c.rpcTimeoutMillis() * (8L * c.k() / c.alpha() + 2)));
            for (CompletableFuture<DhtLookupResult> f : lookups) {
                assertThat(f).as("%d of %d nodes gone", gone, net.nodes.size()).isDone();
                assertThat(f.join().requests()).isLessThanOrEqualTo(net.nodes.size() - 1);
                assertThat(f.join().closest()).allSatisfy(ct -> assertThat(net.isUp(net.indexOf.get(ct.id()))).isTrue());
            }
        });
    }

    @Test
    void theRoutingTableStaysBounded() {
        PropertyRunner.tries(6).check(g -> {
            int k = g.ints(1, 4);
            int spare = g.ints(0, 3);
            DhtConfig d = DhtConfig.defaults();
            DhtConfig c = new DhtConfig(k, Math.min(d.alpha(), k), spare, d.rpcTimeoutMillis(), d.refreshIntervalMillis(),
                    d.providerTtlMillis(), d.republishIntervalMillis(), d.maxProviderKeys(), d.maxProvidersPerKey(),
                    d.inboundRequestsPerSecond(), d.inboundBurst(), d.maxConcurrentLookups(), d.minReputation());
            DhtTestNetwork net = joined(g, c, 20, 80);
            for (int l = 0; l < 20; l++) {
                net.await(net.node(net.randomUpNode()).findNode(net.randomKey(), net.now()));
            }
            for (KademliaNode node : net.nodes) {
                int total = 0;
                for (int b = 0; b < KademliaRoutingTable.BUCKETS; b++) {
                    assertThat(node.bucketSize(b)).isLessThanOrEqualTo(k);
                    assertThat(node.replacementCount(b)).isLessThanOrEqualTo(spare);
                    total += node.bucketSize(b);
                }
                assertThat(node.routingTableSize()).isEqualTo(total).isPositive();
                assertThat(node.pendingRequests()).isZero();
            }
            assertThat(net.penalties).isEmpty();
        });
    }

    @Test
    void aNodeThatGoesAwayIsEvictedAfterFailedPings() {
        PropertyRunner.tries(6).check(g -> {
            DhtConfig c = DhtConfig.defaults();
            DhtTestNetwork net = joined(g, c, 3, 40);
            int gone = net.randomUpNode();
            assertThat(net.nodes).as("someone knows the node before it goes").anyMatch(n -> n.knows(net.id(gone)));
            net.down.add(gone);
            net.advance(Duration.ofMillis(2 * c.refreshIntervalMillis() + 2 * c.rpcTimeoutMillis()));
            for (int i = 0; i < net.nodes.size(); i++) {
                if (net.isUp(i)) {
                    assertThat(net.node(i).knows(net.id(gone))).as("node %d still lists the departed node", i).isFalse();
                }
            }
            for (int i = 0; i < net.nodes.size(); i++) {
                int peer = i;
                if (net.isUp(i)) {
                    assertThat(net.nodes).as("a live node stays known").anyMatch(n -> n.knows(net.id(peer)));
                }
            }
        });
    }
}
