package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.api.ApiConfig;
import net.dig.api.PushLimits;
import net.dig.api.RateLimit;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code api:} keys of {@code node.yaml} and how they become the HTTP API's {@link ApiConfig}. */
class ApiSectionConfigTest {
    private static final String TOKEN = "s3cret-admin-token-0123456789";

    @TempDir
    Path home;

    private DigNodeCommand.NodeContext context(String yaml, Map<String, String> env, Setting... settings) throws IOException {
        Path file = home.resolve("node.yaml");
        Files.writeString(file, yaml);
        return new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(file), env, List.of(settings)), Optional.of(file));
    }

    private void rejects(String yaml, String message) {
        assertThatThrownBy(() -> context(yaml, Map.of())).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void defaultsAreTheSeeds() throws IOException {
        ApiConfig api = NodeRuntime.apiConfig(context("", Map.of()));
        assertThat(api.host()).isEqualTo("0.0.0.0");
        assertThat(api.port()).isEqualTo(8555);
        assertThat(api.metricsHost()).isEqualTo("0.0.0.0");
        assertThat(api.metricsPort()).isEqualTo(9090);
        assertThat(api.adminToken()).isNull();
        assertThat(api.openPush()).isFalse();
        assertThat(api.capsuleRetrieval()).isEqualTo(RateLimit.perMinute(100));
        assertThat(api.validationChallenge()).isEqualTo(RateLimit.perMinute(10));
        assertThat(api.apiRequests()).isEqualTo(RateLimit.perMinute(60));
        assertThat(api.l1CacheBytes()).isEqualTo((long) (Runtime.getRuntime().maxMemory() * 0.10));
        assertThat(api.l2CacheDir()).isEqualTo(home.resolve("cache/http"));
        assertThat(api.l2CacheBytes()).isEqualTo(4L << 30);
        assertThat(api.validatorKeys()).isEmpty();
    }

    @Test
    void everyApiKeyReachesTheApiConfig() throws IOException {
        ApiConfig api = NodeRuntime.apiConfig(context("""
                api:
                  listen_address: "127.0.0.1:8556"
                  metrics_listen_address: "127.0.0.2:9191"
                  admin_token: "%s"
                  open_push: true
                  rate_limits:
                    capsule_retrieval: "5/second"
                    api_requests: unlimited
                  cache_size: "64MiB"
                  disk_cache_size: "1GiB"
                  validator_keys: ["0x%s", "%s"]
                storage:
                  cache_dir: /var/cache/dig
                """.formatted(TOKEN, "AB".repeat(32), "cd".repeat(32)), Map.of()));
        assertThat(api.host()).isEqualTo("127.0.0.1");
        assertThat(api.port()).isEqualTo(8556);
        assertThat(api.metricsHost()).isEqualTo("127.0.0.2");
        assertThat(api.metricsPort()).isEqualTo(9191);
        assertThat(api.adminToken()).isEqualTo(TOKEN);
        assertThat(api.openPush()).isTrue();
        assertThat(api.capsuleRetrieval()).isEqualTo(new RateLimit(5, Duration.ofSeconds(1)));
        assertThat(api.validationChallenge()).as("a partial rate_limits mapping keeps the other defaults")
                .isEqualTo(RateLimit.perMinute(10));
        assertThat(api.apiRequests().isUnlimited()).isTrue();
        assertThat(api.l1CacheBytes()).isEqualTo(64L << 20);
        assertThat(api.l2CacheDir()).isEqualTo(Path.of("/var/cache/dig/http"));
        assertThat(api.l2CacheBytes()).isEqualTo(1L << 30);
        assertThat(api.validatorKeys()).containsExactly("ab".repeat(32), "cd".repeat(32));
    }

    @Test
    void theSeedsMetricsPortStillWorks() throws IOException {
        ApiConfig api = NodeRuntime.apiConfig(context("monitoring:\n  metrics_port: 9191\napi:\n  listen_address: 127.0.0.1:8555\n", Map.of()));
        assertThat(api.metricsHost()).isEqualTo("127.0.0.1");
        assertThat(api.metricsPort()).isEqualTo(9191);
    }

    @Test
    void theTokenComesFromTheEnvironmentOrAFileAndIsNeverPrinted() throws IOException {
        DigNodeCommand.NodeContext fromEnv = context("", Map.of("DIG_NODE_API_ADMIN_TOKEN", TOKEN,
                "DIG_NODE_API_RATE_LIMITS_CAPSULE_RETRIEVAL", "7/hour", "DIG_NODE_API_OPEN_PUSH", "true"));
        ApiConfig api = NodeRuntime.apiConfig(fromEnv);
        assertThat(api.adminToken()).isEqualTo(TOKEN);
        assertThat(api.openPush()).isTrue();
        assertThat(api.capsuleRetrieval()).isEqualTo(new RateLimit(7, Duration.ofHours(1)));
        assertThat(fromEnv.config().toString()).doesNotContain(TOKEN);
        assertThat(api.toString()).doesNotContain(TOKEN);

        Files.writeString(home.resolve("admin.token"), TOKEN + "\n");
        ApiConfig fromFile = NodeRuntime.apiConfig(context("api:\n  admin_token_file: admin.token\n", Map.of()));
        assertThat(fromFile.adminToken()).isEqualTo(TOKEN);

        DigNodeCommand.NodeContext missing = context("api:\n  admin_token_file: nowhere.token\n", Map.of());
        assertThatThrownBy(() -> NodeRuntime.apiConfig(missing)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("api.admin_token_file: cannot read " + home.resolve("nowhere.token"));
        Files.writeString(home.resolve("short.token"), "short\n");
        DigNodeCommand.NodeContext shortFile = context("api:\n  admin_token_file: short.token\n", Map.of());
        assertThatThrownBy(() -> NodeRuntime.apiConfig(shortFile)).isInstanceOf(ConfigException.class)
                .hasMessage("api.admin_token_file: must be at least 16 characters, got 5");
    }

    @Test
    void badApiValuesNameTheKeyPath() {
        rejects("api:\n  admin_token: short\n", "api.admin_token: must be at least 16 characters, got 5");
        rejects("api:\n  admin_token: \"%s\"\n  admin_token_file: t\n".formatted(TOKEN),
                "api.admin_token: set either admin_token or admin_token_file, not both");
        rejects("api:\n  rate_limits:\n    capsule_retrieval: 100 per minute\n",
                "api.rate_limits.capsule_retrieval: must be \"N/second\", \"N/minute\", \"N/hour\" or \"N/day\" with N >= 1, or \"unlimited\"; got \"100 per minute\"");
        rejects("api:\n  rate_limits:\n    api_requests: 0/minute\n",
                "api.rate_limits.api_requests: must be \"N/second\", \"N/minute\", \"N/hour\" or \"N/day\" with N >= 1, or \"unlimited\"; got \"0/minute\"");
        rejects("api:\n  rate_limits:\n    p2p_messages: 1000/minute\n",
                "api.rate_limits.p2p_messages: unknown key; known keys of api.rate_limits: capsule_retrieval, validation_challenge, api_requests");
        rejects("api:\n  rate_limits: 100/minute\n",
                "api.rate_limits: must be a mapping of keys (capsule_retrieval, validation_challenge, api_requests), got \"100/minute\"");
        rejects("api:\n  cache_size: 95%\n", "api.cache_size: must be at most 90% of the heap, got \"95%\"");
        rejects("api:\n  cache_size: 10 percent\n", "api.cache_size: must be a size like \"512MiB\" or \"50GB\" ("
                + "units B; KiB, MiB, GiB, TiB = 1024^n; kB, MB, GB, TB = 1000^n), got \"10 percent\"");
        rejects("api:\n  disk_cache_size: 4gb\n", "api.disk_cache_size: must be a size like \"512MiB\" or \"50GB\" ("
                + "units B; KiB, MiB, GiB, TiB = 1024^n; kB, MB, GB, TB = 1000^n), got \"4gb\"");
        rejects("api:\n  disk_cache_size: 4.5GiB\n", "api.disk_cache_size: must be a size like \"512MiB\" or \"50GB\" ("
                + "units B; KiB, MiB, GiB, TiB = 1024^n; kB, MB, GB, TB = 1000^n), got \"4.5GiB\"");
        rejects("api:\n  disk_cache_size: 99999999TB\n", "api.disk_cache_size: is too large, got \"99999999TB\"");
        rejects("api:\n  disk_cache_size: [1]\n", "api.disk_cache_size: expected a string, got a list");
        rejects("api:\n  metrics_listen_address: localhost\n", "api.metrics_listen_address: must be host:port, got \"localhost\"");
        rejects("api:\n  validator_keys: [\"0x1234\"]\n",
                "api.validator_keys[0]: must be an Ed25519 public key, 64 hex digits, got \"0x1234\"");
        rejects("api:\n  open_push: yes please\n", "api.open_push: expected true or false, got \"yes please\"");
        assertThatThrownBy(() -> context("", Map.of(), new Setting("api.rate_limits.nope", "1/second", "--set")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("api.rate_limits.nope: unknown key (from --set); known keys of api.rate_limits: capsule_retrieval, validation_challenge, api_requests");
        assertThatThrownBy(() -> context("", Map.of(), new Setting("api.rate_limits", "1/second", "--set")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("api.rate_limits: is a mapping; set its keys (from --set): api.rate_limits.<capsule_retrieval|validation_challenge|api_requests>");
    }

    @Test
    void anAbsoluteCacheSizeMustLeaveTheHeapRoomToRun() {
        assertThat(NodeRuntime.l1CacheBytes(ConfigValues.cacheSize("10%"), 1000L << 20)).isEqualTo(100L << 20);
        assertThat(NodeRuntime.l1CacheBytes(ConfigValues.cacheSize("512MiB"), 1L << 30)).isEqualTo(512L << 20);
        assertThat(NodeRuntime.l1CacheBytes(ConfigValues.cacheSize("0"), 1L << 30)).isZero();
        assertThatThrownBy(() -> NodeRuntime.l1CacheBytes(ConfigValues.cacheSize("1GiB"), 1L << 30)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("api.cache_size: is 1073741824 bytes, more than 90% of the maximum heap");
    }

    @Test
    void sizesSayTheirBaseBinaryUnitsArePowersOf1024DecimalOnesOf1000() throws IOException {
        assertThat(NodeRuntime.apiConfig(context("api:\n  disk_cache_size: 50GB\n", Map.of())).l2CacheBytes())
                .isEqualTo(50_000_000_000L);
        assertThat(NodeRuntime.apiConfig(context("api:\n  disk_cache_size: 1MiB\n", Map.of())).l2CacheBytes())
                .isEqualTo(1L << 20);
        assertThat(NodeRuntime.apiConfig(context("api:\n  disk_cache_size: 0\n", Map.of())).l2CacheBytes()).isZero();
        assertThat(NodeRuntime.apiConfig(context("", Map.of("DIG_NODE_API_DISK_CACHE_SIZE", "2 kB"))).l2CacheBytes())
                .isEqualTo(2_000);
        assertThat(ByteSize.parse("3TiB").bytes()).isEqualTo(3L << 40);
        assertThat(ByteSize.parse("3TB").bytes()).isEqualTo(3_000_000_000_000L);
        assertThat(ByteSize.parse("7").bytes()).isEqualTo(7);
        assertThat(ByteSize.parse("7 B").bytes()).isEqualTo(7);
    }

    @Test
    void thePushSpoolKeysReachTheApiConfigAndAreChecked() throws IOException {
        assertThat(NodeRuntime.apiConfig(context("", Map.of())).push()).isEqualTo(PushLimits.defaults());
        ApiConfig api = NodeRuntime.apiConfig(context("api:\n  push:\n    spool_max: 8GiB\n    idle_timeout_secs: 5\n",
                Map.of("DIG_NODE_API_PUSH_SPOOL_PER_CLIENT_MAX", "512MiB")));
        assertThat(api.push()).isEqualTo(new PushLimits(8L << 30, 512L << 20, Duration.ofSeconds(5)));
        assertThat(NodeRuntime.apiConfig(context("", Map.of(), new Setting("api.push.spool_max", "2GiB", "--set")))
                .push().spoolMax()).isEqualTo(2L << 30);
        rejects("api:\n  push:\n    spool_max: 1KiB\n", "api.push.spool_max: must be >= 65536, got 1024");
        rejects("api:\n  push:\n    spool_per_client_max: 8GiB\n", "api.push.spool_per_client_max: must be within 65536 bytes"
                + " and spool_max (4294967296 bytes), got 8589934592");
        rejects("api:\n  push:\n    idle_timeout_secs: 0\n", "api.push.idle_timeout_secs: must be >= 1, got 0");
    }
}
