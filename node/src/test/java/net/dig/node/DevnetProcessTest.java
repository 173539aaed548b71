package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dig-node devnet --nodes 2} as a child process: its table names two nodes whose APIs answer,
 * SIGINT (Ctrl-C) stops it with exit 0, every port it printed is free again, and its log holds each
 * node's {@code node_stopped} before {@code devnet_stopped}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DevnetProcessTest {
    private static final Pattern ROW = Pattern.compile(
            "^(node-\\d+)\\s+(dig1[0-9a-f]{16})\\s+([0-9a-f]{12})\\s+(http://127\\.0\\.0\\.1:(\\d+))\\s+127\\.0\\.0\\.1:(\\d+)\\s+(\\S+)$");
    private static final Pattern INTRODUCER = Pattern.compile("introducer 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void printsATableServesTheApisAndStopsOnSigint() throws Exception {
        Path base = tmp.resolve("devnet");
        Path out = tmp.resolve("devnet.out");
        Path err = tmp.resolve("devnet.err");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "net.dig.node.Main",
                "devnet", "--nodes", "2", "--base-dir", base.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        Process p = pb.start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(out).contains("Ctrl-C stops every node") || !p.isAlive());
            List<String> lines = Files.readAllLines(out);
            assertThat(p.isAlive()).as("running; out %s err %s", lines, Files.readString(err)).isTrue();

            List<Integer> ports = new ArrayList<>();
            Matcher intro = INTRODUCER.matcher(lines.getFirst());
            assertThat(intro.find()).as(lines.getFirst()).isTrue();
            ports.add(Integer.parseInt(intro.group(1)));
            List<Matcher> rows = lines.stream().map(ROW::matcher).filter(Matcher::matches).toList();
            assertThat(rows).as("table rows in %s", lines).hasSize(2);
            for (Matcher row : rows) {
                assertThat(Path.of(row.group(7))).isEqualTo(base.toAbsolutePath().resolve(row.group(1)));
                assertThat(lines).contains("  " + row.group(1) + ": curl " + row.group(4) + "/node/status");
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(row.group(4) + "/node/status"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(status.body()).get("node_id").asText()).isEqualTo(row.group(2));
                ports.add(Integer.parseInt(row.group(5)));
                ports.add(Integer.parseInt(row.group(6)));
            }

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
            assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -INT sent").isTrue();
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s").isTrue();
            assertThat(p.exitValue()).as("exit code; err %s", Files.readString(err)).isZero();
            assertThat(Files.readString(out)).contains("Stopped 2 nodes and the introducer.");
            for (int port : ports) {
                assertThat(Devnet.free(port)).as("port %d free after the stop", port).isTrue();
            }
            List<String> events = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(base.resolve("devnet.log"))) {
                JsonNode event = json.readTree(line);
                events.add(event.get("event").asText());
            }
            assertThat(events).containsSubsequence("devnet_started", "node_stopped", "node_stopped", "devnet_stopped");
            assertThat(events.stream().filter("devnet_node_started"::equals)).hasSize(2);
        } finally {
            p.destroyForcibly();
        }
    }
}
