package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Fuzz target for the node's configuration: a fuzzed YAML file, fuzzed {@code DIG_NODE_*} variables
 * and fuzzed {@code --set} assignments, through {@link ConfigLoader#load}. The contract: a
 * {@link NodeConfig}, or a {@link ConfigException} naming a key path; anything else (a Jackson or
 * YAML exception leaking, an unchecked exception from a record, a stack overflow) is a finding.
 * A config that loads is also checked by {@link ConfigLoader#refuseInactive}, which may only
 * refuse with a ConfigException.
 */
class ConfigFuzzTest {
    private static final Path FILE = tempFile();

    @FuzzTest
    void config(FuzzedDataProvider data) {
        Map<String, String> env = new TreeMap<>();
        List<ConfigLoader.Setting> settings = new ArrayList<>();
        int extras = data.consumeInt(0, 3);
        for (int i = 0; i < extras; i++) {
            if (data.consumeBoolean()) {
                env.put(ConfigLoader.ENV_PREFIX + data.consumeString(24), data.consumeString(24));
            } else {
                try {
                    settings.add(ConfigLoader.Setting.parse(data.consumeString(48)));
                } catch (ConfigException expected) {
                    // an assignment without '=' is refused before loading
                }
            }
        }
        String yaml = data.consumeRemainingAsString();
        try {
            Files.writeString(FILE, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NodeConfig config;
        try {
            config = ConfigLoader.load(Optional.of(FILE), env, settings);
            ConfigLoader.refuseInactive(config);
        } catch (ConfigException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        assertThat(config).isNotNull();
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("config-fuzz", ".yaml");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
