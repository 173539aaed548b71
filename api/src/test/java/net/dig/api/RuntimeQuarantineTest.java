package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import net.dig.core.Progress;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.Manifest;
import net.dig.testkit.ManualClock;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plot that {@code storage.verify} finds bad while the server runs stops being served at once, even
 * though the capsule's metadata is still cached (no clock advance).
 */
class RuntimeQuarantineTest {
    @Test
    void capsulesOfPlotsFoundBadAtRuntimeAre503AtOnce(@TempDir Path tmp) throws Exception {
        ManualClock clock = new ManualClock();
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c)) {
            String bodyCapsule = path(f.dir, 0);
            String headerCapsule = path(f.tiny, 0);
            assertThat(f.get(bodyCapsule).statusCode()).isEqualTo(200);
            assertThat(f.get(headerCapsule).statusCode()).isEqualTo(200);

            CapsuleLocation body = f.storage.locate(f.dir.datastoreId(), 0).orElseThrow();
            CapsuleLocation header = f.storage.locate(f.tiny.datastoreId(), 0).orElseThrow();
            Corruption.flip(body.plotPath(), body.offset() + 7);
            Corruption.flip(header.plotPath(), 100);
            f.storage.verify(Optional.empty(), Progress.none());

            for (String p : new String[] {bodyCapsule, headerCapsule}) {
                HttpResponse<byte[]> r = f.get(p);
                String text = new String(r.body(), StandardCharsets.UTF_8);
                assertThat(r.statusCode()).as(p).isEqualTo(503);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                assertThat(new JsonObject(text).getString("error")).isEqualTo("plot_unavailable");
            }
            // a datastore in a healthy plot is still served
            assertThat(f.get(path(f.zstd, 0)).statusCode()).isEqualTo(200);
        }
    }

    private static String path(Manifest m, int index) {
        return "/capsule/" + m.datastoreId().toHex() + "/" + index;
    }

}
