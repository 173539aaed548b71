package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node (NodeRuntime on loopback) counts HTTP reads of a datastore; a clean stop writes them to
 * {@code replication/read-rates} in the home, and the next start reads them back: the datastore's read rate is
 * there again, decayed only by the time between.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReadRatesRestartTest {
    @TempDir
    Path tmp;

    private static NodeRuntime start(Path home) {
        DigNodeCommand.NodeContext ctx = LoopbackNode.context(home, new Setting("network.network_id", "testnet11", "test"));
        return NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
    }

    @Test
    void readRatesSurviveAStopAndAStart() throws Exception {
        Path home = tmp.resolve("home");
        assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        Path file = Files.write(tmp.resolve("read.bin"), new byte[10_000]);
        CliRun.Result added = new CliRun(home, Map.of()).run("datastore", "add", file.toString(), "--json", "--name", "read");
        assertThat(added.code()).as(added.err()).isZero();
        Bytes32 id = Bytes32.fromHex(new ObjectMapper().readTree(added.out()).get("datastore_id").asText());
        Bytes32 notHeld = Bytes32.fromHex("ab".repeat(32));

        double before;
        double notHeldBefore;
        HttpClient http = HttpClient.newHttpClient();
        try (NodeRuntime n = start(home)) {
            String base = "http://127.0.0.1:" + n.facts().get("api_port") + "/datastore/";
            for (int i = 0; i < 5; i++) {
                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + id.toHex() + "/manifest")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + notHeld.toHex() + "/manifest")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            before = n.services().content().reads().perHour(id);
            notHeldBefore = n.services().content().reads().perHour(notHeld);
        }
        assertThat(before).isPositive();
        assertThat(notHeldBefore).isPositive();
        assertThat(home.resolve(ReplicationWiring.READ_RATES)).isRegularFile();

        try (NodeRuntime n = start(home)) {
            double after = n.services().content().reads().perHour(id);
            assertThat(after).isPositive().isLessThanOrEqualTo(before).isGreaterThan(before / 2);
            assertThat(n.services().content().reads().perHour(notHeld)).isPositive().isLessThanOrEqualTo(notHeldBefore);
        }
    }
}
