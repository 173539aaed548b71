package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code api_requests}: only a token that validates gets its own bucket; anything else counts against the client IP. */
class ApiKeyLimitTest {
    @Test
    void rotatingUnknownBearerTokensDoNotEscapeTheIpBucket(@TempDir Path tmp) throws Exception {
        ManualClock clock = new ManualClock();
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c.toBuilder().rateLimits(
                RateLimit.unlimited(), RateLimit.unlimited(), new RateLimit(2, Duration.ofMinutes(1))).build())) {
            String manifest = "/datastore/" + f.tiny.datastoreId().toHex() + "/manifest";
            assertThat(f.send("GET", manifest, null, "Authorization", "Bearer random-1").statusCode()).isEqualTo(200);
            assertThat(f.send("GET", manifest, null, "Authorization", "Bearer random-2").statusCode()).isEqualTo(200);
            assertThat(f.send("GET", manifest, null, "Authorization", "Bearer random-3").statusCode()).isEqualTo(429);
            assertThat(f.send("GET", "/node/status", null).statusCode()).isEqualTo(429);

            // the admin token validates: its own bucket, also exhausted after 2
            String admin = "Bearer " + ApiFixture.ADMIN;
            assertThat(f.send("GET", manifest, null, "Authorization", admin).statusCode()).isEqualTo(200);
            assertThat(f.send("GET", "/node/status", null, "Authorization", admin).statusCode()).isEqualTo(200);
            assertThat(f.send("GET", manifest, null, "Authorization", admin).statusCode()).isEqualTo(429);

            clock.advance(Duration.ofSeconds(30));
            assertThat(f.send("GET", manifest, null, "Authorization", "Bearer random-4").statusCode()).isEqualTo(200);
            assertThat(f.send("GET", manifest, null, "Authorization", "Bearer random-5").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void ipv6ClientsShareABucketPerSlash64() {
        assertThat(ApiContext.ipBucket("2001:db8:1:2:3:4:5:6")).isEqualTo(ApiContext.ipBucket("2001:db8:1:2:ffff::1"));
        assertThat(ApiContext.ipBucket("2001:db8:1:2::1")).isNotEqualTo(ApiContext.ipBucket("2001:db8:1:3::1"));
        assertThat(ApiContext.ipBucket("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(ApiContext.ipBucket("127.0.0.1")).isNotEqualTo(ApiContext.ipBucket("127.0.0.2"));
        assertThat(ApiContext.ipBucket("not an address")).isEqualTo("not an address");
    }
}
