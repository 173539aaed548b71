package net.dig.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dig.core.Clock;
import net.dig.service.ErrorCode;
import net.dig.service.NodeServices;
import net.dig.service.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP API (the DIG Node seed's "API Specifications") and its metrics/health listener.
 *
 * <h2>What</h2>
 * Two Vert.x HTTP listeners: the API (default {@code 0.0.0.0:8555}) with every seed endpoint plus
 * {@code /datastore/{id}/file/{path}}, {@code /handle} registration and {@code /openapi.json}; and the
 * metrics port (default {@code 0.0.0.0:9090}) with {@code GET /metrics} (Prometheus text) and
 * {@code GET /health}. Routes are listed in {@code openapi.json}; a test keeps the two in step.
 *
 * <h2>Why this shape</h2>
 * Capsule bodies are the hot path and must approach nginx: plain capsules go out with
 * {@code sendFile(plot, offset, length)} (kernel zero copy), metadata (location and Merkle proof) is
 * cached for {@link net.dig.service.DatastoreViews#TTL}, and a cached capsule is answered without
 * leaving the event loop. The routes parse requests, call the node's services ({@code NodeServices}:
 * datastores, content, proofs, handles) and render their results. Everything that may block (SQLite, plot reads, the disk cache, Ed25519 signing) runs through
 * {@link ApiContext#blocking} on Vert.x workers, never on an event loop; long work (push commits, plot
 * creation) runs on its own bounded pool ({@link LongTasks}) so it cannot starve the shared workers.
 *
 * <h2>Concurrency</h2>
 * {@link ApiConfig#eventLoops()} server instances share the port, one per event loop; they share one
 * immutable router. Shared state is thread-safe by construction: Caffeine caches, token buckets with
 * per-bucket locks, the services (thread-safe themselves), Micrometer meters ({@link HttpMetrics}). Per-connection state (the
 * request deadline, {@link ConnectionDeadlines}) lives on the connection's event loop.
 *
 * <h2>Limits and failure modes</h2>
 * Header block ({@link ApiConfig#maxHeaderSize()}, 431), JSON bodies and push bodies (413), per-IP and
 * per-key token buckets (429 + {@code Retry-After}), a deadline for receiving each request
 * ({@link ApiConfig#requestTimeout()}, push: {@link ApiConfig#pushTimeout()}; 408 and the connection is
 * closed), and an idle timeout. Every error is {@code {"error": code, "message": text}} with the status
 * and code of its {@link ErrorCode} row; unknown routes 404, wrong methods 405, a programming error
 * 500; what Vert.x would refuse on its own (a version other than HTTP/1.x, a broken request line or
 * header block, a missing {@code Host}) gets the same body ({@link ErrorResponses}). HTTP/2 is not spoken. Nothing a client sends
 * can leave partial state: pushes are verified in full before anything is committed
 * ({@code DatastoreService.store}), and a push body's spool files ({@link PushSpool}, received by
 * {@link PushReceiver}, bounded by {@link ApiConfig#push()}) never outlive its request.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String ROUTE_KEY = "dig.route";
    /** How often the dashboard's {@link MinuteHistory} looks at the clock (it closes minutes of the injected clock). */
    private static final long HISTORY_TICK_MILLIS = 5_000;

    private final ApiConfig config;
    private final Vertx vertx;
    private final List<HttpServer> servers = new ArrayList<>();
    private HttpServer metricsServer;
    private final PrometheusMeterRegistry registry;
    private final Router router;
    private final ApiContext context;
    private final NodeRoutes nodeRoutes;
    private final DashboardRoutes dashboard;
    private final byte[] openApi;
    private final PushSpool spool;
    private final ConnectionDeadlines deadlines;

    private ApiServer(ApiConfig config, NodeServices services, Clock clock, PeerDirectory peers,
            PrometheusMeterRegistry registry, String version) {
        this.config = config;
        this.openApi = loadOpenApi();
        this.registry = registry;
        this.spool = PushSpool.open(config.dataDir().resolve("http-uploads"), config.push());
        Vertx v = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops())
                .setMaxWorkerExecuteTime(30).setMaxWorkerExecuteTimeUnit(TimeUnit.MINUTES));
        boolean ok = false;
        try {
            this.vertx = v;
            this.deadlines = new ConnectionDeadlines(v, config.requestTimeout(), config.pushTimeout());
            long maxKeys = 100_000;
            HttpMetrics metrics = new HttpMetrics(peers);
            metrics.bindTo(registry);
            this.context = new ApiContext(config, services, clock, peers, v, metrics,
                    new TokenBuckets(config.capsuleRetrieval(), clock, maxKeys),
                    new TokenBuckets(config.validationChallenge(), clock, maxKeys),
                    new TokenBuckets(config.apiRequests(), clock, maxKeys),
                    new LongTasks(v, Math.max(2, Runtime.getRuntime().availableProcessors() / 2)), clock.millis(), version);
            ContentRoutes content = new ContentRoutes(context);
            PublishRoutes publish = new PublishRoutes(context);
            this.nodeRoutes = new NodeRoutes(context);
            this.dashboard = new DashboardRoutes(context, nodeRoutes);
            this.router = buildRouter(content, publish, nodeRoutes);
            ok = true;
        } finally {
            if (!ok) {
                v.close();
                spool.close();
            }
        }
    }

    /**
     * Starts both listeners and returns once they accept connections. The HTTP meters are bound to
     * {@code registry}, which {@code GET /metrics} scrapes; the caller owns it, the services and
     * their meters. {@code version} is what {@code GET /node/status} reports.
     *
     * @throws IllegalStateException naming the address if a port cannot be bound
     */
    public static ApiServer start(ApiConfig config, NodeServices services, Clock clock, PeerDirectory peers,
            PrometheusMeterRegistry registry, String version) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(version, "version");
        ApiServer s = new ApiServer(config, services, clock, peers, registry, version);
        try {
            s.listen();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.atInfo().addKeyValue("component", "api").addKeyValue("event", "api_started")
                .addKeyValue("port", s.port()).addKeyValue("metrics_port", s.metricsPort())
                .log("HTTP API listening on {}:{}, metrics on {}:{}", config.host(), s.port(), config.metricsHost(),
                        s.metricsPort());
        return s;
    }

    /**
     * Where the services the API serves keep their state, from the API's config: the RAM tier
     * ({@link ApiConfig#l1CacheBytes()}), the disk tier ({@link ApiConfig#l2CacheDir()},
     * {@link ApiConfig#l2CacheBytes()}), {@code <dataDir>/handles.sqlite} and the validators answered
     * ({@link ApiConfig#validatorKeys()}).
     */
    public static NodeServices.Settings serviceSettings(ApiConfig config) {
        return new NodeServices.Settings(config.l1CacheBytes(), config.l2CacheDir(), config.l2CacheBytes(),
                config.dataDir().resolve("handles.sqlite"), config.validatorKeys());
    }

    /** The bound API port (the real one when the config asked for 0). */
    public int port() {
        return servers.getFirst().actualPort();
    }

    /** The bound metrics port. */
    public int metricsPort() {
        return metricsServer.actualPort();
    }

    /** The registry behind {@code /metrics} (the caller's). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("vertx_close_failed: Vert.x did not close cleanly: {}", e.toString());
        }
        spool.close();
    }

    Router router() {
        return router;
    }

    ApiContext context() {
        return context;
    }

    MinuteHistory history() {
        return dashboard.history();
    }

    PushSpool spool() {
        return spool;
    }

    // ---------------------------------------------------------------- listeners

    private void listen() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setMaxHeaderSize(config.maxHeaderSize())
                .setMaxInitialLineLength(Math.min(config.maxHeaderSize(), 8192))
                .setIdleTimeout((int) config.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxFormAttributeSize(8 << 20)
                .setMaxFormFields(1_000_000)
                .setMaxFormBufferedBytes(64 * 1024)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false);
        // Vert.x shares one listening socket among servers that ask for the same host and port. Port 0
        // gives every server its own random port, and asking for the port the first one got is a fresh
        // bind that fails; a negative port asks Vert.x to choose one random port and share it.
        int port = config.port() == 0 ? -1 : config.port();
        for (int i = 0; i < config.eventLoops(); i++) {
            HttpServer server = vertx.createHttpServer(options);
            server.connectionHandler(conn -> {
                ErrorResponses.versionGate(conn, router);
                deadlines.opened(conn);
            });
            server.invalidRequestHandler(ErrorResponses::invalidRequest);
            server.requestHandler(router);
            servers.add(server);
            await(server.listen(port, config.host()), "API listener on " + config.host() + ":" + config.port());
        }
        vertx.setPeriodic(HISTORY_TICK_MILLIS, id -> context.blocking(() -> {
            dashboard.history().tick();
            return null;
        }));
        Router metricsRouter = Router.router(vertx);
        metricsRouter.get("/metrics").handler(ctx -> context.blocking(registry::scrape)
                .onSuccess(ApiContext.guarded(ctx, text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text)))
                .onFailure(ctx::fail));
        metricsRouter.get("/health").handler(this::health);
        ErrorResponses.install(metricsRouter);
        metricsServer = vertx.createHttpServer(new HttpServerOptions().setHost(config.metricsHost())
                .setPort(config.metricsPort()).setIdleTimeout((int) config.idleTimeout().toSeconds() + 1)
                .setMaxHeaderSize(config.maxHeaderSize()).setHttp2ClearTextEnabled(false));
        metricsServer.connectionHandler(conn -> ErrorResponses.versionGate(conn, metricsRouter));
        metricsServer.invalidRequestHandler(ErrorResponses::invalidRequest);
        metricsServer.requestHandler(metricsRouter);
        await(metricsServer.listen(), "metrics listener on " + config.metricsHost() + ":" + config.metricsPort());
    }

    private static <T> T await(Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot start the " + what + ": " + cause.getMessage(), cause);
        }
    }

    private void health(RoutingContext ctx) {
        context.blocking(() -> context.services().datastores().writable()).onComplete(ar -> {
            boolean writable = ar.succeeded() && ar.result();
            JsonObject body = new JsonObject().put("status", writable ? "UP" : "DOWN")
                    .put("checks", new JsonObject().put("http", true).put("storage_writable", writable));
            Http.json(ctx, writable ? 200 : 503, body);
        });
    }

    // ---------------------------------------------------------------- routes

    /** Every request passes here first: its deadline, then its metrics once the answer has ended. */
    private void frontDoor(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        long start = context.clock().nanos();
        Runnable answered = deadlines.requestStarted(req);
        ctx.addEndHandler(v -> {
            answered.run();
            context.metrics().request(ctx.get(ROUTE_KEY, "unmatched"), req.method().name(),
                    ctx.response().getStatusCode(), context.clock().nanos() - start, ctx.response().bytesWritten(),
                    req.bytesRead());
        });
        ctx.next();
    }

    private Router buildRouter(ContentRoutes content, PublishRoutes publish, NodeRoutes node) {
        Router r = Router.router(vertx);
        r.route().handler(this::frontDoor);
        io.vertx.core.Handler<RoutingContext> json = jsonBody(BodyHandler.create(false).setBodyLimit(config.jsonBodyLimit()));
        PushReceiver push = new PushReceiver(context, spool);

        r.get("/capsule/:datastore_id/:capsule_index").handler(named("capsule", content::capsule));
        r.head("/capsule/:datastore_id/:capsule_index").handler(named("capsule", content::capsule));
        r.get("/datastore/:datastore_id/manifest").handler(named("manifest", content::manifest));
        r.get("/datastore/:datastore_id/file/*").handler(named("file", content::file));
        r.get("/datastore/:datastore_id/file-proofs/*").handler(named("file_proofs", content::fileProofs));
        // Admission (token) checks are routes of their own so they run before any body is read.
        r.post("/datastore/push").handler(named("push", ctx -> {
            context.requireAdmin(ctx, true);
            refuseIfLongPoolFull("a push");
            ctx.put(ErrorResponses.READING_PUSH_BODY, Boolean.TRUE);
            ctx.next();
        }));
        r.post("/datastore/push").handler(push).handler(ctx -> {
            ctx.remove(ErrorResponses.READING_PUSH_BODY);
            publish.push(ctx);
        });
        r.get("/handle/:handle/resolve").handler(named("handle_resolve", publish::resolve));
        r.post("/handle").handler(named("handle_register", ctx -> {
            context.requireAdmin(ctx, true);
            ctx.next();
        }));
        r.post("/handle").handler(json).handler(publish::register);
        r.get("/network/peers").handler(named("peers", node::peers));
        r.get("/datastores").handler(named("datastores", node::datastores));
        r.post("/validation/challenge").handler(named("challenge", node::challengeAdmission));
        r.post("/validation/challenge").handler(json).handler(node::challenge);
        r.get("/node/status").handler(named("status", node::status));
        r.post("/plot/create").handler(named("plot_create", ctx -> {
            context.requireAdmin(ctx, false);
            refuseIfLongPoolFull("plot creation");
            ctx.next();
        }));
        r.post("/plot/create").handler(json).handler(node::createPlot);
        r.get("/dashboard").handler(named("dashboard", dashboard::page));
        r.get("/dashboard/overview").handler(named("dashboard_overview", dashboard::overview));
        r.get("/dashboard/history").handler(named("dashboard_history", dashboard::history));
        r.get("/dashboard/holders/:datastore_id").handler(named("dashboard_holders", dashboard::holders));
        r.get("/dashboard/:asset").handler(named("dashboard", dashboard::asset));
        r.post("/admin/reload").handler(named("admin_reload", dashboard::reload));
        r.get("/openapi.json").handler(named("openapi", ctx ->
                ctx.response().putHeader("Content-Type", Http.JSON).end(io.vertx.core.buffer.Buffer.buffer(openApi))));
        ErrorResponses.install(r);
        return r;
    }

    /**
     * The JSON body handler, with the request stream's failures typed: the body handler fails the request
     * with the stream's raw exception (a chunk size that is not hex surfaces as a {@code NumberFormatException}),
     * which would render as a 500. What fails the request stream while its body is read is the client's
     * framing, so it is 400 {@code bad_request}; a closed connection stays what it is (nobody to answer).
     */
    private static io.vertx.core.Handler<RoutingContext> jsonBody(BodyHandler bodies) {
        return ctx -> {
            bodies.handle(ctx);
            HttpServerRequest req = ctx.request();
            if (!req.isEnded() && !ctx.failed()) {
                req.exceptionHandler(t -> ctx.fail(t instanceof io.vertx.core.http.HttpClosedException ? t
                        : new ServiceException(ErrorCode.BAD_REQUEST, "the request body is not valid HTTP/1.1 framing", t)));
            }
        };
    }

    /** Early refusal, before a (possibly 1 GiB) body is spooled, when no long-task slot is free. */
    private void refuseIfLongPoolFull(String what) {
        if (context.longTasks().full()) {
            throw context.longTasks().busy(what);
        }
    }

    private static io.vertx.core.Handler<RoutingContext> named(String route, io.vertx.core.Handler<RoutingContext> h) {
        return ctx -> {
            ctx.put(ROUTE_KEY, route);
            h.handle(ctx);
        };
    }

    // ---------------------------------------------------------------- helpers

    static byte[] loadOpenApi() {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the dig-api jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Installs what {@code POST /admin/reload} runs (on a worker): it re-reads the node's config, applies
     * what can change at run time and reports the rest; a bad file must throw a {@code ServiceException}
     * with {@code ErrorCode.BAD_CONFIG} and change nothing. Without a hook the endpoint answers 503.
     */
    public void onReload(java.util.function.Supplier<ReloadReport> hook) {
        dashboard.reloadHook(Objects.requireNonNull(hook, "hook"));
    }

    /** Applies new rate limits to every later request (a config reload); buckets keep their tokens. */
    public void rateLimits(RateLimit capsuleRetrieval, RateLimit validationChallenge, RateLimit apiRequests) {
        context.capsuleLimiter().limit(capsuleRetrieval);
        context.challengeLimiter().limit(validationChallenge);
        context.apiLimiter().limit(apiRequests);
    }

    /** The {@code GET /node/status} document (blocking: reads the storage index). */
    public JsonObject status() {
        return nodeRoutes.statusJson();
    }
}
