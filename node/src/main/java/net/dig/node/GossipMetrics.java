package net.dig.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import net.dig.core.Clock;
import net.dig.gossip.CompactBlockStats;
import net.dig.gossip.DandelionStats;
import net.dig.gossip.ErlayReconciler;
import net.dig.gossip.LaneStats;
import net.dig.gossip.PlumtreeStats;
import net.dig.net.GossipHandle;
import net.dig.net.GossipStats;

/**
 * Gossip's {@code stats()} as Prometheus meters: the priority lanes (queue depth per lane, bytes
 * queued, sends per lane, drops per reason), the Plumtree router, ERLAY, compact blocks, Dandelion++,
 * and messages and bytes per direction.
 *
 * <pre>
 * gossip_lane_queue_depth{lane=critical|normal|delayed_normal|bulk}   gauge, open connections
 * gossip_lane_queued_bytes                                           gauge
 * gossip_lane_sent_total{lane=critical|normal|bulk}                   counter
 * gossip_lane_dropped_total{reason=duplicate_transaction|bulk_backpressure|lane_full}
 * gossip_lane_bulk_guard_released_total   bulk messages let ahead by the starvation guard
 * gossip_lane_normal_delayed_total        normal messages held by backpressure
 * gossip_lane_critical_overflows_total    connections closed because a critical lane was full
 * gossip_plumtree_peers{set=eager|lazy}, gossip_plumtree_{seen,cached,missing}_messages   gauges
 * gossip_plumtree_{delivered,duplicates,payloads_sent,prunes_sent,grafts_sent,announcements_sent,penalties}_total
 * gossip_plumtree_requests_total{result=served|refused}
 * gossip_messages_total{direction=in|out}, gossip_traffic_bytes_total{direction=in|out}
 * gossip_relay_connected (1 while registered with a relay), gossip_relay_peers (sessions through it)   gauges
 * gossip_erlay_{rounds,decoded,extensions,failures,wrong_decodes}_total, gossip_erlay_announcements_total{kind=flooded|reconciled}
 * gossip_compact_blocks_{received,reconstructed,extra_round_trips,full_block_fallbacks,collisions}_total
 * gossip_dandelion_{stemmed,fluffed,embargoes_fired}_total
 * </pre>
 *
 * <p>Counters never go down: gossip keeps the lane counters of closed connections. One snapshot
 * serves a whole scrape: it is taken again only when the last one is older than a second (injected
 * clock). While gossip is not running the last snapshot stays. The gauges hold this object strongly
 * (nothing else does, and Micrometer's default weak reference turned every gauge into NaN at the first
 * collection); the function counters, which Micrometer only lets hold it weakly, rely on that.
 * Thread-safe.
 */
final class GossipMetrics {
    private static final long SNAPSHOT_NANOS = 1_000_000_000L;
    private static final GossipStats NOTHING_YET = new GossipStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, 0,
            LaneStats.NONE, new PlumtreeStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ErlayReconciler.Stats.NONE,
            CompactBlockStats.NONE, DandelionStats.NONE);

    private final Supplier<Optional<GossipStats>> source;
    private final Clock clock;
    private GossipStats last = NOTHING_YET;
    private long takenAtNanos;
    private boolean taken;

    private GossipMetrics(Supplier<Optional<GossipStats>> source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    static void bind(MeterRegistry registry, GossipHandle gossip, Clock clock) {
        bind(registry, () -> Optional.ofNullable(gossip.stats().exceptionally(e -> null).getNow(null)), clock);
    }

    static void bind(MeterRegistry registry, Supplier<Optional<GossipStats>> source, Clock clock) {
        GossipMetrics m = new GossipMetrics(source, clock);
        m.laneGauge(registry, "critical", LaneStats::criticalDepth);
        m.laneGauge(registry, "normal", LaneStats::normalDepth);
        m.laneGauge(registry, "delayed_normal", LaneStats::delayedNormalDepth);
        m.laneGauge(registry, "bulk", LaneStats::bulkDepth);
        Gauge.builder("gossip_lane_queued", m, x -> x.current().lanes().queuedBytes()).strongReference(true).baseUnit("bytes")
                .description("bytes waiting in the priority lanes of open connections").register(registry);
        m.laneCounter(registry, "gossip_lane_sent", "lane", "critical", LaneStats::sentCritical);
        m.laneCounter(registry, "gossip_lane_sent", "lane", "normal", LaneStats::sentNormal);
        m.laneCounter(registry, "gossip_lane_sent", "lane", "bulk", LaneStats::sentBulk);
        m.laneCounter(registry, "gossip_lane_dropped", "reason", "duplicate_transaction", LaneStats::droppedDuplicateTransactions);
        m.laneCounter(registry, "gossip_lane_dropped", "reason", "bulk_backpressure", LaneStats::droppedBulk);
        m.laneCounter(registry, "gossip_lane_dropped", "reason", "lane_full", LaneStats::droppedLaneFull);
        m.laneCounter(registry, "gossip_lane_bulk_guard_released", null, null, LaneStats::bulkSentByStarvationGuard);
        m.laneCounter(registry, "gossip_lane_normal_delayed", null, null, LaneStats::delayedNormal);
        m.laneCounter(registry, "gossip_lane_critical_overflows", null, null, LaneStats::criticalOverflows);

        m.gauge(registry, "gossip_plumtree_peers", "set", "eager", s -> s.plumtree().eagerPeers());
        m.gauge(registry, "gossip_plumtree_peers", "set", "lazy", s -> s.plumtree().lazyPeers());
        m.gauge(registry, "gossip_plumtree_seen_messages", null, null, s -> s.plumtree().seenMessages());
        m.gauge(registry, "gossip_plumtree_cached_messages", null, null, s -> s.plumtree().cachedMessages());
        m.gauge(registry, "gossip_plumtree_missing_messages", null, null, s -> s.plumtree().missingMessages());
        m.counter(registry, "gossip_plumtree_delivered", null, null, s -> s.plumtree().delivered());
        m.counter(registry, "gossip_plumtree_duplicates", null, null, s -> s.plumtree().duplicates());
        m.counter(registry, "gossip_plumtree_payloads_sent", null, null, s -> s.plumtree().payloadsSent());
        m.counter(registry, "gossip_plumtree_prunes_sent", null, null, s -> s.plumtree().prunesSent());
        m.counter(registry, "gossip_plumtree_grafts_sent", null, null, s -> s.plumtree().graftsSent());
        m.counter(registry, "gossip_plumtree_announcements_sent", null, null, s -> s.plumtree().announcementsSent());
        m.counter(registry, "gossip_plumtree_requests", "result", "served", s -> s.plumtree().requestsServed());
        m.counter(registry, "gossip_plumtree_requests", "result", "refused", s -> s.plumtree().requestsRefused());
        m.counter(registry, "gossip_plumtree_penalties", null, null, s -> s.plumtree().penalties());

        m.counter(registry, "gossip_erlay_rounds", null, null, s -> s.erlay().rounds());
        m.counter(registry, "gossip_erlay_decoded", null, null, s -> s.erlay().decoded());
        m.counter(registry, "gossip_erlay_extensions", null, null, s -> s.erlay().extensions());
        m.counter(registry, "gossip_erlay_failures", null, null, s -> s.erlay().failures());
        m.counter(registry, "gossip_erlay_wrong_decodes", null, null, s -> s.erlay().wrongDecodes());
        m.counter(registry, "gossip_erlay_announcements", "kind", "flooded", s -> s.erlay().flooded());
        m.counter(registry, "gossip_erlay_announcements", "kind", "reconciled", s -> s.erlay().reconciledAnnouncements());
        m.counter(registry, "gossip_compact_blocks_received", null, null, s -> s.compactBlocks().compactBlocksReceived());
        m.counter(registry, "gossip_compact_blocks_reconstructed", null, null, s -> s.compactBlocks().reconstructedFromMempool());
        m.counter(registry, "gossip_compact_blocks_extra_round_trips", null, null, s -> s.compactBlocks().extraRoundTrips());
        m.counter(registry, "gossip_compact_blocks_full_block_fallbacks", null, null, s -> s.compactBlocks().fullBlockFallbacks());
        m.counter(registry, "gossip_compact_blocks_collisions", null, null, s -> s.compactBlocks().collisions());
        m.counter(registry, "gossip_dandelion_stemmed", null, null, s -> s.dandelion().stemmed());
        m.counter(registry, "gossip_dandelion_fluffed", null, null, s -> s.dandelion().fluffed());
        m.counter(registry, "gossip_dandelion_embargoes_fired", null, null, s -> s.dandelion().embargoesFired());

        m.gauge(registry, "gossip_relay_connected", null, null, s -> s.relayConnected() ? 1 : 0);
        m.gauge(registry, "gossip_relay_peers", null, null, GossipStats::relayPeerCount);
        m.counter(registry, "gossip_messages", "direction", "in", GossipStats::messagesReceived);
        m.counter(registry, "gossip_messages", "direction", "out", GossipStats::messagesSent);
        FunctionCounter.builder("gossip_traffic", m, x -> x.current().bytesReceived()).baseUnit("bytes")
                .tag("direction", "in").register(registry);
        FunctionCounter.builder("gossip_traffic", m, x -> x.current().bytesSent()).baseUnit("bytes")
                .tag("direction", "out").register(registry);
    }

    synchronized GossipStats current() {
        long now = clock.nanos();
        if (!taken || now - takenAtNanos >= SNAPSHOT_NANOS) {
            Optional<GossipStats> fresh = source.get();
            if (fresh.isPresent()) {
                last = fresh.get();
                takenAtNanos = now;
                taken = true;
            }
        }
        return last;
    }

    private void laneGauge(MeterRegistry registry, String lane, ToDoubleFunction<LaneStats> depth) {
        gauge(registry, "gossip_lane_queue_depth", "lane", lane, s -> depth.applyAsDouble(s.lanes()));
    }

    private void laneCounter(MeterRegistry registry, String name, String tag, String value, ToDoubleFunction<LaneStats> count) {
        counter(registry, name, tag, value, s -> count.applyAsDouble(s.lanes()));
    }

    private void gauge(MeterRegistry registry, String name, String tag, String value, ToDoubleFunction<GossipStats> f) {
        Gauge.Builder<GossipMetrics> b = Gauge.builder(name, this, x -> f.applyAsDouble(x.current())).strongReference(true);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }

    private void counter(MeterRegistry registry, String name, String tag, String value, ToDoubleFunction<GossipStats> f) {
        FunctionCounter.Builder<GossipMetrics> b = FunctionCounter.builder(name, this, x -> f.applyAsDouble(x.current()));
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }
}
