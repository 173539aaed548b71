package net.dig.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.HoldingsBook;
import net.dig.gossip.PeerId;
import net.dig.net.GossipHandle;
import net.dig.net.NetPeerLink;
import net.dig.net.NodeMessaging;
import net.dig.service.CacheEviction;
import net.dig.service.CacheFetches;
import net.dig.service.CacheMode;
import net.dig.service.FetchService;
import net.dig.service.Holders;
import net.dig.service.ManifestCodec;
import net.dig.service.NodeServices;
import net.dig.service.ProviderSource;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.StorageEngine;

/**
 * Cache mode for a running node ({@code node.mode: cache}, {@code node.cache.*}, {@link CacheMode}): the
 * HTTP read path's misses go to a {@link CacheMode} whose policy ({@link CacheEviction}) is bounded by
 * {@code cache_size} of the plot directories' capacity at start (plot bytes + free space of their distinct
 * file systems, what the node announces), and counts holders from the holdings peers announced (other
 * than this node). A miss takes the latest version record from a holder's HTTP API (the holders the DHT
 * names, {@link Holders}; the record is verified before use), fetches it over the peer connections from
 * the providers the DHT finds, through the node's one {@link FetchService} (which lands plain), and a
 * {@code dig-cache} thread ticks the fetches, the time to live and the saving of the read counts every {@link #TICK}.
 * The kept list is {@link #KEPT} in the home, the read counts {@link #COUNTS} (saved once more at stop).
 *
 * <p>In any other mode nothing here runs and the misses stay 404 with holders.
 */
final class CacheModeWiring {
    static final Duration TICK = Duration.ofSeconds(1);
    /** The datastores cache mode fetched and keeps ({@link CacheMode}, "What the cache keeps"). */
    static final String KEPT = "cache-mode/kept";
    /** The read counts of cache mode's policy, kept across restarts ({@link CacheMode}, "Read counts across restarts"). */
    static final String COUNTS = "cache-mode/counts";
    private static final Duration MANIFEST_TIMEOUT = Duration.ofSeconds(10);

    private CacheModeWiring() {}

    /** Starts cache mode when {@code node.mode} is {@code cache}; empty otherwise. Stopped when the runtime closes. */
    static Optional<CacheMode> start(NodeRuntime runtime, DigNodeCommand.NodeContext ctx, NodeServices services, StorageEngine storage,
            FetchService fetches, ProviderSource providers, HoldingsBook holdings, PeerId self, GossipHandle peers,
            NodeMessaging messaging, Clock clock) {
        NodeConfig config = ctx.config();
        if (config.node().mode() != NodeConfig.Mode.CACHE) {
            return Optional.empty();
        }
        CacheModeSection section = config.node().cache();
        long capacity = section.bytes(storage.plotBytesOnDisk() + freePlotSpace(storage));
        CacheEviction<Bytes32> policy = new CacheEviction<>(
                new CacheEviction.Settings(section.ttl(), section.minProviders(), capacity),
                id -> (int) holdings.holders(id).stream().filter(h -> !h.peer().equals(self)).count());
        ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dig-cache-", 0).factory());
        HttpClient http = HttpClient.newBuilder().connectTimeout(MANIFEST_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .executor(workers).build();
        Holders holders = services.holders();
        CacheFetches<PeerId> source = new CacheFetches<>(fetches,
                id -> holders.lookup(id).thenApplyAsync(found -> latest(found, id, http), workers),
                id -> providers.providers(id).thenApply(l -> l.stream().map(ProviderSource.Provider::peer).distinct().toList()),
                sink -> new NetPeerLink(peers, messaging).deliverTo(sink), workers, clock);
        CacheMode cache = new CacheMode(policy, services.datastores(), fetches.config(), source, clock, workers,
                ctx.home().dir().resolve(KEPT), ctx.home().dir().resolve(COUNTS));
        services.content().useReadThrough(cache);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("dig-cache").daemon().factory());
        runtime.add("cache-mode-http", http::shutdownNow);
        runtime.add("cache-mode", () -> {
            services.content().useReadThrough(net.dig.service.ContentService.ReadThrough.NONE);
            ticks.shutdown();
            workers.shutdown();
            if (!ticks.awaitTermination(30, TimeUnit.SECONDS) | !workers.awaitTermination(30, TimeUnit.SECONDS)) {
                ticks.shutdownNow();
                workers.shutdownNow();
            }
            cache.close();
            http.close();
        });
        ticks.scheduleWithFixedDelay(() -> {
            try {
                source.tick();
                cache.tick();
            } catch (RuntimeException e) {
                NodeLog.error("cache", "cache_tick_failed", Map.of(), e);
            }
        }, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        NodeLog.info("cache", "cache_mode_started", Map.of("cache_bytes", capacity, "ttl_hours", section.ttlHours(),
                "min_providers", section.minProviders()));
        return Optional.of(cache);
    }

    /** Blocking: the version record of the first holder that serves a manifest of {@code id} that decodes; empty if none. */
    private static Optional<DatastoreVersion> latest(List<Holders.Holder> found, Bytes32 id, HttpClient http) {
        for (Holders.Holder h : found) {
            try {
                Optional<String> text = new HttpNodeSource(URI.create(h.url()), http, MANIFEST_TIMEOUT).manifest(id);
                if (text.isPresent()) {
                    DatastoreVersion v = ManifestCodec.decode(text.get()).version();
                    if (v.datastoreId().equals(id) && v.idDerivationValid() && v.signatureValid()) {
                        return Optional.of(v);
                    }
                }
            } catch (IOException | RuntimeException e) {
                NodeLog.info("cache", "cache_holder_skipped", Map.of("holder", h.url(), "reason", String.valueOf(e.getMessage())));
            }
        }
        return Optional.empty();
    }

    /** The free space of the distinct file systems holding the plot directories (a missing directory offers none). */
    static long freePlotSpace(StorageEngine storage) {
        long free = 0;
        Set<FileStore> counted = new HashSet<>();
        for (Path dir : storage.config().plotDirs()) {
            try {
                FileStore store = Files.getFileStore(dir);
                free += counted.add(store) ? store.getUsableSpace() : 0;
            } catch (IOException unavailable) {
                // a missing or unreadable plot directory offers no space
            }
        }
        return free;
    }
}
