package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.node.ConfigLoader.Setting;
import net.dig.service.ArchivePolicy;
import net.dig.service.HoldingPolicy;
import net.dig.service.SelectivePolicy;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** {@code node.mode}, {@code node.archive.*} and {@code node.selective.*}: parsed, validated, made into the mode's policy. */
class ModesSectionTest {
    private static NodeConfig load(String... settings) {
        return ConfigLoader.load(Optional.empty(), Map.of(),
                java.util.Arrays.stream(settings).map(Setting::parse).toList());
    }

    @Test
    void theDefaultIsSelectiveWithEmptyListsAndNodeModeIsActive() {
        NodeConfig c = ConfigLoader.defaults();
        assertThat(c.node().mode()).isEqualTo(NodeConfig.Mode.SELECTIVE);
        assertThat(c.node().selective()).isEqualTo(new ModesSection.SelectiveSection(List.of(), List.of(), 0, null, 0.5));
        assertThat(c.node().archive()).isEqualTo(new ModesSection.ArchiveSection(true, List.of()));
        assertThat(ConfigLoader.inactiveKeyNames()).doesNotContain("node.mode").contains("economic.min_reward",
                "economic.accept_bribes");
        ConfigLoader.refuseInactive(load("node.mode=archive"));
    }

    @Test
    void eachModeMakesItsPolicy() {
        ManualClock clock = new ManualClock();
        assertThat(ModesSection.policy(load("node.mode=archive", "node.archive.tier_filter=1,2").node(), clock))
                .isInstanceOf(ArchivePolicy.class);
        assertThat(ModesSection.policy(load("node.selective.ai_filter=content_value_model_v2",
                "node.selective.blacklist=spam*,0xab*").node(), clock)).isInstanceOf(SelectivePolicy.class);
        assertThat(ModesSection.policy(load("node.mode=cache").node(), clock).mode()).isEqualTo("cache");
        HoldingPolicy cache = ModesSection.policy(load("node.mode=cache").node(), clock);
        assertThat(cache.decide(new net.dig.service.HoldingCandidate(net.dig.core.Bytes32.ZERO, net.dig.core.Bytes32.ZERO,
                Optional.empty(), List.of(), java.util.OptionalInt.empty(), 1, 0, false,
                net.dig.service.HoldingCandidate.Demand.UNKNOWN)).keep()).isFalse();
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> load("node.selective.ai_filter=gpt")).hasMessageContaining("node.selective.ai_filter");
        assertThatThrownBy(() -> load("node.selective.score_threshold=1.5")).hasMessageContaining("node.selective.score_threshold");
        assertThatThrownBy(() -> load("node.selective.max_size_gb=-1")).hasMessageContaining("node.selective.max_size_gb");
        assertThatThrownBy(() -> load("node.archive.tier_filter=7")).hasMessageContaining("node.archive.tier_filter");
        assertThatThrownBy(() -> load("node.archive.tier_filter=x")).hasMessageContaining("node.archive.tier_filter");
        assertThat(load("node.archive.tier_filter=1,2").node().archive().tiers()).containsExactlyInAnyOrder(1, 2);
    }
}
