package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.api.ApiServer;
import net.dig.api.PeerDirectory;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.storage.StorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code datastore show ID --json} and the HTTP API's {@code GET /datastore/{id}/manifest} render the
 * manifest with two mappings (dig-api cannot depend on dig-node); this keeps them the same document.
 */
class ManifestParityTest {
    @TempDir
    Path tmp;

    @Test
    void theCliAndTheHttpApiServeTheSameManifest() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path dir = Files.createDirectories(tmp.resolve("site/css"));
        Files.writeString(tmp.resolve("site/index.html"), "<p>hi</p>\n");
        Files.writeString(dir.resolve("a.css"), "p { color: red }\n".repeat(20000));
        ObjectMapper json = new ObjectMapper();
        CliRun.Result added = cli.run("datastore", "add", tmp.resolve("site").toString(), "--capsule-size", "256KiB", "--json");
        assertThat(added.code()).as(added.err()).isZero();
        String id = json.readTree(added.out()).get("datastore_id").asText();
        JsonNode fromCli = json.readTree(cli.run("datastore", "show", id, "--json").out());

        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(),
                        List.of(new ConfigLoader.Setting("api.listen_address", "127.0.0.1:0", "test"),
                                new ConfigLoader.Setting("monitoring.metrics_port", "0", "test"))),
                Optional.empty());
        NodeIdentity identity = NodeIdentity.load(home.resolve("node.key"));
        try (StorageEngine storage = StorageWiring.open(ctx, identity, Clock.system());
             ApiServer api = ApiServer.start(NodeRuntime.apiConfig(ctx), storage, identity, Clock.system(), PeerDirectory.none());
             HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + api.port() + "/datastore/" + id + "/manifest"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode fromHttp = json.readTree(r.body());
            assertThat(fromCli.get("capsule_count").asInt()).isGreaterThan(1);
            assertThat(fromCli).isEqualTo(fromHttp); // JSON equality: same fields and values, any order
        }
    }
}
