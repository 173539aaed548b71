package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code plot verify} finds bad is recorded: {@code plot list} shows the plot degraded, also in a later process. */
class PlotIntegrityCliTest {
    @TempDir
    Path tmp;

    @Test
    void aCapsuleVerifyFoundBadMakesThePlotDegradedInPlotList() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path file = tmp.resolve("data.bin");
        byte[] data = new byte[600 * 1024];
        new Random(5).nextBytes(data);
        Files.write(file, data);
        ObjectMapper json = new ObjectMapper();
        CliRun.Result added = cli.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--compression", "none",
                "--json");
        assertThat(added.code()).as(added.err()).isZero();
        String id = json.readTree(added.out()).get("datastore_id").asText();
        CapsuleLocation loc;
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(home, List.of(home.resolve("plots")), home.resolve("cache")),
                Clock.system(), NodeIdentity.load(home.resolve("node.key")), new java.security.SecureRandom())) {
            loc = engine.locate(Bytes32.fromHex(id), 2).orElseThrow();
        }
        assertThat(json.readTree(cli.run("plot", "list", "--json").out()).get(0).get("status").asText()).isEqualTo("ok");
        Corruption.flip(loc.plotPath(), loc.offset() + 10);

        assertThat(cli.run("plot", "verify").code()).isEqualTo(1);

        CliRun.Result list = cli.run("plot", "list");
        assertThat(list.out()).contains("degraded").contains("1 bad capsule refused: capsule 2 of " + id);
        JsonNode plot = json.readTree(cli.run("plot", "list", "--json").out()).get(0);
        assertThat(plot.get("status").asText()).isEqualTo("degraded");
        assertThat(plot.get("quarantine_reason").asText()).contains("capsule 2 of " + id);
    }
}
