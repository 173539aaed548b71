package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import net.dig.gossip.PlumtreeConfig;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

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

    private static int nodes(Gen g) {
        return g.ints(10, 60);
    }

    @Test
    void everyNodeGetsEveryMessageExactlyOnceWithoutFailures() {
        PropertyRunner.tries(15).check(g -> everyNodeGetsEveryMessageExactlyOnceWithoutFailures(nodes(g), g.longs(),
                SimRunner::runPlumtree));
    }

    /** The same network with links that lose two messages in five: the property notices the losses. */
    @Test
    void aNetworkThatLosesMessagesFailsTheProperty() {
        Function<SimSpec, SimResult> lossy = s -> SimRunner.runPlumtree(new SimSpec(s.nodes(), s.seed(), s.scenario(), s.degree(),
                s.payloadBytes(), s.warmupBroadcasts(), s.measuredBroadcasts(), s.intervalMillis(),
                new SimLinks(10, 100, 5, 0.4, 12_500_000), s.plumtree()));
        assertThatThrownBy(() -> PropertyRunner.tries(15).seed(53).check(g ->
                everyNodeGetsEveryMessageExactlyOnceWithoutFailures(nodes(g), g.longs(), lossy)))
                .isInstanceOf(AssertionError.class)
                .hasCauseInstanceOf(AssertionError.class)
                .hasMessageContaining("base seed 53, try seed ")
                .hasMessageContaining("-Ddig.seed=53")
                .hasMessageContaining("replay: dig-node sim --nodes 10");
    }

    private static void everyNodeGetsEveryMessageExactlyOnceWithoutFailures(int nodes, long seed, Function<SimSpec, SimResult> run) {
        SimResult r = run.apply(spec(nodes, seed, SimScenario.STEADY));
        assertThat(r.reliabilityPercent()).as(replay(nodes, seed, SimScenario.STEADY)).isEqualTo(100.0);
        assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, SimScenario.STEADY)).isZero();
        assertThat(r.penalties()).as(replay(nodes, seed, SimScenario.STEADY)).isZero();
    }

    @Test
    void redundancyFallsBelowOneTenthOnceTheTreeHasSettled() {
        PropertyRunner.tries(15).check(g -> {
            int nodes = nodes(g);
            long seed = g.longs();
            SimResult r = SimRunner.runPlumtree(spec(nodes, seed, SimScenario.STEADY));
            assertThat(r.rmr()).as(replay(nodes, seed, SimScenario.STEADY)).isLessThan(0.1);
        });
    }

    @Test
    void deliveryRecoversToAllLiveNodesAfterTwentyPercentFail() {
        PropertyRunner.tries(15).check(g -> {
            int nodes = nodes(g);
            long seed = g.longs();
            SimResult r = SimRunner.runPlumtree(spec(nodes, seed, SimScenario.FAILURE));
            assertThat(r.reliabilityPercent()).as(replay(nodes, seed, SimScenario.FAILURE)).isEqualTo(100.0);
            assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, SimScenario.FAILURE)).isZero();
        });
    }

    @Test
    void churnAndAHealedPartitionLoseNothingSentAfterwards() {
        PropertyRunner.tries(10).check(g -> {
            int nodes = nodes(g);
            long seed = g.longs();
            for (SimScenario s : new SimScenario[] {SimScenario.CHURN, SimScenario.PARTITION}) {
                SimResult r = SimRunner.runPlumtree(spec(nodes, seed, s));
                assertThat(r.reliabilityPercent()).as(replay(nodes, seed, s)).isEqualTo(100.0);
                assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, s)).isZero();
            }
        });
    }

    @Test
    void aByzantineAnnouncerDoesNotPreventDelivery() {
        PropertyRunner.tries(15).check(g -> {
            int nodes = nodes(g);
            long seed = g.longs();
            SimResult r = SimRunner.runPlumtree(spec(nodes, seed, SimScenario.BYZANTINE));
            assertThat(r.reliabilityPercent()).as(replay(nodes, seed, SimScenario.BYZANTINE)).isEqualTo(100.0);
            assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, SimScenario.BYZANTINE)).isZero();
        });
    }

    /** Several broadcasts in flight at once (150 ms apart): the tree churns, but nothing is lost or doubled. */
    @Test
    void overlappingBroadcastsStillReachEveryoneExactlyOnce() {
        PropertyRunner.tries(10).check(g -> {
            int nodes = nodes(g);
            long seed = g.longs();
            for (SimScenario s : new SimScenario[] {SimScenario.STEADY, SimScenario.FAILURE}) {
                SimSpec spec = new SimSpec(nodes, seed, s, 8, 256, 5, 10, 150, SimLinks.internet(), PlumtreeConfig.defaults());
                SimResult r = SimRunner.runPlumtree(spec);
                assertThat(r.reliabilityPercent()).as(replay(nodes, seed, s) + " --interval-ms 150").isEqualTo(100.0);
                assertThat(r.duplicateDeliveries()).as(replay(nodes, seed, s) + " --interval-ms 150").isZero();
            }
        });
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        PropertyRunner.tries(5).check(g -> {
            int nodes = nodes(g);
            long seed = g.longs();
            for (SimScenario s : SimScenario.broadcastScenarios()) {
                SimReport a = SimRunner.run(spec(nodes, seed, s));
                SimReport b = SimRunner.run(spec(nodes, seed, s));
                assertThat(b.plumtree()).as(replay(nodes, seed, s)).isEqualTo(a.plumtree());
                assertThat(b.flood()).as(replay(nodes, seed, s)).isEqualTo(a.flood());
            }
        });
    }
}
