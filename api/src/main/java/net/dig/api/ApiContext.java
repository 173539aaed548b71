package net.dig.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.storage.StorageEngine;

/** What the route classes share: configuration, collaborators, limiters, caches. */
record ApiContext(ApiConfig config, StorageEngine storage, NodeIdentity identity, Clock clock, PeerDirectory peers,
        Vertx vertx, PrometheusMeterRegistry registry, CapsuleTiers tiers, HandleTable handles,
        TokenBuckets capsuleLimiter, TokenBuckets challengeLimiter, TokenBuckets apiLimiter, long startedMillis) {

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

    /** Applies a limiter keyed by {@code key}; throws 429 with the wait in {@code Retry-After}. */
    static void limit(RoutingContext ctx, TokenBuckets limiter, String key, String name) {
        Duration wait = limiter.acquire(key);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            ctx.response().putHeader("Retry-After", Long.toString(seconds));
            throw new ApiException(429, "rate_limited", "the " + name + " limit is exhausted; retry in " + seconds + " s");
        }
    }

    /** The {@code api_requests} key: the bearer token if one is sent, else the client IP. */
    static String apiKey(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "key:" + net.dig.core.Hex.encode(net.dig.core.Sha256.hash(auth.substring(7).trim()
                    .getBytes(StandardCharsets.UTF_8)).toArray());
        }
        return "ip:" + clientIp(ctx);
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
            throw new ApiException(403, "admin_disabled", "admin endpoints are disabled: no admin token is configured");
        }
        String auth = ctx.request().getHeader("Authorization");
        byte[] expected = config.adminToken().getBytes(StandardCharsets.UTF_8);
        byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(expected, given)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"dig-node\"");
            throw new ApiException(401, "unauthorized", "this endpoint needs 'Authorization: Bearer <admin token>'");
        }
    }
}
