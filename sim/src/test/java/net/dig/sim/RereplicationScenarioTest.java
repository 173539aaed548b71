package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rereplication scenario at 1,000 nodes: every recoverable datastore back at target 3, bytes moved within 1.2x the lost ones. */
class RereplicationScenarioTest {
    @Test
    void afterAFifthOfTheNodesVanishEveryRecoverableDatastoreIsBackAtTargetMovingAtMostOnePointTwoTimesTheLostBytes() {
        RereplicationScenario.Report r = RereplicationScenario.run(RereplicationScenario.Spec.of(1000, 1));
        assertThat(r.vanished()).isEqualTo(200);
        assertThat(r.affected()).isGreaterThan(300);
        assertThat(r.allRestored()).as(r.toTable()).isTrue();
        assertThat(r.movedRatio()).as(r.toTable()).isBetween(1.0, 1.2);
        assertThat(r.restoreMaxMillis()).isGreaterThanOrEqualTo(r.lastExpiryMillis() - 1);
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        RereplicationScenario.Spec spec = RereplicationScenario.Spec.of(200, 9);
        RereplicationScenario.Report a = RereplicationScenario.run(spec);
        RereplicationScenario.Report b = RereplicationScenario.run(spec);
        assertThat(a.movedBytes()).isEqualTo(b.movedBytes());
        assertThat(a.restoreMaxMillis()).isEqualTo(b.restoreMaxMillis());
    }
}
