package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dig-node introducer} as a real child process on 127.0.0.1, any free port: logs
 * {@code introducer_started} (JSON, seed format) with its port, answers a node's
 * RequestPeersIntroducer, stops on SIGTERM with exit 0 and {@code introducer_stopped}.
 */
class IntroducerProcessTest {
    @TempDir
    Path tmp;

    @Test
    void runsUntilSigtermLoggingJson() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "net.dig.node.Main", "--data-dir", tmp.resolve("home").toString(),
                "introducer", "--listen", "127.0.0.1:0", "--network-id", "testnet11", "--private-addresses");
        Path output = tmp.resolve("output.log");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        Process p = pb.start();
        GossipService node = null;
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(output).contains("introducer_started") || !p.isAlive());
            assertThat(p.isAlive()).as("still running; output: %s", Files.readString(output)).isTrue();
            JsonNode started = StartProcessTest.event(Files.readAllLines(output), "introducer_started");
            assertThat(started.get("component").asText()).isEqualTo("introducer");
            assertThat(started.get("details").get("network_id").asText()).isEqualTo("testnet11");
            int port = started.get("details").get("port").asInt();
            assertThat(port).isPositive();

            node = new GossipService(GossipConfig.builder().listenAddr(new InetSocketAddress("127.0.0.1", 0)).networkId("testnet11")
                    .network(GossipConfig.Network.LOCAL).targetOutboundCount(0).peersFilePath(tmp.resolve("peers.dat"))
                    .introducer(GossipConfig.IntroducerConfig.of("wss://127.0.0.1:" + port)).build(), Clock.system(), new SplittableRandom(1));
            node.start();
            assertThat(node.handle().registerWithIntroducer().get(30, TimeUnit.SECONDS).success()).isTrue();
            assertThat(node.handle().discoverFromIntroducer().get(30, TimeUnit.SECONDS)).as("nobody but the asker").isEmpty();

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            List<String> lines = Files.readAllLines(output);
            assertThat(p.exitValue()).as("exit code; output: %s", lines).isZero();
            StartProcessTest.event(lines, "introducer_stopped");
            ObjectMapper json = new ObjectMapper();
            for (String line : lines) {
                assertThat(json.readTree(line).has("event")).as("every output line is a JSON log event: %s", line).isTrue();
            }
        } finally {
            if (node != null) {
                node.stop();
            }
            p.destroyForcibly();
        }
    }
}
