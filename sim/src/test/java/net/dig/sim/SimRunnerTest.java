package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.dig.gossip.PlumtreeConfig;
import org.junit.jupiter.api.Test;

class SimRunnerTest {
    @Test
    void plumtreeBeatsFloodingOnBytesAtTheSameReliability() {
        SimReport r = SimRunner.run(SimSpec.of(200, 7, SimScenario.STEADY));
        assertThat(r.plumtree().reliabilityPercent()).isEqualTo(100.0);
        assertThat(r.flood().reliabilityPercent()).isEqualTo(100.0);
        assertThat(r.flood().rmr()).as("flooding a degree-8 overlay sends ~d-2 redundant copies").isGreaterThan(5.0);
        assertThat(r.plumtree().rmr()).isLessThan(0.1);
        assertThat(r.bytesVsFloodPercent()).isLessThan(25.0);
        assertThat(r.toJson()).startsWith("{\"scenario\":\"steady\",\"nodes\":200,\"seed\":7,").contains("\"plumtree\":{");
        assertThat(r.toCsvRows().lines()).hasSize(2).allMatch(l -> l.split(",").length == SimReport.csvHeader().split(",").length);
        assertThat(r.toTable()).contains("reliability %").contains("bytes vs flood %");
    }

    @Test
    void theByzantineNodeIsPenalisedByItsVictims() {
        SimReport r = SimRunner.run(SimSpec.of(60, 11, SimScenario.BYZANTINE));
        assertThat(r.plumtree().penalties()).isPositive();
        assertThat(r.plumtree().reliabilityPercent()).isEqualTo(100.0);
    }

    @Test
    void lossyLinksStillDeliverThroughLazyRepair() {
        SimSpec spec = new SimSpec(60, 3, SimScenario.STEADY, 8, 512, 5, 10, 1000,
                new SimLinks(10, 100, 5, 0.02, 12_500_000), PlumtreeConfig.defaults());
        SimResult r = SimRunner.runPlumtree(spec);
        assertThat(r.reliabilityPercent()).isEqualTo(100.0);
        assertThat(r.duplicateDeliveries()).isZero();
    }

    /** Seed found by a sweep: an origin whose every link had been pruned broadcast, then left within timeout1. */
    @Test
    void anOriginCutOffFromTheTreeGetsItsBroadcastOutBeforeLeaving() {
        SimSpec spec = new SimSpec(56, 6445940303471050295L, SimScenario.CHURN, 8, 256, 5, 10, 150, SimLinks.internet(),
                PlumtreeConfig.defaults());
        SimResult r = SimRunner.runPlumtree(spec);
        assertThat(r.worstMessagePercent()).isEqualTo(100.0);
        assertThat(r.reliabilityPercent()).isEqualTo(100.0);
    }

    @Test
    void badSpecsAreRejectedWithAReason() {
        assertThatThrownBy(() -> SimSpec.of(1, 1, SimScenario.STEADY)).hasMessageContaining("at least 2 nodes");
        assertThatThrownBy(() -> new SimSpec(10, 1, SimScenario.STEADY, 7, 1, 1, 1, 1, SimLinks.internet(),
                PlumtreeConfig.defaults())).hasMessageContaining("even number");
        assertThatThrownBy(() -> SimScenario.parse("meltdown")).hasMessageContaining("unknown scenario 'meltdown'")
                .hasMessageContaining("steady, failure, partition, churn, byzantine");
        assertThatThrownBy(() -> new SimLinks(50, 10, 0, 0, 1)).hasMessageContaining("latency range");
    }
}
