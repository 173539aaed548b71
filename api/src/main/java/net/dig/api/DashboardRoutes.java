package net.dig.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.dig.core.Bytes32;
import net.dig.service.CapsuleTiers;
import net.dig.service.ErrorCode;
import net.dig.service.FetchSession;
import net.dig.service.Holders;
import net.dig.service.ReplicationService;
import net.dig.service.ServiceException;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.PlotSummary;

/**
 * The dashboard: {@code GET /dashboard} serves a static page from the jar
 * ({@code /dashboard/index.html}, {@code dashboard.js}, {@code dashboard.css}; the script draws its
 * charts as plain SVG), which reads {@code GET /dashboard/overview}, {@code GET /dashboard/history}
 * ({@link MinuteHistory}) and {@code GET /dashboard/holders/{id}}. {@code POST /admin/reload} re-reads
 * the node's config through the hook the node installs ({@link ApiServer#onReload}).
 *
 * <p>The JSON routes are read-only and count against {@code api_requests}; the admin route needs the
 * admin token. Everything that touches storage or the file system runs on a worker.
 */
final class DashboardRoutes {
    static final String PREFIX = "/dashboard/";
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final ApiContext c;
    private final NodeRoutes node;
    private final MinuteHistory history;
    private final Map<String, Buffer> assets;
    private volatile Supplier<ReloadReport> reload;

    DashboardRoutes(ApiContext c, NodeRoutes node) {
        this.c = c;
        this.node = node;
        this.history = new MinuteHistory(c.clock(), new MinuteHistory.Source() {
            @Override
            public MinuteHistory.Counters counters() {
                PeerDirectory.Traffic p2p = c.peers().traffic();
                CapsuleTiers.TierStats l1 = c.services().content().tiers().l1Stats();
                CapsuleTiers.TierStats l2 = c.services().content().tiers().l2Stats();
                return new MinuteHistory.Counters(c.metrics().bytesOut(), c.metrics().bytesIn(), p2p.bytesIn(),
                        p2p.bytesOut(), c.metrics().requests(), c.metrics().latencyNanos(), l1.hits() + l2.hits(),
                        l2.misses());
            }

            @Override
            public long takeLatencyMaxNanos() {
                return c.metrics().takeLatencyMaxNanos();
            }
        });
        java.util.HashMap<String, Buffer> loaded = new java.util.HashMap<>();
        ASSETS.keySet().forEach(name -> loaded.put(name, Buffer.buffer(resource(name))));
        this.assets = Map.copyOf(loaded);
    }

    MinuteHistory history() {
        return history;
    }

    void reloadHook(Supplier<ReloadReport> hook) {
        this.reload = hook;
    }

    // ---- static page

    void page(RoutingContext ctx) {
        asset(ctx, "index.html");
    }

    void asset(RoutingContext ctx) {
        asset(ctx, ctx.pathParam("asset"));
    }

    private void asset(RoutingContext ctx, String name) {
        Buffer body = name == null ? null : assets.get(name);
        if (body == null) {
            throw new ServiceException(ErrorCode.NOT_FOUND, "no such dashboard file");
        }
        ctx.response().putHeader("Content-Type", ASSETS.get(name)).putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff").end(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(PREFIX + name)) {
            if (in == null) {
                throw new IllegalStateException(PREFIX + name + " is missing from the dig-api jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- JSON

    void overview(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        c.blocking(this::overviewJson).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(ctx::fail);
    }

    void history(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        c.blocking(() -> {
            history.tick();
            return history.json();
        }).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(ctx::fail);
    }

    void holders(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        Bytes32 id = Http.datastoreId(ctx.pathParam("datastore_id"), "datastore_id");
        c.blocking(() -> {
            JsonArray out = new JsonArray();
            for (Holders.Holder h : c.services().holders().of(id)) {
                out.add(new JsonObject().put("node_id", h.nodeId()).put("peer_id", h.peerId()).put("url", h.url()));
            }
            return new JsonObject().put("datastore_id", id.toHex()).put("holders", out);
        }).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(ctx::fail);
    }

    void reload(RoutingContext ctx) {
        c.requireAdmin(ctx, false);
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        Supplier<ReloadReport> hook = reload;
        if (hook == null) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "this node has no config file to reload");
        }
        c.blocking(hook::get).onSuccess(ApiContext.guarded(ctx, r -> Http.json(ctx, 200, new JsonObject()
                .put("applied", new JsonArray(r.applied())).put("needs_restart", new JsonArray(r.needsRestart())))))
                .onFailure(ctx::fail);
    }

    JsonObject overviewJson() {
        List<PlotSummary> plots = c.services().datastores().plots();
        JsonArray plotsJson = new JsonArray();
        for (PlotSummary p : plots) {
            plotsJson.add(new JsonObject().put("plot_id", p.plotId().toHex()).put("path", p.path().toString())
                    .put("size_bytes", p.sizeBytes()).put("capsule_count", p.capsuleCount())
                    .put("status", p.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("bad_capsules", p.badCapsules().size()));
        }
        JsonArray disks = new JsonArray();
        for (Path dir : c.services().datastores().plotDirs()) {
            disks.add(disk(dir, plots));
        }
        JsonArray datastores = new JsonArray();
        java.util.Optional<ReplicationService<?>> replication = c.services().replicationService();
        JsonArray fetching = new JsonArray();
        for (DatastoreSummary d : c.services().datastores().datastores()) {
            datastores.add(new JsonObject().put("datastore_id", d.datastoreId().toHex()).put("name", d.name())
                    .put("version", d.version()).put("capsule_count", d.capsuleCount()).put("total_size", d.totalSize())
                    .put("created", Http.iso(d.creationTime() * 1000)));
            replication.flatMap(r -> r.fetching(d.datastoreId())).ifPresent(f -> fetching.add(fetch(d.datastoreId(), f)));
        }
        return new JsonObject().put("node", node.statusJson()).put("disks", disks).put("plots", plotsJson)
                .put("datastores", datastores).put("peers", node.peersJson())
                .put("replication", new JsonObject().put("enabled", replication.map(ReplicationService::replicates).orElse(false))
                        .put("fetching", fetching));
    }

    private static JsonObject fetch(Bytes32 id, FetchSession<?> f) {
        return new JsonObject().put("datastore_id", id.toHex()).put("version", f.version().version())
                .put("capsules_left", f.capsules().size()).put("in_flight", f.inFlight());
    }

    /**
     * One plot directory: the bytes its indexed plots account for ({@code used_bytes}), the bytes its
     * files really take ({@code du_bytes}, every regular file under it, as {@code du --apparent-size}
     * counts), and its file system's size and free space.
     */
    private static JsonObject disk(Path dir, List<PlotSummary> plots) {
        long used = 0;
        int count = 0;
        for (PlotSummary p : plots) {
            if (p.path().toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())) {
                used += p.sizeBytes();
                count++;
            }
        }
        JsonObject out = new JsonObject().put("path", dir.toString()).put("plots", count).put("used_bytes", used);
        try (Stream<Path> files = Files.walk(dir)) {
            out.put("du_bytes", files.filter(Files::isRegularFile).mapToLong(DashboardRoutes::size).sum());
            FileStore fs = Files.getFileStore(dir);
            out.put("total_bytes", fs.getTotalSpace()).put("usable_bytes", fs.getUsableSpace());
        } catch (IOException | UncheckedIOException e) {
            out.put("du_bytes", null).put("total_bytes", null).put("usable_bytes", null)
                    .put("error", e.getClass().getSimpleName());
        }
        return out;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // deleted while walking
        }
    }
}
