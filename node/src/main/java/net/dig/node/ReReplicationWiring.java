package net.dig.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.gossip.ReplicaRepair;
import net.dig.net.GossipHandle;
import net.dig.net.HoldingsExchange;
import net.dig.net.NetPeerLink;
import net.dig.net.NodeMessaging;
import net.dig.service.FetchResponse;
import net.dig.service.FetchService;
import net.dig.service.ManifestCodec;
import net.dig.service.NodeServices;
import net.dig.service.PeerLink;
import net.dig.service.ProviderSource;
import net.dig.service.ReReplicationService;
import net.dig.storage.DatastoreVersion;

/**
 * Re-replication for a running node (docs/decisions.md D65a), from {@code network.replication}: a
 * {@link ReReplicationService} ticked every {@code rereplication_period_secs / 2} (at least 1 s) on its own
 * thread. The datastores considered are those the connected peers announced (holdings, opcode 222); holders are
 * counted from the DHT's provider records ({@link DhtWiring}, records expire 2 h after their last republish, so a
 * vanished holder stops counting within 2 h) joined with the connected peers' holdings announcements (a lookup
 * right after joining may not find every record yet); the candidates are the nodes this node knows announcements of, plus
 * itself, minus the holders; the signed version record, with the name the mode's lists are checked on, comes from a
 * holder's {@code GET /datastore/{id}/manifest} (checked: owner signature, id) and the fetch itself runs over the
 * peer connections. This node volunteers while
 * {@code enabled} and its announced free space holds the datastore, from {@link #SETTLE_PERIODS} periods after start.
 * Each fetch it begins is logged ({@code rereplication_fetch_began}, with the holders it counted).
 */
final class ReReplicationWiring {
    private static final Duration HTTP_WAIT = Duration.ofSeconds(10);
    /** Periods after start before this node counts holders (its view of the holders is still filling). */
    static final int SETTLE_PERIODS = 10;

    private ReReplicationWiring() {}

    static ReReplicationService<PeerId> start(NodeRuntime runtime, ReplicationSection config, NodeServices services,
            FetchService fetches, ProviderSource providers, HoldingsExchange holdings, GossipHandle peers,
            NodeMessaging messaging, Clock clock, RandomGenerator random) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_WAIT).build();
        runtime.add("rereplication-http", http::shutdownNow);
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        runtime.add("rereplication-workers", workers::shutdownNow);
        ReReplicationService.Network<PeerId> network = new ReReplicationService.Network<>() {
            private final Map<PeerId, Optional<URI>> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public List<Bytes32> known() {
                return holdings.book().contentKeys();
            }

            @Override
            public CompletableFuture<List<PeerId>> holders(Bytes32 id) {
                return providers.providers(id).toCompletableFuture().thenApply(list -> {
                    list.forEach(p -> endpoints.put(p.peer(), p.http()));
                    java.util.LinkedHashSet<PeerId> all = new java.util.LinkedHashSet<>();
                    list.forEach(p -> all.add(p.peer()));
                    holdings.connectedHolders(id).forEach(h -> all.add(h.peer()));
                    return List.copyOf(all);
                });
            }

            @Override
            public int candidates(int holders) {
                return Math.max(1, messaging.directory().size() + 1 - holders);
            }

            @Override
            public CompletableFuture<Optional<ReReplicationService.Signed>> record(Bytes32 id, List<PeerId> holders) {
                return CompletableFuture.supplyAsync(() -> {
                    for (PeerId p : holders) {
                        Optional<URI> base = endpoints.getOrDefault(p, Optional.empty()).or(() -> messaging.directory().get(p)
                                .flatMap(info -> DhtWiring.httpUri(info.announcement().http(), List.of())));
                        if (base.isEmpty()) {
                            continue;
                        }
                        try {
                            Optional<String> manifest = new HttpNodeSource(base.get(), http, HTTP_WAIT).manifest(id);
                            if (manifest.isPresent()) {
                                ManifestCodec.Decoded m = ManifestCodec.decode(manifest.get());
                                String name = m.name() == null ? "" : m.name();
                                return Optional.of(new ReReplicationService.Signed(m.version(), name));
                            }
                        } catch (IOException | RuntimeException e) {
                            NodeLog.warn("rereplication", "record_fetch_failed", Map.of("datastore_id", id.toHex(),
                                    "peer_id", p.toHex(), "error", String.valueOf(e.getMessage())));
                        }
                    }
                    return Optional.empty();
                }, workers);
            }

            @Override
            public PeerLink<PeerId> link(BiConsumer<PeerId, FetchResponse> sink) {
                return new NetPeerLink(peers, messaging).deliverTo(sink);
            }
        };
        ReReplicationService.Volunteering volunteering = new ReReplicationService.Volunteering() {
            @Override
            public boolean replicates() {
                return config.enabled();
            }

            @Override
            public long roomBytes() {
                return messaging.announcement().capacityFreeBytes();
            }

            @Override
            public boolean keeps(DatastoreVersion version, String name) {
                return runtime.replication == null || runtime.replication.keeps(version, name);
            }

            @Override
            public boolean takesEverything() {
                return runtime.replication != null && runtime.replication.policy().takesEverything();
            }

            @Override
            public void fetching(DatastoreVersion version, int holders) {
                NodeLog.info("rereplication", "rereplication_fetch_began", Map.of("datastore_id", version.datastoreId().toHex(),
                        "version", version.version(), "total_size", version.totalSize(), "holders", holders));
                if (runtime.replication != null) {
                    runtime.replication.replicating(version);
                }
            }
        };
        ReReplicationService<PeerId> service = new ReReplicationService<>(services.datastores(), fetches,
                new ReplicaRepair(config.rereplication(), clock, random), network, volunteering, workers, clock,
                SETTLE_PERIODS * config.rereplicationPeriodSecs() * 1000);
        long every = Math.max(1_000, config.rereplicationPeriodSecs() * 500);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("rereplication-tick").daemon().factory());
        ticks.scheduleWithFixedDelay(() -> {
            try {
                service.tick();
            } catch (RuntimeException e) {
                NodeLog.error("rereplication", "rereplication_tick_failed", Map.of(), e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        runtime.add("rereplication-tick", ticks::shutdownNow);
        return service;
    }
}
