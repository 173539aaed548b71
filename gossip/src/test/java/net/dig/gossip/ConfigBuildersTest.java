package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one copy mechanism of gossip's config records: a copy keeps every other value and is validated like a new record. */
class ConfigBuildersTest {
    @Test
    void plumtreeConfigCopiesChangeOneValueAndAreValidated() {
        PlumtreeConfig d = PlumtreeConfig.defaults();
        assertThat(d.toBuilder().build()).isEqualTo(d);
        assertThat(PlumtreeConfig.builder().build()).isEqualTo(d);
        PlumtreeConfig c = d.toBuilder().gossipFanout(3).requestBurst(7).build();
        assertThat(c).isEqualTo(new PlumtreeConfig(3, d.maxSeenMessages(), d.seenTtlMillis(), d.cacheTtlMillis(),
                d.cacheMaxMessages(), d.cacheMaxBytes(), d.lazyTimeoutMillis(), d.retryTimeoutMillis(),
                d.dispatchIntervalMillis(), d.optimisationThresholdMillis(), d.pruneProtectionMillis(),
                d.persistentDuplicates(), d.maxMissing(), d.maxAnnouncersPerMessage(), d.requestRatePerSecond(), 7,
                d.requestDedupMillis()));
        assertThatThrownBy(() -> d.toBuilder().cacheTtlMillis(1).build()).hasMessageContaining("cache_ttl_millis");
    }

    @Test
    void laneAndBackpressureCopiesAreValidatedNamingTheKey() {
        LaneConfig d = LaneConfig.defaults();
        assertThat(d.toBuilder().build()).isEqualTo(d);
        assertThat(d.toBuilder().starvationRatio(4).backpressure(Optional.empty()).build())
                .isEqualTo(new LaneConfig(d.maxMessagesPerLane(), d.maxBytesPerLane(), 4, d.bulkQuantumBytes(), Optional.empty()));
        assertThatThrownBy(() -> d.toBuilder().maxMessagesPerLane(0).build()).hasMessageContaining("max_messages_per_lane=0");
        assertThatThrownBy(() -> d.toBuilder().bulkQuantumBytes(8).build()).hasMessageContaining("bulk_quantum");

        BackpressureConfig b = BackpressureConfig.defaults();
        assertThat(BackpressureConfig.builder().normalBatchIntervalMillis(9).build())
                .isEqualTo(new BackpressureConfig(b.txDedupThreshold(), b.bulkDropThreshold(), b.normalDelayThreshold(), 9));
        assertThatThrownBy(() -> b.toBuilder().normalBatchIntervalMillis(0).build()).hasMessageContaining("normal_batch_interval_ms");
    }
}
