package net.dig.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the HTTP API needs to start, validated on construction (a bad value fails with a message
 * naming the field). {@link #defaults(Path)} gives the seed's values; a changed copy is made with
 * {@link #toBuilder()} (or {@link #builder(Path)}), whose {@code build()} validates it like a new record.
 *
 * @param host                listen address of the API (default {@code 0.0.0.0})
 * @param port                API port (default 8555; 0 = any free port, for tests)
 * @param metricsHost         listen address of {@code /metrics} and {@code /health}
 * @param metricsPort         metrics port (default 9090; 0 = any free port)
 * @param eventLoops          server instances sharing the port, one per event loop
 * @param jsonBodyLimit       largest accepted body of the JSON endpoints, bytes (413 above)
 * @param pushBodyLimit       largest accepted {@code POST /datastore/push} body, bytes (413 above)
 * @param maxHeaderSize       largest accepted request header block, bytes (431 above)
 * @param idleTimeout         a connection with no traffic for this long is closed
 * @param requestTimeout      a request (headers after a keep-alive pause, then body) must arrive within this
 * @param pushTimeout         as {@code requestTimeout}, for the large push uploads
 * @param adminToken          bearer token of the admin endpoints; {@code null} disables them (403)
 * @param openPush            if true, {@code POST /datastore/push} and {@code POST /handle} need no token
 * @param capsuleRetrieval    seed {@code capsule_retrieval} limit, per client IP
 * @param validationChallenge seed {@code validation_challenge} limit, per client IP
 * @param apiRequests         seed {@code api_requests} limit, per key (bearer token, else client IP)
 * @param l1CacheBytes        RAM tier of decompressed capsules (0 disables)
 * @param l2CacheDir          disk tier directory
 * @param l2CacheBytes        disk tier bound (0 disables)
 * @param dataDir             where the API keeps its own state ({@code handles.sqlite}, upload spool)
 * @param validatorKeys       Ed25519 public keys (64 lower-case hex digits, an optional {@code 0x} is
 *                            dropped) of the validators whose {@code POST /validation/challenge} this node
 *                            answers; empty (the default) = every challenge is refused with 403
 * @param push                bounds of the push spool and the idle timeout of a push body ({@link PushLimits})
 */
public record ApiConfig(
        String host, int port, String metricsHost, int metricsPort, int eventLoops,
        long jsonBodyLimit, long pushBodyLimit, int maxHeaderSize,
        Duration idleTimeout, Duration requestTimeout, Duration pushTimeout,
        String adminToken, boolean openPush,
        RateLimit capsuleRetrieval, RateLimit validationChallenge, RateLimit apiRequests,
        long l1CacheBytes, Path l2CacheDir, long l2CacheBytes,
        Path dataDir, Set<String> validatorKeys, PushLimits push) {

    public static final int DEFAULT_PORT = 8555;
    public static final int DEFAULT_METRICS_PORT = 9090;

    public ApiConfig {
        requireText(host, "host");
        requireText(metricsHost, "metricsHost");
        requirePort(port, "port");
        requirePort(metricsPort, "metricsPort");
        if (eventLoops < 1 || eventLoops > 256) {
            throw new IllegalArgumentException("eventLoops must be within 1..256, got " + eventLoops);
        }
        if (jsonBodyLimit < 1024) {
            throw new IllegalArgumentException("jsonBodyLimit must be >= 1024 bytes, got " + jsonBodyLimit);
        }
        if (pushBodyLimit < jsonBodyLimit) {
            throw new IllegalArgumentException("pushBodyLimit (" + pushBodyLimit
                    + ") must be >= jsonBodyLimit (" + jsonBodyLimit + ")");
        }
        if (maxHeaderSize < 1024 || maxHeaderSize > 1 << 20) {
            throw new IllegalArgumentException("maxHeaderSize must be within 1 KiB..1 MiB, got " + maxHeaderSize);
        }
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(pushTimeout, "pushTimeout");
        if (adminToken != null && adminToken.length() < 16) {
            throw new IllegalArgumentException("adminToken must be at least 16 characters (or null to disable admin endpoints)");
        }
        Objects.requireNonNull(capsuleRetrieval, "capsuleRetrieval");
        Objects.requireNonNull(validationChallenge, "validationChallenge");
        Objects.requireNonNull(apiRequests, "apiRequests");
        if (l1CacheBytes < 0 || l2CacheBytes < 0) {
            throw new IllegalArgumentException("cache sizes must be >= 0, got l1=" + l1CacheBytes + " l2=" + l2CacheBytes);
        }
        Objects.requireNonNull(l2CacheDir, "l2CacheDir");
        Objects.requireNonNull(dataDir, "dataDir");
        validatorKeys = normalizeKeys(validatorKeys);
        Objects.requireNonNull(push, "push");
    }

    private static Set<String> normalizeKeys(Set<String> keys) {
        Objects.requireNonNull(keys, "validatorKeys");
        Set<String> out = new java.util.TreeSet<>();
        for (String k : keys) {
            String hex = k == null ? "" : k.strip().toLowerCase(java.util.Locale.ROOT);
            if (hex.startsWith("0x")) {
                hex = hex.substring(2);
            }
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("validatorKeys: '" + k + "' is not a 32-byte Ed25519 public key in hex");
            }
            out.add(hex);
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /** The seed's defaults: API on 0.0.0.0:8555, metrics on 0.0.0.0:9090, seed rate limits. */
    public static ApiConfig defaults(Path dataDir) {
        return new ApiConfig("0.0.0.0", DEFAULT_PORT, "0.0.0.0", DEFAULT_METRICS_PORT,
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                64 * 1024, 1L << 30, 8 * 1024,
                Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(10),
                null, false,
                RateLimit.perMinute(100), RateLimit.perMinute(10), RateLimit.perMinute(60),
                256L << 20, dataDir.resolve("http-cache"), 4L << 30,
                dataDir, Set.of(), PushLimits.defaults());
    }

    /** The admin token is never printed. */
    @Override
    public String toString() {
        return "ApiConfig[" + host + ":" + port + ", metrics " + metricsHost + ":" + metricsPort
                + ", eventLoops=" + eventLoops + ", jsonBodyLimit=" + jsonBodyLimit + ", pushBodyLimit=" + pushBodyLimit
                + ", admin=" + (adminToken == null ? "disabled" : "token") + ", openPush=" + openPush
                + ", limits=" + capsuleRetrieval + "/" + validationChallenge + "/" + apiRequests
                + ", validators=" + validatorKeys.size() + ", l1=" + l1CacheBytes + ", l2=" + l2CacheDir + " (" + l2CacheBytes + "), dataDir=" + dataDir + ", push=" + push + "]";
    }

    /** A builder holding {@link #defaults(Path)}. */
    public static Builder builder(Path dataDir) {
        return defaults(dataDir).toBuilder();
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A copy under construction: starts from a record's values; {@link #build()} calls the canonical
     * constructor, so a copy is validated exactly as a new record is.
     */
    public static final class Builder {
        private String host;
        private int port;
        private String metricsHost;
        private int metricsPort;
        private int eventLoops;
        private long jsonBodyLimit;
        private long pushBodyLimit;
        private int maxHeaderSize;
        private Duration idleTimeout;
        private Duration requestTimeout;
        private Duration pushTimeout;
        private String adminToken;
        private boolean openPush;
        private RateLimit capsuleRetrieval;
        private RateLimit validationChallenge;
        private RateLimit apiRequests;
        private long l1CacheBytes;
        private Path l2CacheDir;
        private long l2CacheBytes;
        private Path dataDir;
        private Set<String> validatorKeys;
        private PushLimits push;

        private Builder(ApiConfig from) {
            host = from.host;
            port = from.port;
            metricsHost = from.metricsHost;
            metricsPort = from.metricsPort;
            eventLoops = from.eventLoops;
            jsonBodyLimit = from.jsonBodyLimit;
            pushBodyLimit = from.pushBodyLimit;
            maxHeaderSize = from.maxHeaderSize;
            idleTimeout = from.idleTimeout;
            requestTimeout = from.requestTimeout;
            pushTimeout = from.pushTimeout;
            adminToken = from.adminToken;
            openPush = from.openPush;
            capsuleRetrieval = from.capsuleRetrieval;
            validationChallenge = from.validationChallenge;
            apiRequests = from.apiRequests;
            l1CacheBytes = from.l1CacheBytes;
            l2CacheDir = from.l2CacheDir;
            l2CacheBytes = from.l2CacheBytes;
            dataDir = from.dataDir;
            validatorKeys = from.validatorKeys;
            push = from.push;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder metricsHost(String value) {
            metricsHost = value;
            return this;
        }

        public Builder metricsPort(int value) {
            metricsPort = value;
            return this;
        }

        public Builder eventLoops(int value) {
            eventLoops = value;
            return this;
        }

        public Builder jsonBodyLimit(long value) {
            jsonBodyLimit = value;
            return this;
        }

        public Builder pushBodyLimit(long value) {
            pushBodyLimit = value;
            return this;
        }

        public Builder maxHeaderSize(int value) {
            maxHeaderSize = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder pushTimeout(Duration value) {
            pushTimeout = value;
            return this;
        }

        public Builder adminToken(String value) {
            adminToken = value;
            return this;
        }

        public Builder openPush(boolean value) {
            openPush = value;
            return this;
        }

        public Builder capsuleRetrieval(RateLimit value) {
            capsuleRetrieval = value;
            return this;
        }

        public Builder validationChallenge(RateLimit value) {
            validationChallenge = value;
            return this;
        }

        public Builder apiRequests(RateLimit value) {
            apiRequests = value;
            return this;
        }

        public Builder l1CacheBytes(long value) {
            l1CacheBytes = value;
            return this;
        }

        public Builder l2CacheDir(Path value) {
            l2CacheDir = value;
            return this;
        }

        public Builder l2CacheBytes(long value) {
            l2CacheBytes = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder validatorKeys(Set<String> value) {
            validatorKeys = value;
            return this;
        }

        public Builder push(PushLimits value) {
            push = value;
            return this;
        }

        public Builder listen(String newHost, int newPort) {
            return host(newHost).port(newPort);
        }

        public Builder metricsListen(String newHost, int newPort) {
            return metricsHost(newHost).metricsPort(newPort);
        }

        public Builder admin(String token, boolean open) {
            return adminToken(token).openPush(open);
        }

        public Builder rateLimits(RateLimit capsules, RateLimit challenges, RateLimit api) {
            return capsuleRetrieval(capsules).validationChallenge(challenges).apiRequests(api);
        }

        public Builder limits(long jsonLimit, long pushLimit, int headerSize) {
            return jsonBodyLimit(jsonLimit).pushBodyLimit(pushLimit).maxHeaderSize(headerSize);
        }

        public Builder timeouts(Duration idle, Duration request, Duration push) {
            return idleTimeout(idle).requestTimeout(request).pushTimeout(push);
        }

        public Builder caches(long l1Bytes, Path l2Dir, long l2Bytes) {
            return l1CacheBytes(l1Bytes).l2CacheDir(l2Dir).l2CacheBytes(l2Bytes);
        }

        public ApiConfig build() {
            return new ApiConfig(host, port, metricsHost, metricsPort, eventLoops, jsonBodyLimit, pushBodyLimit,
                    maxHeaderSize, idleTimeout, requestTimeout, pushTimeout, adminToken, openPush, capsuleRetrieval,
                    validationChallenge, apiRequests, l1CacheBytes, l2CacheDir, l2CacheBytes, dataDir, validatorKeys, push);
        }
    }

    private static void requireText(String s, String name) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requirePort(int p, String name) {
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(name + " must be within 0..65535, got " + p);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }
}
