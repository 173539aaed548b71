package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code plot list} and {@code plot verify} as an operator reads them. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PlotListCliTest {
    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();
    private Path home;
    private CliRun cli;

    @BeforeEach
    void populate() throws Exception {
        home = tmp.resolve("home");
        cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        cli.addRandomFiles(tmp, 2, 300 * 1024, "--capsule-size", "256KiB", "--compression", "none");
    }

    @Test
    void theTotalIsTheSumOfTheRows() throws Exception {
        JsonNode plots = json.readTree(cli.run("plot", "list", "--json").out());
        long sum = 0;
        for (JsonNode p : plots) {
            sum += p.get("size_bytes").asLong();
        }
        CliRun.Result text = cli.run("plot", "list");
        Matcher m = Pattern.compile("(\\d+) plot\\(s\\), (\\d+) bytes").matcher(text.out());
        assertThat(m.find()).as(text.out()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(plots.size());
        assertThat(Long.parseLong(m.group(2))).as(text.out()).isEqualTo(sum);
    }

    @Test
    void aPlotVerifyFoundBadIsListedDamaged() throws Exception {
        JsonNode plots = json.readTree(cli.run("plot", "list", "--json").out());
        Path damaged = Path.of(plots.get(0).get("path").asText());
        try (RandomAccessFile raf = new RandomAccessFile(damaged.toFile(), "rw")) {
            raf.seek(4096 + 100); // the first capsule: data starts after the 4 KiB header
            int b = raf.read();
            raf.seek(4096 + 100);
            raf.write(b ^ 0x40);
        }
        assertThat(cli.run("plot", "verify").code()).isEqualTo(ExitCodes.FAILED);

        JsonNode after = json.readTree(cli.run("plot", "list", "--json").out());
        JsonNode row = null;
        for (JsonNode p : after) {
            if (p.get("path").asText().equals(damaged.toString())) {
                row = p;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.get("status").asText()).isEqualTo("degraded");
        assertThat(row.get("bad_capsules")).hasSize(1);
        String text = cli.run("plot", "list").out();
        assertThat(text.lines().filter(l -> l.contains(damaged.toString())).findFirst().orElseThrow())
                .contains("degraded").contains("1 bad capsule");
    }

    @Test
    void verifyOfAMissingFileSaysSo() {
        Path missing = tmp.resolve("no/such/file.plot");
        CliRun.Result r = cli.run("plot", "verify", missing.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(missing.toString()).contains("no such file").doesNotContain("hex");
        CliRun.Result badId = cli.run("plot", "verify", "0x12zz");
        assertThat(badId.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badId.err()).contains("neither a plot file nor a plot id");
    }
}
