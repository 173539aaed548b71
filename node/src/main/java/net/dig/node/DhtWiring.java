package net.dig.node;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import net.dig.api.PeerDirectory;
import net.dig.api.PeerView;
import net.dig.core.Bytes32;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.DhtMessage;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.ProviderRecord;
import net.dig.net.DhtService;
import net.dig.net.GossipService;
import net.dig.service.ProviderSource;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.Manifest;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageEvents;
import net.dig.wire.NodePayload;

/**
 * The node's side of the DHT (docs/architecture.md §9.1, docs/decisions.md D40a): it announces what this node
 * holds and answers {@link ProviderSource} from DHT lookups.
 *
 * <p>For every local datastore the node provides two content keys, the datastore's
 * ({@link ProviderRecord#storeKey}) and its current root's ({@link ProviderRecord#rootKey}): all of them when the
 * node starts, a datastore's again when a version of it is committed (the superseded root is withdrawn), and
 * both are withdrawn when it is evicted or deleted. The DHT republishes every key it provides each republish
 * interval (hourly). A provider's HTTP endpoint comes from its signed node announcement, when it made one.
 *
 * <p>Thread-safe: storage events arrive on the engine's delivering thread and only hand work to the DHT's thread;
 * the map of announced roots is guarded by this object. A failed announcement is logged and left to the next
 * republish.
 */
final class DhtWiring implements ProviderSource {
    private final DhtService dht;
    private final NodeDirectory directory;
    private final Map<Bytes32, Bytes32> rootKeys = new HashMap<>();
    /** What validators attested of a peer's node key (empty: nothing known); set once the services exist. */
    private volatile java.util.function.Function<Bytes32, java.util.OptionalDouble> attested = key -> java.util.OptionalDouble.empty();

    private DhtWiring(DhtService dht, NodeDirectory directory) {
        this.dht = dht;
        this.directory = directory;
    }

    /** Turns the DHT on in {@code gossip} (before it starts). */
    static DhtWiring enable(GossipService gossip, NodeDirectory directory) {
        return new DhtWiring(gossip.dht(DhtConfig.defaults()), directory);
    }

    /** After gossip started: joins through the connected peers, announces every local datastore and follows storage events. */
    DhtWiring announce(StorageEngine storage) {
        storage.addListener(new StorageEvents() {
            @Override
            public void onVersionCommitted(Manifest manifest) {
                provide(manifest.datastoreId(), manifest.version().merkleRoot());
            }

            @Override
            public void onDatastoreEvicted(Bytes32 datastoreId, Set<Bytes32> capsuleHashes) {
                withdraw(datastoreId);
            }
        });
        dht.join().exceptionally(e -> 0).thenRunAsync(() -> {
            for (DatastoreSummary s : storage.datastores()) {
                provide(s.datastoreId(), s.merkleRoot());
            }
        }, task -> Thread.ofVirtual().name("dig-dht-announce").start(task)); // reads the index: not on the DHT's thread
        return this;
    }

    DhtService dht() {
        return dht;
    }

    /** {@code base} with the DHT's numbers ({@code /node/status} "network.dht"). */
    PeerDirectory directory(PeerDirectory base) {
        return new PeerDirectory() {
            @Override
            public List<PeerView> peers() {
                return base.peers();
            }

            @Override
            public Traffic traffic() {
                return base.traffic();
            }

            @Override
            public Optional<DhtView> dht() {
                DhtService.Stats s = dht.stats();
                return Optional.of(new DhtView(s.routingTableSize(), s.storedRecords(), s.providedKeys(), s.messagesIn(),
                        s.messagesOut(), s.rejected()));
            }
        };
    }

    /** The DHT's gauges and counters, {@code gossip_dht_*} (docs/api.md "Metrics"). */
    void bindTo(MeterRegistry registry) {
        Gauge.builder("gossip_dht_routing_table_size", dht, d -> d.stats().routingTableSize())
                .description("contacts in the DHT routing table").register(registry);
        Gauge.builder("gossip_dht_provider_records", dht, d -> d.stats().storedRecords())
                .description("provider records held, for others and this node").register(registry);
        Gauge.builder("gossip_dht_provided_keys", dht, d -> d.stats().providedKeys())
                .description("content keys this node announces").register(registry);
        FunctionCounter.builder("gossip_dht_messages", dht, d -> d.stats().messagesIn()).tag("direction", "in").register(registry);
        FunctionCounter.builder("gossip_dht_messages", dht, d -> d.stats().messagesOut()).tag("direction", "out").register(registry);
        FunctionCounter.builder("gossip_dht_rejected", dht, d -> d.stats().rejected())
                .description("DHT frames and records refused, and penalties the DHT asked for").register(registry);
        FunctionCounter.builder("gossip_dht_dials", dht, d -> d.stats().dials()).tag("result", "attempted").register(registry);
        FunctionCounter.builder("gossip_dht_dials", dht, d -> d.stats().dialFailures()).tag("result", "failed").register(registry);
    }

    void provide(Bytes32 datastoreId, Bytes32 root) {
        Bytes32 rootKey = ProviderRecord.rootKey(datastoreId, root);
        Bytes32 previous;
        synchronized (this) {
            previous = rootKeys.put(datastoreId, rootKey);
        }
        if (previous != null && !previous.equals(rootKey)) {
            dht.withdraw(previous);
        }
        logged(dht.provide(ProviderRecord.storeKey(datastoreId)), datastoreId);
        logged(dht.provide(rootKey), datastoreId);
    }

    void withdraw(Bytes32 datastoreId) {
        Bytes32 rootKey;
        synchronized (this) {
            rootKey = rootKeys.remove(datastoreId);
        }
        dht.withdraw(ProviderRecord.storeKey(datastoreId));
        if (rootKey != null) {
            dht.withdraw(rootKey);
        }
    }

    /**
     * Holders are ranked by what validators attested of their node keys ({@code attested}), those at or below the DHT's
     * reputation floor left out ({@link net.dig.service.ProviderRanking}).
     */
    void rankBy(java.util.function.Function<Bytes32, java.util.OptionalDouble> attested) {
        this.attested = java.util.Objects.requireNonNull(attested, "attested");
    }

    private java.util.OptionalDouble reputationOf(net.dig.gossip.PeerId peer) {
        return directory.get(peer).map(i -> attested.apply(i.nodeKey())).orElse(java.util.OptionalDouble.empty());
    }

    @Override
    public CompletionStage<List<Provider>> providers(Bytes32 datastoreId) {
        return dht.findProviders(ProviderRecord.storeKey(datastoreId), DhtMessage.MAX_PROVIDERS).thenCompose(result -> {
            List<CompletableFuture<Provider>> each = new ArrayList<>();
            for (ProviderRecord r : result.providers()) {
                if (!r.provider().equals(dht.self())) {
                    each.add(provider(r));
                }
            }
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                    .thenApply(done -> net.dig.service.ProviderRanking.byReputation(
                            each.stream().map(CompletableFuture::join).toList(), this::reputationOf,
                            DhtConfig.defaults().minReputation()));
        });
    }

    private CompletableFuture<Provider> provider(ProviderRecord r) {
        CompletableFuture<List<DhtAddress>> addresses = r.addresses().isEmpty() ? dht.addressesOf(r.provider())
                : CompletableFuture.completedFuture(r.addresses());
        return addresses.thenApply(list -> {
            List<InetSocketAddress> sockets = list.stream()
                    .filter(a -> a.kind() == DhtAddress.KIND_DIRECT)
                    .map(a -> InetSocketAddress.createUnresolved(a.host(), a.port())).toList();
            Optional<URI> http = directory.get(r.provider()).map(info -> info.announcement().http())
                    .flatMap(endpoint -> httpUri(endpoint, sockets));
            return new Provider(r.provider(), sockets, http);
        });
    }

    /** The announced endpoint; a wildcard host stands for the host the peer is reached at. */
    static Optional<URI> httpUri(NodePayload.HttpEndpoint endpoint, List<InetSocketAddress> p2p) {
        if (endpoint == null || endpoint.port() == 0) {
            return Optional.empty();
        }
        String host = endpoint.host();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("*")) {
            if (p2p.isEmpty()) {
                return Optional.empty();
            }
            host = p2p.getFirst().getHostString();
        }
        String literal = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        try {
            return Optional.of(URI.create(endpoint.scheme() + "://" + literal + ":" + endpoint.port()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void logged(CompletableFuture<Integer> announced, Bytes32 datastoreId) {
        announced.whenComplete((stored, error) -> {
            if (error != null) {
                NodeLog.warn("dht", "announce_failed", Map.of("datastore_id", datastoreId.toHex(), "error", error.toString()));
            }
        });
    }
}
