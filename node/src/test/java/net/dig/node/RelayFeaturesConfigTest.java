package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.gossip.CompactBlockConfig;
import net.dig.gossip.DandelionConfig;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;

/** {@code network.compact_blocks} and {@code network.dandelion}: defaults, overrides reaching dig-gossip, refusals. */
class RelayFeaturesConfigTest {
    private static NodeConfig.NetworkSection load(Setting... settings) {
        return ConfigLoader.load(Optional.empty(), Map.of(), List.of(settings)).network();
    }

    private static Setting set(String key, String value) {
        return new Setting(key, value, "test");
    }

    @Test
    void defaultsAreTheSeedsFeaturesOn() {
        NodeConfig.NetworkSection n = load();
        assertThat(n.compactBlocks().config()).isEqualTo(CompactBlockConfig.defaults());
        assertThat(n.dandelion().config()).isEqualTo(DandelionConfig.defaults());
    }

    @Test
    void overridesReachTheGossipConfigRecords() {
        NodeConfig.NetworkSection n = load(set("network.compact_blocks.enabled", "false"),
                set("network.compact_blocks.high_bandwidth_peers", "1"),
                set("network.compact_blocks.prefill_window_ms", "500"),
                set("network.compact_blocks.request_timeout_secs", "4"),
                set("network.dandelion.enabled", "false"),
                set("network.dandelion.fluff_probability", "0.2"),
                set("network.dandelion.stem_timeout_secs", "45"),
                set("network.dandelion.epoch_secs", "60"));
        assertThat(n.compactBlocks().config())
                .isEqualTo(new CompactBlockConfig(false, 1, Duration.ofMillis(500), Duration.ofSeconds(4)));
        assertThat(n.dandelion().config())
                .isEqualTo(new DandelionConfig(false, 0.2, Duration.ofSeconds(45), Duration.ofSeconds(60)));
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheirKey() {
        assertThatThrownBy(() -> load(set("network.compact_blocks.high_bandwidth_peers", "4")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("high_bandwidth_peers");
        assertThatThrownBy(() -> load(set("network.dandelion.fluff_probability", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fluff_probability");
        assertThatThrownBy(() -> load(set("network.dandelion.epoch_secs", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("epoch_secs");
    }
}
