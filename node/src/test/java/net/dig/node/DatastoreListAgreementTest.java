package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dig-node datastore list --json} and {@code GET /datastores}, page after page, show the same rows. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DatastoreListAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @Test
    void theCliAndTheApiListTheSameDatastoresWithTheSameFields() throws Exception {
        Path home = tmp.resolve("home");
        assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        Files.createDirectories(tmp.resolve("src"));
        new CliRun(home, Map.of()).addRandomFiles(tmp.resolve("src"), 3, 20_000);
        CliRun.Result listed = new CliRun(home, Map.of()).run("datastore", "list", "--json");
        assertThat(listed.code()).as(listed.err()).isZero();
        JsonNode cli = JSON.readTree(listed.out());
        assertThat(cli).hasSize(3);
        CliRun.Result table = new CliRun(home, Map.of()).run("datastore", "list");
        assertThat(table.out()).contains("REASON").contains("added_locally");

        ArrayNode api = JSON.createArrayNode();
        DigNodeCommand.NodeContext ctx = OwnerDeletionTest.context(home);
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + node.facts().get("api_port") + "/datastores?limit=2";
            String cursor = null;
            int pages = 0;
            do {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + (cursor == null ? "" : "&cursor=" + cursor)))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode page = JSON.readTree(r.body());
                assertThat(page.get("datastores").size()).isBetween(1, 2);
                page.get("datastores").forEach(api::add);
                cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo(2);
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base.replace("limit=2", "limit=0"))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("error").asText()).isEqualTo("bad_field");
        }
        assertThat(api).isEqualTo(cli);
        assertThat(api.get(0).get("reason").asText()).isEqualTo("added_locally");
        assertThat(api.get(0).fieldNames()).toIterable().containsExactly("datastore_id", "name", "version", "capsule_count",
                "total_size", "merkle_root", "creation_time", "reason");
    }
}
