package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import net.dig.service.CapsuleRepair;
import net.dig.service.FetchConfig;
import net.dig.service.FetchResponse;
import net.dig.service.NodeServices;
import net.dig.service.PeerLink;
import net.dig.service.RepairConfig;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.Manifest;
import net.dig.storage.ScrubConfig;
import net.dig.storage.Scrubber;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.Corruption;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never a bad byte over HTTP: a capsule flipped on disk of a running node is refused (503
 * {@code plot_unavailable}) on the identity, range, raw zstd and file paths, whether the flip is found
 * by the first serve, by a verify in another process, or by the scrubber; the rest of the plot is still
 * served; the manifest lists what is unavailable, or is 503 when nothing is servable; {@code /node/status}
 * counts it; all of it survives a restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeIntegrityHttpTest {
    private final ManualClock clock = new ManualClock();

    private static String capsule(Manifest m, int index) {
        return "/capsule/" + m.datastoreId().toHex() + "/" + index;
    }

    private CapsuleLocation where(ApiFixture f, Manifest m, int index) {
        // a second engine finds the bytes without handing them out on the node's own engine
        try (StorageEngine other = StorageEngine.open(new StorageConfig(f.root.resolve("data"), List.of(f.root.resolve("plots")),
                f.root.resolve("cache")), clock, f.node, new SplittableRandom(1))) {
            return other.locate(m.datastoreId(), index).orElseThrow();
        }
    }

    private static void assertRefused(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(new String(r.body(), StandardCharsets.UTF_8)).getString("error")).isEqualTo("plot_unavailable");
    }

    private static JsonObject status(ApiFixture f) throws Exception {
        return new JsonObject(new String(f.get("/node/status").body(), StandardCharsets.UTF_8));
    }

    @Test
    void aPlainCapsuleFlippedOnARunningNodeIsRefusedOnEveryPathAndTheRestOfThePlotIsServed(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c)) {
            CapsuleLocation one = where(f, f.dir, 1);
            Corruption.flip(one.plotPath(), one.offset() + 4096 * 3 + 17);

            assertRefused(f.get(capsule(f.dir, 1)));
            assertRefused(f.get(capsule(f.dir, 1), "Range", "bytes=0-99"));
            assertRefused(f.get(capsule(f.dir, 1), "Range", "bytes=12000-12400"));
            assertRefused(f.get("/datastore/" + f.dir.datastoreId().toHex() + "/file/data/big.bin"));
            // capsule-level: the other capsules of the same plot are served, and are right
            HttpResponse<byte[]> zero = f.get(capsule(f.dir, 0));
            assertThat(zero.statusCode()).isEqualTo(200);
            assertThat(Sha256.hash(zero.body())).isEqualTo(f.dir.capsules().get(0).hash());
            assertThat(f.get("/datastore/" + f.dir.datastoreId().toHex() + "/file/index.html").statusCode()).isEqualTo(200);

            JsonObject manifest = new JsonObject(new String(f.get("/datastore/" + f.dir.datastoreId().toHex() + "/manifest").body(),
                    StandardCharsets.UTF_8));
            assertThat(manifest.getJsonArray("unavailable")).isEqualTo(new JsonArray().add(1));
            JsonObject plots = status(f).getJsonObject("plots");
            assertThat(plots.getInteger("bad_capsules")).isEqualTo(1);
            assertThat(plots.getInteger("quarantined")).isEqualTo(1);

            f.restartServer();
            assertRefused(f.get(capsule(f.dir, 1)));
            assertThat(f.get(capsule(f.dir, 2)).statusCode()).isEqualTo(200);
            assertThat(status(f).getJsonObject("plots").getInteger("bad_capsules")).isEqualTo(1);
        }
    }

    @Test
    void aRepairWaitingForAHolderShowsInNodeStatus(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c)) {
            NodeServices services = f.services();
            CapsuleRepair.Transport<String> nobody = new CapsuleRepair.Transport<>() {
                @Override
                public CompletionStage<List<String>> providers(Bytes32 datastoreId) {
                    return CompletableFuture.completedFuture(List.of());
                }

                @Override
                public PeerLink<String> link(BiConsumer<String, FetchResponse> sink) {
                    throw new AssertionError("no provider, no link");
                }
            };
            services.capsuleRepair(services.fetchService(FetchConfig.defaults(), new SplittableRandom(3)), nobody, Runnable::run,
                    RepairConfig.defaults());
            JsonObject before = status(f).getJsonObject("plots").getJsonObject("repairs");
            assertThat(before.getInteger("pending")).isZero();
            CapsuleLocation one = where(f, f.dir, 1);
            Corruption.flip(one.plotPath(), one.offset() + 99);
            assertRefused(f.get(capsule(f.dir, 1)));

            JsonObject repairs = status(f).getJsonObject("plots").getJsonObject("repairs");
            assertThat(repairs.getInteger("pending")).isEqualTo(1);
            assertThat(repairs.getInteger("running")).isZero();
            assertThat(repairs.getLong("repaired")).isZero();
            assertThat(repairs.getLong("failed_attempts")).isEqualTo(1);
            assertThat(repairs.getLong("providers_penalised")).isZero();
        }
    }

    @Test
    void aFlippedZstdFrameIsNeverSentRawNorDecoded(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c)) {
            CapsuleLocation z = where(f, f.zstd, 1);
            Corruption.flip(z.plotPath(), z.offset() + z.storedLength() / 2);
            assertRefused(f.get(capsule(f.zstd, 1), "Accept-Encoding", "zstd"));
            assertRefused(f.get(capsule(f.zstd, 1)));
            assertRefused(f.get(capsule(f.zstd, 1), "Accept-Encoding", "zstd"));
            HttpResponse<byte[]> other = f.get(capsule(f.zstd, 0), "Accept-Encoding", "zstd");
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.headers().firstValue("Content-Encoding")).hasValue("zstd");
        }
    }

    @Test
    void aVerifyInAnotherProcessIsHonouredAtOnceAndAfterARestart(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c)) {
            assertThat(f.get(capsule(f.dir, 2)).statusCode()).isEqualTo(200); // known good, location cached
            CapsuleLocation two = where(f, f.dir, 2);
            Corruption.flip(two.plotPath(), two.offset() + 5);
            try (StorageEngine cli = StorageEngine.open(new StorageConfig(f.root.resolve("data"), List.of(f.root.resolve("plots")),
                    f.root.resolve("cache")), clock, f.node, new SplittableRandom(2))) {
                assertThat(cli.verify(Optional.empty(), Progress.none()).ok()).isFalse();
            }
            f.storage.scrubber(ScrubConfig.OFF).tick(); // what the node's scheduled tick does, scrubbing off
            assertRefused(f.get(capsule(f.dir, 2)));
            assertRefused(f.get(capsule(f.dir, 2), "Range", "bytes=0-9"));
            assertThat(status(f).getJsonObject("plots").getInteger("bad_capsules")).isEqualTo(1);
            f.restartServer();
            assertRefused(f.get(capsule(f.dir, 2)));
        }
    }

    @Test
    void theScrubberFindsRotInACapsuleAlreadyServedAndItIsRefusedFromThen(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c)) {
            assertThat(f.get(capsule(f.tiny, 0)).statusCode()).isEqualTo(200);
            CapsuleLocation t = where(f, f.tiny, 0);
            Corruption.flip(t.plotPath(), t.offset() + 2);
            Scrubber s = f.storage.scrubber(new ScrubConfig(64L << 20, Duration.ofDays(1)));
            s.tick();
            for (int i = 0; i < 20 && s.status().passes() == 0; i++) {
                clock.advance(Duration.ofSeconds(1));
                s.tick();
            }
            assertThat(s.status().badFound()).isEqualTo(1);
            assertRefused(f.get(capsule(f.tiny, 0)));
            // the only capsule of the datastore: nothing is servable, so its manifest is refused too
            assertRefused(f.get("/datastore/" + f.tiny.datastoreId().toHex() + "/manifest"));
            assertRefused(f.get("/datastore/" + f.tiny.datastoreId().toHex() + "/file/tiny.txt"));
            JsonObject scrub = status(f).getJsonObject("plots").getJsonObject("scrub");
            assertThat(scrub.getBoolean("enabled")).isTrue();
            assertThat(scrub.getLong("passes")).isEqualTo(1);
            assertThat(scrub.getLong("bad_found")).isEqualTo(1);
            assertThat(scrub.getLong("bytes_scrubbed")).isPositive();
            assertThat(scrub.getString("last_pass_finished")).isNotNull();
            String metrics = f.getText(f.metrics("/metrics")).body();
            assertThat(metrics).contains("storage_bad_capsules 1.0").contains("storage_scrub_passes_total 1.0")
                    .contains("storage_scrub_bad_found_total 1.0");
        }
    }
}
