package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.PlotStatus;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A capsule whose only plot is quarantined is answered 503, not served, and the node stays up. */
class QuarantineTest {
    @Test
    void quarantinedPlotsAre503(@TempDir Path tmp) throws Exception {
        ManualClock clock = new ManualClock();
        NodeIdentity node = NodeIdentity.fromSeed(ApiFixture.seed(3));
        StorageConfig sc = new StorageConfig(tmp.resolve("data"), List.of(tmp.resolve("plots")), tmp.resolve("cache"));
        Path src = tmp.resolve("f.bin");
        Files.write(src, ApiFixture.pseudoRandom(100_000, 1));
        Manifest m;
        Path plot;
        try (StorageEngine s = StorageEngine.open(sc, clock, node, new SplittableRandom(1))) {
            m = s.ingest(src, new IngestOptions(262_144, Compression.NONE, "f"), node, Progress.none());
            plot = s.plots().getFirst().path();
        }
        try (FileChannel ch = FileChannel.open(plot, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55, 0x55, 0x55}), 100);
        }
        try (StorageEngine s = StorageEngine.open(sc, clock, node, new SplittableRandom(2))) {
            assertThat(s.plots().getFirst().status()).isEqualTo(PlotStatus.QUARANTINED);
            ApiConfig config = ApiConfig.defaults(tmp.resolve("api")).toBuilder().listen("127.0.0.1", 0)
                    .metricsListen("127.0.0.1", 0).eventLoops(1).build();
            try (ApiFixture.Running running = ApiFixture.startNode(config, s, node, clock, PeerDirectory.none())) {
                ApiServer server = running.server();
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/capsule/" + m.datastoreId().toHex() + "/0")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("plot_unavailable");
                assertThat(r.body()).contains("quarantined");
                JsonObject status = new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port() + "/node/status")).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertThat(status.getJsonObject("plots").getInteger("quarantined")).isEqualTo(1);
            }
        }
    }
}
