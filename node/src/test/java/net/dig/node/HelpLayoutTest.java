package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --help} keeps config keys and examples whole: every {@code section.key} of a description is on one line. */
class HelpLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void configKeysInOptionDescriptionsAreNeverSplit() {
        CliRun cli = new CliRun(tmp.resolve("home"), Map.of());
        for (List<String> command : List.of(List.of("--help"), List.of("start", "--help"), List.of("datastore", "add", "--help"),
                List.of("status", "--help"))) {
            CliRun.Result help = cli.run(command.toArray(String[]::new));
            assertThat(help.code()).isZero();
            String out = help.out();
            assertThat(out).as(command.toString()).contains("(monitoring.log_level).", "(monitoring.log_format).",
                    "network.max_peers=50", "(storage.plots_dir;");
            for (String line : out.split("\n")) {
                assertThat(line).as("a line of " + command + " help ends in a split key").doesNotMatch(".*\\([a-z_]+\\.$");
            }
        }
    }
}
