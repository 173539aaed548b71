package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several server instances (one per event loop) share one port, also when the OS picks it (port 0). */
class EventLoopSharingTest {
    @Test
    void severalEventLoopsShareAnOsChosenPort(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), List::of, c -> c.toBuilder().eventLoops(3).build())) {
            assertThat(f.server.port()).isPositive();
            String uri = "http://127.0.0.1:" + f.server.port() + "/capsule/" + f.tiny.datastoreId().toHex() + "/0";
            // A fresh client per request forces a new connection each time, so the accepts spread over instances.
            for (int i = 0; i < 6; i++) {
                try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(java.net.URI.create(uri)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("0123456789");
                }
            }
        }
    }
}
