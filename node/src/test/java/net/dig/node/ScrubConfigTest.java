package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.storage.ScrubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code storage.scrub}: defaults, overrides, validation. */
class ScrubConfigTest {
    @TempDir
    Path dir;

    private NodeConfig loadYaml(String yaml) throws IOException {
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(Optional.of(file), Map.of(), List.of());
    }

    @Test
    void defaultsScrubSixteenMebibytesPerSecondOncePerDay() {
        ScrubConfig c = ConfigLoader.defaults().storage().scrub().scrubConfig();
        assertThat(c).isEqualTo(new ScrubConfig(16L << 20, Duration.ofDays(1)));
        assertThat(c.enabled()).isTrue();
    }

    @Test
    void aFileOrAnEnvironmentVariableSetsThem() throws IOException {
        assertThat(loadYaml("storage:\n  scrub:\n    rate: 0\n    period_secs: 3600\n").storage().scrub().scrubConfig())
                .isEqualTo(new ScrubConfig(0, Duration.ofHours(1)));
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("DIG_NODE_STORAGE_SCRUB_RATE", "1MiB"), List.of())
                .storage().scrub().scrubConfig().bytesPerSecond()).isEqualTo(1L << 20);
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> loadYaml("storage:\n  scrub:\n    period_secs: 0\n")).isInstanceOf(ConfigException.class)
                .hasMessage("storage.scrub.period_secs: must be >= 1, got 0");
        assertThatThrownBy(() -> loadYaml("storage:\n  scrub:\n    rate: \"fast\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("storage.scrub.rate: ");
    }
}
