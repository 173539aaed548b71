package net.dig.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.Callable;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.service.ErrorCode;
import net.dig.service.NodeServices;
import net.dig.service.ServiceException;

/** What the route classes share: configuration, the node's services, limiters, HTTP meters. */
record ApiContext(ApiConfig config, NodeServices services, Clock clock, PeerDirectory peers, Vertx vertx,
        HttpMetrics metrics, TokenBuckets capsuleLimiter, TokenBuckets challengeLimiter, TokenBuckets apiLimiter,
        LongTasks longTasks, long startedMillis, String version) {

    NodeIdentity identity() {
        return services.identity();
    }

    /** Runs blocking work (storage, SQLite, disk cache) on a worker, never on the event loop. */
    <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    /** Wraps a continuation so that anything it throws fails the request (JSON error) instead of hanging it. */
    static <T> io.vertx.core.Handler<T> guarded(RoutingContext ctx, java.util.function.Consumer<T> then) {
        return value -> {
            try {
                then.accept(value);
            } catch (RuntimeException e) {
                if (!ctx.response().headWritten()) {
                    ctx.fail(e);
                } else {
                    ctx.response().reset();
                }
            }
        };
    }

    static String clientIp(RoutingContext ctx) {
        var a = ctx.request().remoteAddress();
        return a == null ? "unknown" : a.hostAddress();
    }

    /**
     * The rate-limit key of a client address: an IPv4 address as is, an IPv6 address by its /64 (one
     * host usually owns a whole /64, so per-address buckets would be free to multiply). Anything that is
     * not an IP literal is returned unchanged; this never resolves names.
     */
    static String ipBucket(String hostAddress) {
        if (hostAddress == null || hostAddress.indexOf(':') < 0) {
            return hostAddress;
        }
        String literal = hostAddress.startsWith("[") && hostAddress.endsWith("]")
                ? hostAddress.substring(1, hostAddress.length() - 1) : hostAddress;
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (!literal.matches("[0-9A-Fa-f:.]+")) {
            return hostAddress;
        }
        try {
            byte[] a = java.net.InetAddress.getByName(literal).getAddress();
            if (a.length != 16) {
                return java.net.InetAddress.getByAddress(a).getHostAddress();
            }
            return net.dig.core.Hex.encodePlain(java.util.Arrays.copyOf(a, 8)) + "::/64";
        } catch (java.net.UnknownHostException e) {
            return hostAddress;
        }
    }

    /** The per-client rate-limit key: {@link #ipBucket} of the peer address. */
    static String clientKey(RoutingContext ctx) {
        return ipBucket(clientIp(ctx));
    }

    /** Applies a limiter keyed by {@code key}; throws 429 with the wait in {@code Retry-After}. */
    static void limit(RoutingContext ctx, TokenBuckets limiter, String key, String name) {
        Duration wait = limiter.acquire(key);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            ctx.response().putHeader("Retry-After", Long.toString(seconds));
            throw ServiceException.retryAfter(ErrorCode.RATE_LIMITED, "the " + name + " limit is exhausted; retry in "
                    + seconds + " s", seconds);
        }
    }

    /**
     * The {@code api_requests} key: a bucket of its own for a bearer token that validates (the admin
     * token), else the client's {@link #clientKey}. Unknown tokens never create buckets, so rotating
     * random tokens neither escapes the limit nor floods the bucket map.
     */
    String apiKey(RoutingContext ctx) {
        return config.adminToken() != null && bearerMatches(ctx, config.adminToken()) ? "key:admin" : "ip:" + clientKey(ctx);
    }

    /** Constant-time comparison of the request's {@code Authorization: Bearer} token with {@code token}. */
    private static boolean bearerMatches(RoutingContext ctx, String token) {
        String auth = ctx.request().getHeader("Authorization");
        byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given);
    }

    /**
     * Admin check: {@code Authorization: Bearer <admin token>} (constant-time compare). {@code openAllowed}
     * routes pass without a token when {@link ApiConfig#openPush()} is set.
     */
    void requireAdmin(RoutingContext ctx, boolean openAllowed) {
        if (openAllowed && config.openPush()) {
            return;
        }
        if (config.adminToken() == null) {
            throw new ServiceException(ErrorCode.ADMIN_DISABLED, "admin endpoints are disabled: no admin token is configured");
        }
        if (!bearerMatches(ctx, config.adminToken())) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"dig-node\"");
            throw new ServiceException(ErrorCode.UNAUTHORIZED, "this endpoint needs 'Authorization: Bearer <admin token>'");
        }
    }
}
