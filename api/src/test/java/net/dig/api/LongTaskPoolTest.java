package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long work (push, plot creation) has its own bounded pool: when it is full, those answer 503 and nothing else waits. */
class LongTaskPoolTest {
    @Test
    void aFullLongTaskPoolRefusesLongWorkWith503AndStarvesNothingElse(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            LongTasks pool = f.server.context().longTasks();
            CountDownLatch release = new CountDownLatch(1);
            List<Future<Object>> held = new ArrayList<>();
            try {
                for (int i = 0; i < pool.capacity(); i++) {
                    held.add(pool.submit("a fake long task", () -> release.await(60, TimeUnit.SECONDS)));
                }
                HttpResponse<String> plot = f.postJson("/plot/create",
                        new JsonObject().put("datastore_id", f.zstd.datastoreId().toHex()).put("compression", "none").encode(), true);
                assertThat(plot.statusCode()).as(plot.body()).isEqualTo(503);
                assertThat(new JsonObject(plot.body()).getString("error")).as(plot.body()).isEqualTo("busy");
                assertThat(plot.headers().firstValue("Retry-After")).isPresent();

                HttpResponse<String> push = f.send("POST", "/datastore/push", "x", "Authorization", "Bearer " + ApiFixture.ADMIN,
                        "Content-Type", "multipart/form-data; boundary=b");
                assertThat(push.statusCode()).as(push.body()).isEqualTo(503);
                assertThat(new JsonObject(push.body()).getString("error")).isEqualTo("busy");
                assertThat(push.headers().firstValue("Retry-After")).isPresent();

                // health and capsule metadata lookups (not cached yet) still answer
                assertThat(f.getText(f.metrics("/health")).statusCode()).isEqualTo(200);
                for (int i = 0; i < f.dir.capsules().size(); i++) {
                    assertThat(f.get("/capsule/" + f.dir.datastoreId().toHex() + "/" + i).statusCode()).isEqualTo(200);
                }
                assertThat(f.send("GET", "/datastore/" + f.zstd.datastoreId().toHex() + "/manifest", null).statusCode())
                        .isEqualTo(200);
            } finally {
                release.countDown();
            }
            for (Future<Object> h : held) {
                h.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            HttpResponse<String> again = f.postJson("/plot/create",
                    new JsonObject().put("datastore_id", f.zstd.datastoreId().toHex()).put("compression", "none").encode(), true);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        }
    }
}
