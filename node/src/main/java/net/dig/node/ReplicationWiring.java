package net.dig.node;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.dig.gossip.PeerId;
import net.dig.net.CapsuleServing;
import net.dig.net.GossipHandle;
import net.dig.net.NodeMessaging;
import net.dig.net.PeerReplication;
import net.dig.service.FetchConfig;
import java.util.List;
import net.dig.service.FetchService;
import net.dig.service.HoldingReview;
import net.dig.service.NodeServices;
import net.dig.service.OfferedVersions;
import net.dig.service.ReadRatesFile;
import net.dig.service.ReplicationService;
import net.dig.storage.Compression;

/**
 * How the node serves capsules to peers and replicates datastores over the peer network
 * (docs/decisions.md D40b), from {@code network.replication}: peers' capsule and metadata requests are
 * answered by {@link CapsuleServing} on a bounded worker pool (a full pool refuses with a retry), paced by
 * the upload budget {@code upload_per_peer} / {@code upload_global} / {@code upload_burst}; every version
 * committed here is offered to the peers, and their offers are answered and fetched
 * ({@code enabled}) in 1 MiB windows; running fetches are ticked every {@link #TICK} so a stalled provider
 * is dropped, and the same tick offers the versions not yet offered (marks under {@link #OFFERED} in the
 * home: a version added while the node was stopped goes out on its next start) and resumes the fetches a
 * restart left staged. The free space offered in replies is the node's announced free space. Offers are
 * decided by the operating mode ({@link #applyModes}); the holders a scorer sees are those of the holdings
 * announcements, the request rate the HTTP reads of the datastore ({@code ReadRates}), kept across restarts under
 * {@link #READ_RATES} (saved by the same tick at most once a minute, and at stop).
 */
final class ReplicationWiring {
    static final Duration TICK = Duration.ofSeconds(1);
    /** Where a home keeps the latest version of each datastore offered to peers ({@link OfferedVersions}). */
    static final String OFFERED = "replication/offered";
    /** Where a home keeps the latest version of each datastore a replication fetch landed (what a mode may evict). */
    static final String TAKEN = "replication/taken";
    /** Where a home keeps the read rates of datastores across restarts ({@link ReadRatesFile}). */
    static final String READ_RATES = "replication/read-rates";
    private static final int SERVING_THREADS = 4;
    private static final int SERVING_QUEUE = 256;

    private ReplicationWiring() {}

    /**
     * The node's one fetch service: replication's fetches and the repairs' share its staging root and its
     * window budget ({@link #start}, {@link RepairWiring#start}). The staging areas a stop left beside
     * versions already stored are deleted here, before any peer is connected ({@link FetchService#discardLanded}).
     */
    static FetchService fetchService(NodeServices services, RandomGenerator random) {
        FetchService fetches = services.fetchService(new FetchConfig(ReplicationSection.WINDOW_BYTES, 2, 8,
                Duration.ofSeconds(30), 1_000_000, Compression.NONE), random);
        fetches.discardLanded();
        String killAt = System.getProperty(KILL_AT);
        if (killAt != null) {
            armKillPoint(fetches, killAt);
        }
        return fetches;
    }

    /**
     * A JVM property for crash tests only (no node.yaml key; unset, nothing happens): {@code <step>:<n>}
     * makes the process kill itself with SIGKILL at the {@code n}-th fetch step {@code step} of this run
     * ({@link FetchService#observe}), at that exact point, the session's lock held.
     */
    static final String KILL_AT = "dig.test.kill_at";

    private static void armKillPoint(FetchService fetches, String at) {
        int colon = at.lastIndexOf(':');
        String step = at.substring(0, colon);
        int n = Integer.parseInt(at.substring(colon + 1));
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        fetches.observe(s -> {
            if (s.equals(step) && seen.incrementAndGet() == n) {
                NodeLog.info("replication", "kill_point", java.util.Map.of("at", at));
                try {
                    new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
                } catch (java.io.IOException | InterruptedException e) {
                    // halt below
                }
                Runtime.getRuntime().halt(137);
            }
        });
    }

    /**
     * Makes {@code replication} decide offers by the mode of {@code config} ({@link ModesSection}) and evicts,
     * through the storage layer's crash-safe eviction, the datastores taken from peers that it no longer keeps
     * (at start, and at a reload that changes a mode key). Blocks until the review is done.
     */
    static void applyModes(ReplicationService<PeerId> replication, NodeConfig config, net.dig.core.Clock clock) {
        replication.usePolicy(ModesSection.policy(config.node(), clock));
        List<HoldingReview.Evicted> evicted = replication.reviewHoldings();
        NodeLog.info("replication", "holdings_reviewed", java.util.Map.of("mode", config.node().mode().label(),
                "evicted", evicted.stream().map(e -> e.datastoreId().toHex() + " " + e.reason()).toList()));
    }

    static ReplicationService<PeerId> start(NodeRuntime runtime, DigNodeCommand.NodeContext ctx, NodeServices services,
            FetchService fetches, GossipHandle peers, NodeMessaging messaging) {
        ReplicationSection config = ctx.config().network().replication();
        ThreadPoolExecutor serving = new ThreadPoolExecutor(SERVING_THREADS, SERVING_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(SERVING_QUEUE), Thread.ofPlatform().name("capsule-serving-", 0).daemon().factory());
        runtime.add("capsule-serving-pool", serving::shutdownNow);
        ExecutorService fetching = Executors.newVirtualThreadPerTaskExecutor();
        runtime.add("fetch-workers", fetching::shutdownNow);
        CapsuleServing capsules = CapsuleServing.start(peers, messaging,
                services.capsuleWindows(config.budget(), ReplicationSection.WINDOW_BYTES), serving);
        runtime.add("capsule-serving", capsules);
        PeerReplication transport = new PeerReplication(peers, messaging, fetching);
        runtime.add("replication", transport);
        ReplicationService<PeerId> replication = services.replication(fetches, transport, fetching, config.enabled(),
                () -> messaging.announcement().capacityFreeBytes());
        replication.keepOfferedIn(OfferedVersions.open(ctx.home().dir().resolve(OFFERED)));
        net.dig.net.HoldingsExchange holdings = runtime.holdings();
        OfferedVersions taken = OfferedVersions.open(ctx.home().dir().resolve(TAKEN));
        replication.keepTakenIn(taken, services.holdingFacts(id -> holdings == null ? 0 : holdings.book().holders(id).size()));
        services.useTakenMarks(taken);
        transport.serve(replication);
        ReadRatesFile rates = services.keepReadRatesIn(ctx.home().dir().resolve(READ_RATES));
        runtime.add("read-rates", rates);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("replication-tick").daemon().factory());
        ticks.scheduleWithFixedDelay(() -> {
            try {
                rates.tick();
                replication.tick();
            } catch (RuntimeException e) {
                NodeLog.error("replication", "replication_tick_failed", java.util.Map.of(), e);
            }
        }, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        runtime.add("replication-tick", ticks::shutdownNow);
        return replication;
    }
}
