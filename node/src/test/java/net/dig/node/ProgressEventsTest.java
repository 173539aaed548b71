package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code datastore add} and {@code plot verify} in a child process whose stderr is a file (not a
 * terminal): every stderr line is a JSON log event in the seed's format, and the work is reported as
 * {@code "event":"progress"} events {@code begin}, {@code running}..., {@code done} with byte counts.
 * The child runs with a 0 ms progress interval so {@code running} events do not depend on timing.
 */
class ProgressEventsTest {
    private static final List<String> EVERY_ADVANCE = List.of("-D" + StorageSession.PROGRESS_INTERVAL_PROPERTY + "=0");
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void addAndVerifyReportProgressAsJsonOnStderr() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path file = tmp.resolve("data.bin");
        byte[] data = new byte[3 * 1024 * 1024 + 1000];
        new Random(11).nextBytes(data);
        Files.write(file, data);
        Path scratch = Files.createDirectories(tmp.resolve("child"));

        CliRun.Result added = cli.inChild(scratch, List.of(), EVERY_ADVANCE,
                "datastore", "add", file.toString(), "--capsule-size", "256KiB", "--compression", "none");
        assertThat(added.code()).as(added.err()).isZero();
        List<JsonNode> ingest = progress(added.err());
        assertThat(ingest.getFirst().get("task").asText()).isEqualTo("ingest data.bin");
        assertPhases(ingest, data.length);
        JsonNode ingestDone = ingest.getLast();
        assertThat(ingestDone.get("done_bytes").asLong()).isEqualTo(data.length);
        assertThat(ingestDone.get("percent").asDouble()).isEqualTo(100.0);

        CliRun.Result verified = cli.inChild(scratch, List.of(), EVERY_ADVANCE, "plot", "verify");
        assertThat(verified.code()).as(verified.err()).isZero();
        List<JsonNode> verify = progress(verified.err());
        long total = verify.getFirst().get("total_bytes").asLong();
        assertThat(total).as("verify's total is at least the capsule bytes").isGreaterThanOrEqualTo(data.length);
        assertPhases(verify, total);
        assertThat(verify.getLast().get("done_bytes").asLong()).as("every capsule byte was rehashed")
                .isGreaterThanOrEqualTo(data.length);
    }

    /** begin at 0 first, then running events within the total, done last; the seed's detail fields on each. */
    private static void assertPhases(List<JsonNode> events, long total) {
        assertThat(events.size()).as("begin, at least one running, done").isGreaterThanOrEqualTo(3);
        List<String> states = new ArrayList<>();
        for (JsonNode e : events) {
            states.add(e.get("state").asText());
            assertThat(e.get("total_bytes").asLong()).isEqualTo(total);
            assertThat(e.get("done_bytes").asLong()).isBetween(0L, total);
            assertThat(e.get("percent").isNumber()).isTrue();
            assertThat(e.has("rate_bytes_per_s")).isTrue();
            assertThat(e.has("eta_s")).isTrue();
        }
        assertThat(states.getFirst()).isEqualTo("begin");
        assertThat(events.getFirst().get("done_bytes").asLong()).isZero();
        assertThat(states.getLast()).isEqualTo("done");
        assertThat(states.subList(1, states.size() - 1)).isNotEmpty().containsOnly("running");
    }

    /** Every stderr line parsed as a seed log event; the {@code details} of the progress events, in order. */
    private List<JsonNode> progress(String stderr) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : stderr.strip().split("\n")) {
            JsonNode event = json.readTree(line);
            assertThat(event.get("timestamp").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(event.get("level").asText()).as(line).isNotEmpty();
            assertThat(event.get("node_id").asText()).as(line).matches("dig1[0-9a-f]{16}");
            assertThat(event.has("component")).as(line).isTrue();
            if (event.get("event").asText().equals("progress")) {
                assertThat(event.get("component").asText()).isEqualTo("storage");
                out.add(event.get("details"));
            }
        }
        assertThat(out).as("progress events in %s", stderr).isNotEmpty();
        return out;
    }
}
