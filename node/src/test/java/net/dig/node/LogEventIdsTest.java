package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every log line's {@code event} is a stable identifier ({@link LogEvents#ID}): a node's start, API
 * traffic and stop at debug level, and a {@code datastore add} in a child process (stderr a file, so
 * the default format is JSON); the same command with {@code --log-format text} prints text lines.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LogEventIdsTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;

    @AfterEach
    void restore() {
        LogSetup.toConsole(LogSetup.Console.STDERR, "info", Optional.empty());
    }

    @Test
    void aNodeRunLogsOnlyIdentifiedEvents() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        cli.addRandomFiles(tmp, 1, 20_000);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LogSetup.toStream(captured, "debug");
        DigNodeCommand.NodeContext ctx = LoopbackNode.context(home);
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            for (String path : List.of("/node/status", "/network/peers", "/datastore/nope", "/no/such/route")) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.facts().get("api_port") + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        }
        List<JsonNode> lines = jsonLines(captured.toString(StandardCharsets.UTF_8));
        assertThat(lines).extracting(l -> l.get("event").asText()).contains("node_started", "gossip_listening", "node_stopped");
        assertIdentified(lines);
    }

    @Test
    void aCommandLogsJsonWhenStderrIsNoTerminalAndTextWhenAsked() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        Path file = tmp.resolve("small.bin");
        Files.write(file, new byte[10_000]);
        CliRun.Result asJson = cli.inChild(tmp, List.of(), List.of(), "datastore", "add", file.toString(), "--log-level", "debug");
        assertThat(asJson.code()).as(asJson.err()).isZero();
        List<JsonNode> lines = jsonLines(asJson.err());
        assertThat(lines).extracting(l -> l.get("event").asText()).contains("datastore_added");
        assertIdentified(lines);

        Path other = tmp.resolve("other.bin");
        Files.write(other, new byte[] {1, 2, 3});
        CliRun.Result asText = cli.inChild(tmp, List.of(), List.of(), "datastore", "add", other.toString(), "--log-format", "text");
        assertThat(asText.code()).as(asText.err()).isZero();
        assertThat(asText.err().lines().filter(l -> l.contains(" datastore_added ")).toList()).singleElement()
                .satisfies(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  storage  datastore_added .*"));
        assertThat(asText.err().lines().filter(l -> l.startsWith("{"))).isEmpty();
    }

    private static void assertIdentified(List<JsonNode> lines) {
        assertThat(lines).isNotEmpty();
        for (JsonNode l : lines) {
            assertThat(l.get("event").asText()).as(l.toString()).matches(LogEvents.ID);
        }
    }

    private List<JsonNode> jsonLines(String text) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("{")) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }
}
