package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.gossip.PlumtreeConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Delivery and safety properties of the real Plumtree router on small simulated networks (10-60 nodes).
 * Every assertion names the seed and size, so a failure can be replayed with {@code dig-node sim}.
 */
class PlumtreeSimulationProperties {
    private static SimSpec spec(int nodes, long seed, SimScenario scenario) {
        return new SimSpec(nodes, seed, scenario, 8, 256, 5, 10, 1000, SimLinks.internet(), PlumtreeConfig.defaults());
    }

    private static String replay(int nodes, long seed, SimScenario scenario) {
        return "replay: dig-node sim --nodes " + nodes + " --seed " + seed + " --scenario " + scenario.cliName();
    }

    @Property(tries = 15)
    void everyNodeGetsEveryMessageExactlyOnceWithoutFailures(@ForAll @IntRange(min = 10, max = 60) int nodes,
                                                             @ForAll long seed) {
        SimResult r = SimRunner.runPlumtree(spec(nodes, seed, SimScenario.STEADY));
        assertThat(r.reliabilityPercent()).as(replay(nodes, seed, SimScenario.STEADY)).isEqualTo(100.0);
        assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, SimScenario.STEADY)).isZero();
        assertThat(r.penalties()).as(replay(nodes, seed, SimScenario.STEADY)).isZero();
    }

    @Property(tries = 15)
    void redundancyFallsBelowOneTenthOnceTheTreeHasSettled(@ForAll @IntRange(min = 10, max = 60) int nodes,
                                                           @ForAll long seed) {
        SimResult r = SimRunner.runPlumtree(spec(nodes, seed, SimScenario.STEADY));
        assertThat(r.rmr()).as(replay(nodes, seed, SimScenario.STEADY)).isLessThan(0.1);
    }

    @Property(tries = 15)
    void deliveryRecoversToAllLiveNodesAfterTwentyPercentFail(@ForAll @IntRange(min = 10, max = 60) int nodes,
                                                              @ForAll long seed) {
        SimResult r = SimRunner.runPlumtree(spec(nodes, seed, SimScenario.FAILURE));
        assertThat(r.reliabilityPercent()).as(replay(nodes, seed, SimScenario.FAILURE)).isEqualTo(100.0);
        assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, SimScenario.FAILURE)).isZero();
    }

    @Property(tries = 10)
    void churnAndAHealedPartitionLoseNothingSentAfterwards(@ForAll @IntRange(min = 10, max = 60) int nodes,
                                                           @ForAll long seed) {
        for (SimScenario s : new SimScenario[] {SimScenario.CHURN, SimScenario.PARTITION}) {
            SimResult r = SimRunner.runPlumtree(spec(nodes, seed, s));
            assertThat(r.reliabilityPercent()).as(replay(nodes, seed, s)).isEqualTo(100.0);
            assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, s)).isZero();
        }
    }

    @Property(tries = 15)
    void aByzantineAnnouncerDoesNotPreventDelivery(@ForAll @IntRange(min = 10, max = 60) int nodes,
                                                   @ForAll long seed) {
        SimResult r = SimRunner.runPlumtree(spec(nodes, seed, SimScenario.BYZANTINE));
        assertThat(r.reliabilityPercent()).as(replay(nodes, seed, SimScenario.BYZANTINE)).isEqualTo(100.0);
        assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, SimScenario.BYZANTINE)).isZero();
    }

    /** Several broadcasts in flight at once (150 ms apart): the tree churns, but nothing is lost or doubled. */
    @Property(tries = 10)
    void overlappingBroadcastsStillReachEveryoneExactlyOnce(@ForAll @IntRange(min = 10, max = 60) int nodes,
                                                            @ForAll long seed) {
        for (SimScenario s : new SimScenario[] {SimScenario.STEADY, SimScenario.FAILURE}) {
            SimSpec spec = new SimSpec(nodes, seed, s, 8, 256, 5, 10, 150, SimLinks.internet(), PlumtreeConfig.defaults());
            SimResult r = SimRunner.runPlumtree(spec);
            assertThat(r.reliabilityPercent()).as(replay(nodes, seed, s) + " --interval-ms 150").isEqualTo(100.0);
            assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, s) + " --interval-ms 150").isZero();
        }
    }

    @Property(tries = 5)
    void theSameSeedGivesTheSameFigures(@ForAll @IntRange(min = 10, max = 60) int nodes, @ForAll long seed) {
        for (SimScenario s : SimScenario.values()) {
            SimReport a = SimRunner.run(spec(nodes, seed, s));
            SimReport b = SimRunner.run(spec(nodes, seed, s));
            assertThat(b.plumtree()).as(replay(nodes, seed, s)).isEqualTo(a.plumtree());
            assertThat(b.flood()).as(replay(nodes, seed, s)).isEqualTo(a.flood());
        }
    }
}
