package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;

class CacheModeSectionTest {
    private static NodeConfig load(String... kv) {
        List<Setting> settings = new java.util.ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            settings.add(new Setting(kv[i], kv[i + 1], "test"));
        }
        return ConfigLoader.load(Optional.empty(), Map.of(), settings);
    }

    @Test
    void theDefaultsAreTheSeeds() {
        CacheModeSection c = load().node().cache();
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(168));
        assertThat(c.minProviders()).isEqualTo(5);
        assertThat(c.bytes(1000)).isEqualTo(500);
    }

    @Test
    void cacheSizeIsAPercentageOfCapacityOrASize() {
        assertThat(load("node.cache.cache_size", "12.5%").node().cache().bytes(8000)).isEqualTo(1000);
        assertThat(load("node.cache.cache_size", "2GiB").node().cache().bytes(1)).isEqualTo(2L << 30);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> load("node.cache.cache_size", "150%")).hasMessageContaining("cache_size");
        assertThatThrownBy(() -> load("node.cache.cache_size", "0%")).hasMessageContaining("cache_size");
        assertThatThrownBy(() -> load("node.cache.cache_size", "lots")).hasMessageContaining("cache_size");
        assertThatThrownBy(() -> load("node.cache.ttl_hours", "0")).hasMessageContaining("ttl_hours");
        assertThatThrownBy(() -> load("node.cache.min_providers", "-1")).hasMessageContaining("min_providers");
    }
}
