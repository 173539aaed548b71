package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.gossip.ErlayConfig;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;

/** {@code network.erlay}: on by default, as the seed's default {@code erlay} feature; {@code enabled: false} turns it off. */
class ErlayConfigTest {
    private static ErlaySection erlay(Setting... settings) {
        return ConfigLoader.load(Optional.empty(), Map.of(), List.of(settings)).network().erlay();
    }

    @Test
    void onByDefaultWithTheSeedsSettings() {
        assertThat(erlay().config()).contains(ErlayConfig.defaults());
    }

    @Test
    void enabledFalseTurnsItOff() {
        assertThat(erlay(new Setting("network.erlay.enabled", "false", "test")).config()).isEmpty();
    }
}
