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
        assertThatThrownBy(() -> defaults.toBuilder().listen("0.0.0.0", 70000).build()).hasMessageContaining("port");
        assertThatThrownBy(() -> defaults.toBuilder().listen(" ", 1).build()).hasMessageContaining("host");
        assertThatThrownBy(() -> defaults.toBuilder().admin("short", false).build()).hasMessageContaining("adminToken");
        assertThatThrownBy(() -> defaults.toBuilder().limits(100, 1 << 20, 8192).build()).hasMessageContaining("jsonBodyLimit");
        assertThatThrownBy(() -> defaults.toBuilder().limits(1 << 20, 1024 * 1024 - 1, 8192).build()).hasMessageContaining("pushBodyLimit");
        assertThatThrownBy(() -> defaults.toBuilder().timeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)).build())
                .hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> new RateLimit(-1, Duration.ofMinutes(1))).hasMessageContaining("permits");
        assertThatThrownBy(() -> defaults.toBuilder().eventLoops(0).build()).hasMessageContaining("eventLoops");
    }

    @Test
    void theAdminTokenIsNeverPrinted() {
        ApiConfig c = defaults.toBuilder().admin("a-very-secret-admin-token", false).build();
        assertThat(c.toString()).doesNotContain("a-very-secret-admin-token").contains("admin=token");
    }

    @Test
    void aCopyKeepsEveryOtherValueAndIsValidatedLikeANewRecord() {
        assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
        ApiConfig c = defaults.toBuilder().port(1234).openPush(true).build();
        assertThat(c).isEqualTo(new ApiConfig(defaults.host(), 1234, defaults.metricsHost(), defaults.metricsPort(),
                defaults.eventLoops(), defaults.jsonBodyLimit(), defaults.pushBodyLimit(), defaults.maxHeaderSize(),
                defaults.idleTimeout(), defaults.requestTimeout(), defaults.pushTimeout(), defaults.adminToken(),
                true, defaults.capsuleRetrieval(), defaults.validationChallenge(), defaults.apiRequests(),
                defaults.l1CacheBytes(), defaults.l2CacheDir(), defaults.l2CacheBytes(), defaults.dataDir(),
                defaults.validatorKeys(), defaults.push()));
        assertThat(ApiConfig.builder(Path.of("/var/lib/dig")).build()).isEqualTo(defaults);
        assertThatThrownBy(() -> defaults.toBuilder().port(-1).build()).hasMessageContaining("port");
    }

    @Test
    void pushLimitsAreValidated() {
        PushLimits d = PushLimits.defaults();
        assertThat(defaults.push()).isEqualTo(d);
        assertThatThrownBy(() -> new PushLimits(4, 4, d.idleTimeout())).hasMessageContaining("spoolMax");
        assertThatThrownBy(() -> new PushLimits(1L << 20, 2L << 20, d.idleTimeout())).hasMessageContaining("spoolPerClientMax");
        assertThatThrownBy(() -> new PushLimits(1L << 20, 1L << 10, d.idleTimeout())).hasMessageContaining("spoolPerClientMax");
        assertThatThrownBy(() -> new PushLimits(1L << 20, 1L << 20, java.time.Duration.ZERO)).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> defaults.toBuilder().push(null).build()).hasMessageContaining("push");
    }
}
