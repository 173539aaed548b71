package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.gossip.DandelionConfig;
import org.junit.jupiter.api.Test;

/** The first-spy estimator with 10 % spies names origins less often with Dandelion++ than with flooding. */
class DandelionScenarioTest {
    @Test
    void dandelionLowersTheFirstSpyPrecision() {
        DandelionScenario.Spec spec = new DandelionScenario.Spec(150, 3, 8, 0.1, 150, SimLinks.internet(), DandelionConfig.defaults());
        DandelionScenario.Report report = DandelionScenario.run(spec);
        assertThat(report.spies()).isEqualTo(15);
        assertThat(report.observedFlooding()).isEqualTo(150);
        assertThat(report.observedDandelion()).isEqualTo(150);
        assertThat(report.precisionDandelion()).isLessThan(report.precisionFlooding() / 2);
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        DandelionScenario.Spec spec = new DandelionScenario.Spec(60, 9, 4, 0.1, 40, SimLinks.internet(), DandelionConfig.defaults());
        DandelionScenario.Report a = DandelionScenario.run(spec);
        DandelionScenario.Report b = DandelionScenario.run(spec);
        assertThat(a.toJson()).isEqualTo(b.toJson());
    }
}
