package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.Manifest;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plot file that disappears while the node runs (a disk unplugged, a directory unmounted) makes its
 * capsules 503 JSON, first request included, and the node keeps serving everything else.
 */
class DiskOfflineTest {
    @Test
    void capsulesOfAVanishedPlotFileAre503AndTheRestIsServed(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            String gone = path(f.tiny, 0);
            CapsuleLocation where = f.storage.locate(f.tiny.datastoreId(), 0).orElseThrow();
            String healthy = path(f.zstd, 0);
            assertThat(f.storage.locate(f.zstd.datastoreId(), 0).orElseThrow().plotPath()).isNotEqualTo(where.plotPath());

            Files.delete(where.plotPath());

            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<byte[]> r = f.get(gone);
                assertThat(r.statusCode()).as("attempt %d", attempt).isEqualTo(503);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                JsonObject error = new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
                assertThat(error.getString("error")).isEqualTo("unavailable");
                assertThat(error.getString("message")).isNotBlank();
            }
            assertThat(f.get(healthy).statusCode()).isEqualTo(200);
        }
    }

    private static String path(Manifest m, int index) {
        return "/capsule/" + m.datastoreId().toHex() + "/" + index;
    }
}
