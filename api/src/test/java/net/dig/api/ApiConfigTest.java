package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiConfigTest {
    private final ApiConfig defaults = ApiConfig.defaults(Path.of("/var/lib/dig"));

    @Test
    void defaultsAreTheSeedsPortsAndLimits() {
        assertThat(defaults.host()).isEqualTo("0.0.0.0");
        assertThat(defaults.port()).isEqualTo(8555);
        assertThat(defaults.metricsPort()).isEqualTo(9090);
        assertThat(defaults.capsuleRetrieval()).isEqualTo(RateLimit.perMinute(100));
        assertThat(defaults.validationChallenge()).isEqualTo(RateLimit.perMinute(10));
        assertThat(defaults.apiRequests()).isEqualTo(RateLimit.perMinute(60));
        assertThat(defaults.adminToken()).isNull();
        assertThat(defaults.l2CacheDir()).isEqualTo(Path.of("/var/lib/dig/http-cache"));
    }

    @Test
    void badValuesAreRefusedWithTheFieldName() {
        assertThatThrownBy(() -> defaults.withListen("0.0.0.0", 70000)).hasMessageContaining("port");
        assertThatThrownBy(() -> defaults.withListen(" ", 1)).hasMessageContaining("host");
        assertThatThrownBy(() -> defaults.withAdmin("short", false)).hasMessageContaining("adminToken");
        assertThatThrownBy(() -> defaults.withLimits(100, 1 << 20, 8192)).hasMessageContaining("jsonBodyLimit");
        assertThatThrownBy(() -> defaults.withLimits(1 << 20, 1024 * 1024 - 1, 8192)).hasMessageContaining("pushBodyLimit");
        assertThatThrownBy(() -> defaults.withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> new RateLimit(-1, Duration.ofMinutes(1))).hasMessageContaining("permits");
        assertThatThrownBy(() -> defaults.withEventLoops(0)).hasMessageContaining("eventLoops");
    }

    @Test
    void theAdminTokenIsNeverPrinted() {
        ApiConfig c = defaults.withAdmin("a-very-secret-admin-token", false);
        assertThat(c.toString()).doesNotContain("a-very-secret-admin-token").contains("admin=token");
    }
}
