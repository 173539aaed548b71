package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.gossip.CompactBlockStats;
import net.dig.gossip.DandelionStats;
import net.dig.gossip.ErlayReconciler;
import net.dig.gossip.LaneStats;
import net.dig.gossip.PlumtreeStats;
import net.dig.net.GossipStats;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

class GossipMetricsTest {
    private static GossipStats stats(int bulkDepth, long droppedBulk, long duplicates) {
        LaneStats lanes = new LaneStats(1, 2, 3, bulkDepth, 4096, 10, 20, 30, 4, 5, 6, droppedBulk, 8, 9);
        PlumtreeStats plumtree = new PlumtreeStats(8, 4, 100, 50, 2, 1000, duplicates, 900, 12, 3, 400, 7, 1, 0);
        return new GossipStats(5, 4, 2, 2, 111, 222, 3333, 4444, 50, 100, false, 0, 0, 0, 0, 1, lanes, plumtree,
                new ErlayReconciler.Stats(40, 37, 5, 3, 0, 70, 90), new CompactBlockStats(11, 9, 2, 1, 0),
                new DandelionStats(13, 17, 4));
    }

    @Test
    void lanesPlumtreeAndTrafficAreScrapedFromOneSnapshotPerSecond() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ManualClock clock = new ManualClock();
        AtomicReference<Optional<GossipStats>> source = new AtomicReference<>(Optional.of(stats(3, 7, 60)));
        GossipMetrics.bind(registry, source::get, clock);
        System.gc(); // the registry is all that holds the meters' state: it must survive a collection

        String scrape = registry.scrape();
        assertThat(scrape).contains(
                "gossip_lane_queue_depth{lane=\"critical\"} 1.0",
                "gossip_lane_queue_depth{lane=\"delayed_normal\"} 3.0",
                "gossip_lane_queue_depth{lane=\"bulk\"} 3.0",
                "gossip_lane_queued_bytes 4096.0",
                "gossip_lane_sent_total{lane=\"bulk\"} 30.0",
                "gossip_lane_dropped_total{reason=\"duplicate_transaction\"} 6.0",
                "gossip_lane_dropped_total{reason=\"bulk_backpressure\"} 7.0",
                "gossip_lane_dropped_total{reason=\"lane_full\"} 8.0",
                "gossip_lane_bulk_guard_released_total 4.0",
                "gossip_lane_normal_delayed_total 5.0",
                "gossip_lane_critical_overflows_total 9.0",
                "gossip_plumtree_peers{set=\"eager\"} 8.0",
                "gossip_plumtree_peers{set=\"lazy\"} 4.0",
                "gossip_plumtree_duplicates_total 60.0",
                "gossip_plumtree_prunes_sent_total 12.0",
                "gossip_plumtree_requests_total{result=\"refused\"} 1.0",
                "gossip_messages_total{direction=\"out\"} 111.0",
                "gossip_traffic_bytes_total{direction=\"in\"} 4444.0",
                "gossip_erlay_rounds_total 40.0",
                "gossip_erlay_decoded_total 37.0",
                "gossip_erlay_extensions_total 5.0",
                "gossip_erlay_failures_total 3.0",
                "gossip_erlay_announcements_total{kind=\"flooded\"} 70.0",
                "gossip_erlay_announcements_total{kind=\"reconciled\"} 90.0",
                "gossip_compact_blocks_received_total 11.0",
                "gossip_compact_blocks_reconstructed_total 9.0",
                "gossip_compact_blocks_extra_round_trips_total 2.0",
                "gossip_compact_blocks_full_block_fallbacks_total 1.0",
                "gossip_dandelion_stemmed_total 13.0",
                "gossip_dandelion_fluffed_total 17.0",
                "gossip_dandelion_embargoes_fired_total 4.0");

        source.set(Optional.of(stats(0, 9, 61)));
        assertThat(registry.scrape()).as("same snapshot within a second").contains("gossip_lane_queue_depth{lane=\"bulk\"} 3.0");
        clock.advance(Duration.ofSeconds(1));
        assertThat(registry.scrape()).contains("gossip_lane_queue_depth{lane=\"bulk\"} 0.0",
                "gossip_lane_dropped_total{reason=\"bulk_backpressure\"} 9.0", "gossip_plumtree_duplicates_total 61.0");

        source.set(Optional.empty()); // gossip stopped: the counters keep their last values
        clock.advance(Duration.ofSeconds(5));
        assertThat(registry.scrape()).contains("gossip_lane_dropped_total{reason=\"bulk_backpressure\"} 9.0");
    }
}
