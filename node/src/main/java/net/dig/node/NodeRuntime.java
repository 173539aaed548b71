package net.dig.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.api.ApiConfig;
import net.dig.api.ApiServer;
import net.dig.core.BuildVersion;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.net.GossipHandle;
import net.dig.net.GossipService;
import net.dig.net.NetPeerLink;
import net.dig.net.NodeMessaging;
import net.dig.service.Holders;
import net.dig.service.NodeServices;
import net.dig.service.ProviderSource;
import net.dig.storage.StorageEngine;
import net.dig.wire.NodePayload;

/**
 * A running node: the services {@code dig-node start} brings up, in order, and takes down in reverse.
 *
 * <p>Services, each an {@link AutoCloseable} pushed onto a stack as soon as it has started:
 * <ol>
 *   <li>metrics: the node's one {@code MeterRegistry} (Prometheus), to which every module binds its
 *       meters ({@code NodeServices} the storage, cache and proof meters, the API its HTTP meters,
 *       {@link GossipMetrics} gossip's) and which the API's metrics port scrapes;</li>
 *   <li>storage: the {@code StorageEngine} over the configured plot directories and index, and the
 *       application services over it ({@code net.dig.service.NodeServices});</li>
 *   <li>HTTP API ({@code net.dig.api.ApiServer}) on {@code api.listen_address}, metrics and
 *       {@code /health} on {@code monitoring.metrics_port}, showing gossip's peers.</li>
 *   <li>gossip ({@code net.dig.net.GossipService}) on {@code network.listen_address}
 *       ({@link GossipWiring}: outbound only toward {@code bootstrap_nodes}), with the signed node
 *       messages on, announcing the HTTP API's bound port once the API runs;</li>
 * </ol>
 *
 * <p>Failure modes: if a service fails to start, the ones already started are closed (reverse
 * order) and the error propagates, so a half-started node never keeps running. {@link #close} is
 * idempotent and safe from a signal handler thread and a shutdown hook at once: the first caller
 * closes, logging each failure, then logs {@code node_stopped}.
 *
 * <p>Concurrency: built and started on the main thread; {@link #close} may run on any thread.
 */
final class NodeRuntime implements AutoCloseable {
    private final Deque<Named> started = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Clock clock;
    private final long startedNanos;
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private NodeServices services;
    private net.dig.net.HoldingsExchange holdings;
    private TombstoneWiring tombstones;
    private HandleWiring handles;
    private NodeConfig config;
    private ApiServer api;
    private volatile ConfigReload reload;
    /** The operating mode the announcements say: the configured one, switched by a reload. */
    private final AtomicReference<String> mode = new AtomicReference<>();
    /** The node's signed messages (tests wait on its directory of announced peers). */
    volatile NodeMessaging nodeMessages;
    /** The node's push propagation (tests read its fetches). */
    volatile net.dig.service.ReplicationService<net.dig.gossip.PeerId> replication;
    /** The node's one fetch service, shared by replication and the repairs (tests read its sessions). */
    volatile net.dig.service.FetchService fetches;
    /** The node's repairs (tests check they fetch through {@link #fetches}). */
    volatile net.dig.service.CapsuleRepair<net.dig.gossip.PeerId> repairs;
    /** The node's validator role, null when {@code validation.enabled} is off (tests challenge through it). */
    volatile net.dig.service.ValidatorService<net.dig.gossip.PeerId> validator;
    /** The node's re-replication (tests read its fetches). */
    volatile net.dig.service.ReReplicationService<net.dig.gossip.PeerId> rereplication;
    /** Cache mode's read-through, null in other modes (tests check what it keeps). */
    volatile net.dig.service.CacheMode cache;

    private record Named(String name, AutoCloseable service) {}

    /** At most this many holders in a 404 answer for a datastore the node does not hold. */
    static final int HOLDERS_LISTED = 16;

    private NodeRuntime(Clock clock) {
        this.clock = clock;
        this.startedNanos = clock.nanos();
    }

    static NodeRuntime start(DigNodeCommand.NodeContext ctx, NodeIdentity identity, Clock clock) {
        return start(ctx, identity, clock, clock);
    }

    /** {@link #start(DigNodeCommand.NodeContext, NodeIdentity, Clock)} with cache mode's policy on its own clock (tests advance it alone). */
    static NodeRuntime start(DigNodeCommand.NodeContext ctx, NodeIdentity identity, Clock clock, Clock cacheClock) {
        NodeRuntime runtime = new NodeRuntime(clock);
        NodeConfig config = ctx.config();
        try {
            runtime.facts.put("version", BuildVersion.current());
            runtime.facts.put("data_dir", ctx.home().dir().toString());
            runtime.facts.put("config", ctx.configSource().map(Object::toString).orElse("built-in defaults"));
            runtime.facts.put("mode", config.node().mode().label());
            runtime.mode.set(config.node().mode().label());
            runtime.facts.put("plots_dirs", ctx.home().plotDirs(config).stream().map(Object::toString).toList());
            runtime.facts.put("network_id", config.network().networkId());
            ApiConfig apiConfig = apiConfig(ctx); // config errors (token file, cache size) before anything starts
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            runtime.add("metrics", registry::close);
            StorageEngine storage = StorageWiring.startServices(runtime, ctx, identity, clock);
            NodeServices services = NodeServices.open(storage, identity, clock, ApiServer.serviceSettings(apiConfig));
            runtime.add("services", services);
            services.useRewardRate(config.economic().rewardPerTbDay());
            services.bindTo(registry);
            GossipService gossip = new GossipService(GossipWiring.gossipConfig(ctx), clock, new SecureRandom());
            AtomicReference<NodePayload.HttpEndpoint> http =
                    new AtomicReference<>(GossipWiring.httpEndpoint(config, config.api().listenAddress().port()));
            NodeMessaging nodeMessages = GossipWiring.nodeMessages(gossip, ctx, identity, storage, http::get, runtime.mode::get);
            runtime.services = services;
            DhtWiring dht = DhtWiring.enable(gossip, nodeMessages.directory());
            services.useHolders(new Holders(dht, nodeMessages.directory()::get, HOLDERS_LISTED));
            dht.rankBy(services::attestedReputation);
            runtime.holdings = HoldingsWiring.holdings(gossip, storage);
            GossipHandle peers = gossip.start();
            dht.announce(storage).bindTo(registry);
            runtime.add("gossip", gossip::stop);
            runtime.tombstones = new TombstoneWiring(peers, nodeMessages, services.datastores(), identity, clock,
                    TombstoneWiring.outbox(ctx.home(), clock));
            runtime.add("tombstones", runtime.tombstones);
            runtime.handles = new HandleWiring(peers, nodeMessages, services.handles());
            runtime.add("handles", runtime.handles);
            runtime.fact("p2p", config.network().listenAddress().host() + ":" + gossip.listenAddress().getPort());
            runtime.fact("p2p_port", gossip.listenAddress().getPort());
            runtime.fact("peer_id", gossip.peerId().toHex());
            runtime.nodeMessages = nodeMessages;
            runtime.fetches = ReplicationWiring.fetchService(services, new SecureRandom());
            runtime.replication = ReplicationWiring.start(runtime, ctx, services, runtime.fetches, peers, nodeMessages);
            ReplicationWiring.applyModes(runtime.replication, config, clock);
            // capsules found bad are fetched again from the holders the DHT finds, over the peer connections
            runtime.repairs = RepairWiring.start(runtime, services, runtime.fetches,
                    RepairWiring.transport(dht, sink -> new NetPeerLink(peers, nodeMessages).deliverTo(sink)), registry);
            runtime.rereplication = ReReplicationWiring.start(runtime, config.network().replication(), services,
                    runtime.fetches, dht, runtime.holdings, peers, nodeMessages, clock, new SecureRandom());
            runtime.cache = CacheModeWiring.start(runtime, ctx, services, storage, runtime.fetches, dht, runtime.holdings.book(),
                    gossip.peerId(), peers, nodeMessages, cacheClock).orElse(null);
            TieringWiring.start(runtime, config.storage().tiering(), services);
            runtime.validator = ValidationWiring.start(runtime, config, services, identity, peers, nodeMessages, runtime.holdings, clock,
                    new SecureRandom());
            GossipMetrics.bind(registry, peers, clock);
            ApiServer api = ApiServer.start(apiConfig, services, clock, dht.directory(GossipWiring.peerDirectory(peers, nodeMessages.directory(),
                    services::attestedReputation)), registry,
                    BuildVersion.current());
            runtime.add("api", api);
            runtime.api = api;
            runtime.config = config;
            runtime.fact("api", config.api().listenAddress().host() + ":" + api.port());
            runtime.fact("api_port", api.port());
            http.set(GossipWiring.httpEndpoint(config, api.port()));
            nodeMessages.refresh();
            runtime.fact("metrics_port", api.metricsPort());
            // Replication will register its validators and handlers here (peers.registerValidator,
            // peers.subscribe) for the node's own message family.
        } catch (Throwable e) { // Netty rethrows a failed bind's checked BindException undeclared
            runtime.closeServices();
            throw e;
        }
        NodeLog.info("node", "node_started", runtime.facts);
        return runtime;
    }

    /**
     * The HTTP API's settings from the node config: {@code api.listen_address}; metrics and
     * {@code /health} on {@code api.metrics_listen_address}, else on the API's host at
     * {@code monitoring.metrics_port}; the admin token ({@code api.admin_token} or the content of
     * {@code api.admin_token_file}) and {@code api.open_push}; the seed's rate limits; the RAM tier
     * sized by {@code api.cache_size} and the disk tier under {@code storage.cache_dir}, bounded by
     * {@code api.disk_cache_size}; the validators it answers ({@code api.validator_keys}); the push spool's
     * bounds ({@code api.push}); its own state ({@code handles.sqlite}, the push spool) in the home.
     */
    static ApiConfig apiConfig(DigNodeCommand.NodeContext ctx) {
        NodeConfig config = ctx.config();
        NodeConfig.ApiSection api = config.api();
        HostPort listen = api.listenAddress();
        HostPort metrics = api.metricsListen().orElse(new HostPort(listen.host(), config.monitoring().metricsPort()));
        NodeConfig.RateLimits limits = api.rateLimits();
        return ApiConfig.builder(ctx.home().dir()).listen(listen.host(), listen.port())
                .metricsListen(metrics.host(), metrics.port())
                .admin(adminToken(ctx).orElse(null), api.openPush())
                .validatorKeys(java.util.Set.copyOf(api.validatorKeys().stream().map(String::strip).toList()))
                .rateLimits(limits.capsuleRetrieval(), limits.validationChallenge(), limits.apiRequests())
                .caches(l1CacheBytes(api.cacheSize(), Runtime.getRuntime().maxMemory()),
                        ctx.home().cacheDir(config).resolve("http"), api.diskCacheSize().bytes())
                .push(api.push().limits())
                .build();
    }

    /** {@code api.cache_size} in bytes; an absolute size must leave the heap room to run (at most 90 %). */
    static long l1CacheBytes(NodeConfig.CacheSize cacheSize, long maxHeap) {
        long bytes = cacheSize.bytes(maxHeap);
        if (bytes > maxHeap * (NodeConfig.CacheSize.MAX_PERCENT / 100.0)) {
            throw new ConfigException("api.cache_size", "is " + bytes + " bytes, more than 90% of the maximum heap ("
                    + maxHeap + " bytes); give a percentage or a smaller size");
        }
        return bytes;
    }

    /** The admin token from {@code api.admin_token} or {@code api.admin_token_file}; never logged. */
    static java.util.Optional<String> adminToken(DigNodeCommand.NodeContext ctx) {
        NodeConfig.ApiSection api = ctx.config().api();
        if (api.adminToken() != null) {
            return java.util.Optional.of(api.adminToken());
        }
        if (api.tokenFile().isEmpty()) {
            return java.util.Optional.empty();
        }
        java.nio.file.Path file = ctx.home().resolve(api.adminTokenFile());
        String token;
        try {
            token = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new ConfigException("api.admin_token_file", "cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        return java.util.Optional.of(NodeConfig.ApiSection.checkToken("api.admin_token_file", token));
    }

    /**
     * Makes {@code POST /admin/reload} and {@link #reload()} re-read the config with {@code load}
     * (the same file, environment and flags the node started with); see {@link ConfigReload}.
     */
    void reloadWith(java.util.function.Supplier<NodeConfig> load) {
        ConfigReload r = new ConfigReload(config, load, api, next -> {
            ReplicationWiring.applyModes(replication, next, clock);
            mode.set(next.node().mode().label());
            nodeMessages.refresh();
        });
        reload = r;
        api.onReload(r::reload);
    }

    /** A reload asked for by SIGHUP: applied, or logged as failed; a no-op before {@link #reloadWith}. */
    void reload() {
        ConfigReload r = reload;
        if (r != null) {
            r.reloadLogged();
        }
    }

    /** Registers a started service, to be closed before everything registered earlier. */
    void add(String name, AutoCloseable service) {
        started.push(new Named(name, service));
    }

    /** The application services the HTTP API serves (null before {@link #start} has built them). */
    NodeServices services() {
        return services;
    }

    /** A fact reported in the {@code node_started} event (e.g. the API's bound address). */
    void fact(String key, Object value) {
        facts.put(key, value);
    }

    /** What peers said they hold, and this node's own holdings announcements. */
    net.dig.net.HoldingsExchange holdings() {
        return holdings;
    }

    /** The handle namespace over the peer connections. */
    HandleWiring handles() {
        return handles;
    }

    /** Owner deletion everywhere: this node's tombstones out, peers' tombstones in. */
    TombstoneWiring tombstones() {
        return tombstones;
    }

    Map<String, Object> facts() {
        return Map.copyOf(facts);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeServices();
        NodeLog.info("node", "node_stopped", Map.of("uptime_ms", (clock.nanos() - startedNanos) / 1_000_000));
    }

    private void closeServices() {
        while (!started.isEmpty()) {
            Named s = started.pop();
            try {
                s.service().close();
            } catch (Exception e) {
                NodeLog.error("node", "service_close_failed", Map.of("service", s.name()), e);
            }
        }
    }
}
