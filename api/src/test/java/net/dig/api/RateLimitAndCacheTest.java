package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitAndCacheTest {
    @Test
    void seedLimitsAnswer429WithRetryAfterAndRefillWithTheClock(@TempDir Path tmp) throws Exception {
        ManualClock clock = new ManualClock();
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c.toBuilder().rateLimits(
                new RateLimit(3, Duration.ofMinutes(1)), new RateLimit(1, Duration.ofMinutes(1)), new RateLimit(2, Duration.ofMinutes(1))).build())) {
            String capsule = "/capsule/" + f.tiny.datastoreId().toHex() + "/0";
            for (int i = 0; i < 3; i++) {
                assertThat(f.get(capsule).statusCode()).isEqualTo(200);
            }
            HttpResponse<byte[]> limited = f.get(capsule);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValue("20");
            assertThat(new JsonObject(new String(limited.body())).getString("error")).isEqualTo("rate_limited");
            clock.advance(Duration.ofSeconds(19));
            assertThat(f.get(capsule).statusCode()).isEqualTo(429);
            clock.advance(Duration.ofSeconds(1));
            assertThat(f.get(capsule).statusCode()).isEqualTo(200);

            // api_requests are per key: the client IP, or the admin token (a token that validates)
            String manifest = "/datastore/" + f.tiny.datastoreId().toHex() + "/manifest";
            assertThat(f.send("GET", manifest, null).statusCode()).isEqualTo(200);
            assertThat(f.send("GET", manifest, null).statusCode()).isEqualTo(200);
            assertThat(f.send("GET", manifest, null).statusCode()).isEqualTo(429);
            assertThat(f.send("GET", manifest, null, "Authorization", "Bearer " + ApiFixture.ADMIN).statusCode()).isEqualTo(200);
            assertThat(f.send("GET", "/node/status", null, "Authorization", "Bearer key-two").statusCode()).isEqualTo(429);

            // validation_challenge: 1 per minute per IP, counted before the body is even looked at
            assertThat(f.postJson("/validation/challenge", "{}", false).statusCode()).isEqualTo(400);
            assertThat(f.postJson("/validation/challenge", "{}", false).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void cacheTiersCountHitsAcrossRequests(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            String z = "/capsule/" + f.zstd.datastoreId().toHex() + "/1";
            byte[] first = f.get(z).body();
            byte[] second = f.get(z).body();
            assertThat(second).isEqualTo(first);
            JsonObject cache = new JsonObject(f.send("GET", "/node/status", null).body()).getJsonObject("cache");
            assertThat(cache.getJsonObject("l1").getLong("hits")).isEqualTo(1);
            assertThat(cache.getJsonObject("l1").getLong("misses")).isEqualTo(1);
            assertThat(cache.getJsonObject("l1").getDouble("hit_ratio")).isEqualTo(0.5);
            assertThat(cache.getJsonObject("l2").getLong("misses")).isEqualTo(1);
            assertThat(cache.getJsonObject("l2").getLong("bytes")).isEqualTo(first.length);
            String metrics = f.getText(f.metrics("/metrics")).body();
            assertThat(metrics).contains("cache_hit_ratio{tier=\"l1\"} 0.5");
        }
    }

    @Test
    void theDiskTierServesWhenRamIsOff(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(),
                c -> c.toBuilder().caches(0, tmp.resolve("l2"), 8 << 20).build())) {
            String z = "/capsule/" + f.zstd.datastoreId().toHex() + "/0";
            byte[] plain = f.storage.readCapsule(f.zstd.datastoreId(), 0);
            assertThat(f.get(z).body()).isEqualTo(plain);
            assertThat(f.get(z).body()).isEqualTo(plain);
            assertThat(f.get(z, "Range", "bytes=5-9").body()).isEqualTo(java.util.Arrays.copyOfRange(plain, 5, 10));
            JsonObject l2 = new JsonObject(f.send("GET", "/node/status", null).body()).getJsonObject("cache").getJsonObject("l2");
            assertThat(l2.getLong("hits")).isEqualTo(2);
            assertThat(l2.getLong("misses")).isEqualTo(1);
        }
    }
}
