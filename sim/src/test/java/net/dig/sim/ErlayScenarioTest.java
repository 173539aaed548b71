package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.gossip.ErlayConfig;
import org.junit.jupiter.api.Test;

class ErlayScenarioTest {
    @Test
    void erlayDeliversEverythingWithFewerAnnouncementBytesThanFlooding() {
        ErlayScenario.Report r = ErlayScenario.run(new ErlayScenario.Spec(120, 4, 60, 40, 3, SimLinks.internet(),
                ErlayConfig.defaults()));
        assertThat(r.flood().reliabilityPercent()).isEqualTo(100.0);
        assertThat(r.erlay().reliabilityPercent()).isEqualTo(100.0);
        assertThat(r.erlay().duplicateDeliveries()).isZero();
        assertThat(r.erlay().bytesSent()).isLessThan(r.flood().bytesSent());
        assertThat(r.erlayStats().decoded()).isPositive();
        assertThat(r.erlayStats().wrongDecodes()).isZero();
    }
}
