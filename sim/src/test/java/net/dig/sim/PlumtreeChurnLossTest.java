package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.gossip.PlumtreeConfig;
import org.junit.jupiter.api.Test;

/**
 * Churn with broadcasts 100 ms apart: an origin may broadcast just after its only eager peer left, before
 * it noticed. Its payload then went nowhere, and only its IHAVEs remain; unless it pushes the message again
 * once it sees the peer go, the message is lost should the origin leave before a neighbour asks for it.
 * A message whose origin stays up for timeout1 must reach every live node.
 */
class PlumtreeChurnLossTest {
    private static SimSpec churn(int nodes, long seed) {
        return new SimSpec(nodes, seed, SimScenario.CHURN, 8, 256, 5, 10, 100, SimLinks.internet(), PlumtreeConfig.defaults());
    }

    private static String replay(int nodes, long seed) {
        return "replay: dig-node sim --nodes " + nodes + " --seed " + seed
                + " --scenario churn --warmup 5 --broadcasts 10 --interval-ms 100 --payload-bytes 256";
    }

    /** Seeds found by a sweep where such a message reached nobody before the origin pushed it again. */
    @Test
    void anOwnBroadcastWhoseEagerPeersAllLeftIsPushedAgain() {
        for (long[] c : new long[][] {{12, 217}, {30, 170}}) {
            SimResult r = SimRunner.runPlumtree(churn((int) c[0], c[1]));
            assertThat(r.worstMessagePercent()).as(replay((int) c[0], c[1])).isEqualTo(100.0);
            assertThat(r.lostWithOriginUp()).as(replay((int) c[0], c[1])).isZero();
        }
    }

    @Test
    void noMessageWhoseOriginStaysUpIsLostUnderChurn() {
        for (long seed = 1; seed <= 150; seed++) {
            int nodes = 20 + (int) (seed % 5) * 10;
            SimResult r = SimRunner.runPlumtree(churn(nodes, seed));
            assertThat(r.lostWithOriginUp()).as(replay(nodes, seed)).isZero();
            assertThat(r.duplicateDeliveries()).as(replay(nodes, seed)).isZero();
        }
    }

    /** Settled trees at a few hundred nodes: one broadcast at a time, no faults. */
    @Test
    void theTreeSettlesAtThreeHundredNodes() {
        for (long seed = 1; seed <= 3; seed++) {
            SimResult r = SimRunner.runPlumtree(new SimSpec(300, seed, SimScenario.STEADY, 8, 256, 10, 20, 1000,
                    SimLinks.internet(), PlumtreeConfig.defaults()));
            String replay = "replay: dig-node sim --nodes 300 --seed " + seed + " --payload-bytes 256";
            assertThat(r.reliabilityPercent()).as(replay).isEqualTo(100.0);
            assertThat(r.rmr()).as(replay).isLessThan(0.05);
            assertThat(r.lostWithOriginUp()).as(replay).isZero();
        }
    }
}
