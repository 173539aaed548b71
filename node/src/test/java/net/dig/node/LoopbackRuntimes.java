package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;

/** Whole nodes on 127.0.0.1 with free ports for tests: an initialised home, started, and their peers as the API lists them. */
final class LoopbackRuntimes {
    private LoopbackRuntimes() {}

    /** Starts a node on {@code home}, running {@code init} first unless the home has its node.yaml already. */
    static NodeRuntime start(Path home, String network, List<Setting> more, Setting... extra) throws Exception {
        if (!java.nio.file.Files.exists(home.resolve("node.yaml"))) {
            assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        }
        List<Setting> all = new ArrayList<>(more);
        all.addAll(List.of(extra));
        return startInitialised(home, network, Clock.system(), all);
    }

    /** Starts a node on a home {@code init} already made, with {@code clock}. */
    static NodeRuntime startInitialised(Path home, String network, Clock clock, List<Setting> more) {
        List<Setting> settings = new ArrayList<>(List.of(
                new Setting("api.listen_address", "127.0.0.1:0", "test"),
                new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                new Setting("api.rate_limits.api_requests", "unlimited", "test"),
                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                new Setting("network.network_id", network, "test")));
        settings.addAll(more);
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), settings), Optional.empty());
        return NodeRuntime.start(ctx, StorageWiring.identity(ctx), clock);
    }

    /** {@code datastore add FILE --name NAME} on {@code home} (initialised here if needed), 256 KiB capsules; its id. */
    static String addDatastore(Path home, Path file, String name) throws Exception {
        CliRun cli = new CliRun(home, Map.of());
        if (!java.nio.file.Files.exists(home.resolve("node.yaml"))) {
            assertThat(cli.run("init").code()).isZero();
        }
        CliRun.Result added = cli.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json", "--name", name);
        assertThat(added.code()).as(added.err()).isZero();
        return new ObjectMapper().readTree(added.out()).get("datastore_id").asText();
    }

    /** The PeerIds {@code GET /network/peers} lists. */
    static List<String> peerIds(NodeRuntime node) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.facts().get("api_port") + "/network/peers")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        for (JsonNode p : new ObjectMapper().readTree(r.body()).get("peers")) {
            ids.add(p.get("peer_id").asText());
        }
        return ids;
    }
}
