package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SeedJsonEncoderTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void capture() {
        LogSetup.toStream(captured, "info");
        LogSetup.nodeId("dig1abcdef0123456789");
    }

    @AfterEach
    void restore() {
        LogSetup.toConsole(LogSetup.Console.STDERR, "info", java.util.Optional.empty());
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    @Test
    void aNodeEventHasExactlyTheSeedsFieldsInOrder() throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("datastore_id", "0x123");
        details.put("capsule_index", 42);
        details.put("size_bytes", 16777216L);
        details.put("cache_tier", "l3");
        NodeLog.info("storage", "capsule_stored", details);

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(1);
        JsonNode e = lines.getFirst();
        List<String> fields = new ArrayList<>();
        e.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("timestamp", "level", "node_id", "component", "event", "details");
        assertThat(e.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(e.get("level").asText()).isEqualTo("INFO");
        assertThat(e.get("node_id").asText()).isEqualTo("dig1abcdef0123456789");
        assertThat(e.get("component").asText()).isEqualTo("storage");
        assertThat(e.get("event").asText()).isEqualTo("capsule_stored");
        assertThat(e.get("details").toString())
                .isEqualTo("{\"datastore_id\":\"0x123\",\"capsule_index\":42,\"size_bytes\":16777216,\"cache_tier\":\"l3\"}");
    }

    @Test
    void plainSlf4jFromAnotherModuleGetsItsComponentFromThePackage() throws Exception {
        LoggerFactory.getLogger("net.dig.storage.PlotWriter").atWarn().setMessage("plot_quarantined")
                .addKeyValue("plot_id", "0xab").addKeyValue("nested", Map.of("k", List.of(1, 2))).log();
        LoggerFactory.getLogger("io.vertx.core.Something").error("bind failed", new IllegalStateException("port in use"));

        List<JsonNode> lines = lines();
        assertThat(lines.get(0).get("component").asText()).isEqualTo("storage");
        assertThat(lines.get(0).get("level").asText()).isEqualTo("WARN");
        assertThat(lines.get(0).get("details").toString()).isEqualTo("{\"plot_id\":\"0xab\",\"nested\":{\"k\":[1,2]}}");
        assertThat(lines.get(1).get("component").asText()).isEqualTo("io.vertx.core.Something");
        assertThat(lines.get(1).get("event").asText()).isEqualTo("library_log");
        assertThat(lines.get(1).get("details").get("message").asText()).isEqualTo("bind failed");
        assertThat(lines.get(1).get("details").get("error").asText()).isEqualTo("java.lang.IllegalStateException: port in use");
        assertThat(lines.get(1).get("details").get("stack").isArray()).isTrue();
    }

    @Test
    void systemLoggerCallsBecomeSeedLines() throws Exception {
        System.Logger log = System.getLogger("net.dig.storage.StorageEngine");
        log.log(System.Logger.Level.WARNING, "plot_quarantined: plot {0} quarantined", "p.dig1");
        log.log(System.Logger.Level.INFO, "scrub_pass_finished", Map.of("passes", 3));
        List<JsonNode> lines = lines();
        JsonNode line = lines.getFirst();
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("component").asText()).isEqualTo("storage");
        assertThat(line.get("event").asText()).isEqualTo("plot_quarantined");
        assertThat(line.get("details").toString()).isEqualTo("{\"message\":\"plot p.dig1 quarantined\"}");
        assertThat(lines.get(1).get("event").asText()).isEqualTo("scrub_pass_finished");
        assertThat(lines.get(1).get("details").toString()).isEqualTo("{\"passes\":3}");
    }

    @Test
    void theTextFormatHasTheSameFactsOnOneReadableLine() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        LogSetup.toStream(text, "info", LogSetup.Format.TEXT);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("datastore_id", "0x12");
        details.put("name", "two words");
        NodeLog.info("storage", "datastore_added", details);
        LoggerFactory.getLogger("net.dig.net.Discovery").warn("address_book_unreadable: ignoring {}", "book.json");
        String[] lines = text.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  storage  datastore_added datastore_id=0x12 name=\"two words\"");
        assertThat(lines[1]).endsWith("WARN  net  address_book_unreadable  \"ignoring book.json\"");
    }

    @Test
    void anEventKeyValueIsTheEventAndTheMessageMovesToDetails() throws Exception {
        LoggerFactory.getLogger("net.dig.api.ApiServer").atInfo().addKeyValue("component", "api")
                .addKeyValue("event", "api_started").addKeyValue("port", 8555).log("HTTP API listening on {}", 8555);
        JsonNode line = lines().getFirst();
        assertThat(line.get("component").asText()).isEqualTo("api");
        assertThat(line.get("event").asText()).isEqualTo("api_started");
        assertThat(line.get("details").toString()).isEqualTo("{\"message\":\"HTTP API listening on 8555\",\"port\":8555}");
    }

    @Test
    void levelFiltersDebug() throws Exception {
        NodeLog.log(org.slf4j.event.Level.DEBUG, "node", "hidden", Map.of(), null);
        assertThat(lines()).isEmpty();
    }

    @Test
    void jsonProgressEventsAreSeedLogLinesWithRateAndEta() throws Exception {
        ManualClock clock = new ManualClock();
        JsonProgress progress = new JsonProgress("storage", clock, 1000);
        progress.begin("ingest photos", 4000);
        progress.advance(1000);                          // within the first second: no event
        clock.advance(java.time.Duration.ofSeconds(1));
        progress.advance(1000);                          // 2000 bytes in 1 s
        progress.advance(500);                           // same second: no event
        clock.advance(java.time.Duration.ofSeconds(1));
        progress.advance(1500);
        progress.end();

        List<JsonNode> lines = lines();
        assertThat(lines).extracting(l -> l.get("event").asText()).containsOnly("progress");
        assertThat(lines).extracting(l -> l.get("details").get("state").asText())
                .containsExactly("begin", "running", "running", "done");
        JsonNode running = lines.get(1).get("details");
        assertThat(running.get("task").asText()).isEqualTo("ingest photos");
        assertThat(running.get("done_bytes").asLong()).isEqualTo(2000);
        assertThat(running.get("total_bytes").asLong()).isEqualTo(4000);
        assertThat(running.get("percent").asDouble()).isEqualTo(50.0);
        assertThat(running.get("rate_bytes_per_s").asLong()).isEqualTo(2000);
        assertThat(running.get("eta_s").asLong()).isEqualTo(1);
        JsonNode done = lines.get(3).get("details");
        assertThat(done.get("done_bytes").asLong()).isEqualTo(4000);
        assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(done.get("eta_s").asLong()).isZero();
    }

    @Test
    void unknownTotalsReportNoPercentOrEta() throws Exception {
        JsonProgress progress = new JsonProgress("storage", new ManualClock(), 1000);
        progress.begin("scan", -1);
        progress.end();
        JsonNode done = lines().get(1).get("details");
        assertThat(done.get("total_bytes").asLong()).isEqualTo(-1);
        assertThat(done.get("percent").isNull()).isTrue();
        assertThat(done.get("eta_s").isNull()).isTrue();
    }
}
