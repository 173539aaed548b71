package net.dig.node;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import net.dig.core.Bytes32;
import net.dig.gossip.PeerId;
import net.dig.service.CapsuleRepair;
import net.dig.service.FetchService;
import net.dig.service.FetchResponse;
import net.dig.service.NodeServices;
import net.dig.service.PeerLink;
import net.dig.service.ProviderSource;
import net.dig.service.RepairConfig;

/**
 * How the node runs its repairs ({@link CapsuleRepair}, docs/architecture.md §6 step 5): a virtual-thread
 * worker pool for the blocking work, a {@code dig-repair} thread ticking every {@link #TICK}, the damage
 * found before this start taken in by a scan, the meters bound. The peers come from a
 * {@link CapsuleRepair.Transport}: {@link #transport} builds one from the DHT's {@link ProviderSource} and a
 * fetch link of the peer network; until both run in the node, {@link #noProviders} stands in, and the
 * damage found waits (pending, retried with backoff) in {@code /node/status}.
 */
final class RepairWiring {
    static final Duration TICK = Duration.ofSeconds(1);

    private RepairWiring() {}

    /** Starts the repairs over {@code transport}, fetching through {@code fetches}; stopped (tick thread, then workers) when the runtime closes. */
    static <P> CapsuleRepair<P> start(NodeRuntime runtime, NodeServices services, FetchService fetches,
            CapsuleRepair.Transport<P> transport, MeterRegistry registry) {
        ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dig-repair-", 0).factory());
        CapsuleRepair<P> repair = services.capsuleRepair(fetches, transport, workers, RepairConfig.defaults());
        repair.bindTo(registry);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("dig-repair").daemon().factory());
        runtime.add("repairs", () -> {
            ticks.shutdown();
            workers.shutdown(); // no interrupt: an interrupted FileChannel write would close the channel
            if (!ticks.awaitTermination(30, TimeUnit.SECONDS) | !workers.awaitTermination(30, TimeUnit.SECONDS)) {
                ticks.shutdownNow();
                workers.shutdownNow();
            }
        });
        workers.execute(() -> {
            try {
                repair.scan();
            } catch (RuntimeException e) {
                NodeLog.error("repair", "repair_scan_failed", Map.of(), e);
            }
        });
        ticks.scheduleWithFixedDelay(() -> {
            try {
                repair.tick();
            } catch (RuntimeException e) {
                NodeLog.error("repair", "repair_tick_failed", Map.of(), e);
            }
        }, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return repair;
    }

    /** Repairs' peers: the providers {@code source} finds, reached through the links {@code links} makes. */
    static CapsuleRepair.Transport<PeerId> transport(ProviderSource source,
            Function<BiConsumer<PeerId, FetchResponse>, PeerLink<PeerId>> links) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(links, "links");
        return new CapsuleRepair.Transport<>() {
            @Override
            public CompletionStage<List<PeerId>> providers(Bytes32 datastoreId) {
                return source.providers(datastoreId).thenApply(l -> l.stream().map(ProviderSource.Provider::peer).distinct().toList());
            }

            @Override
            public PeerLink<PeerId> link(BiConsumer<PeerId, FetchResponse> sink) {
                return links.apply(sink);
            }
        };
    }

    /** A transport that knows no provider: every attempt waits (tests). */
    static CapsuleRepair.Transport<PeerId> noProviders() {
        return transport(id -> CompletableFuture.completedFuture(List.of()), sink -> {
            throw new IllegalStateException("no provider, so no fetch link is needed");
        });
    }
}
