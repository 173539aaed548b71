package net.dig.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.service.CapsuleTiers;
import net.dig.service.ContentService;
import net.dig.service.DatastoreViews;
import net.dig.service.ErrorCode;
import net.dig.service.FilePaths;
import net.dig.service.Holders;
import net.dig.service.ServiceException;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.Compression;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;

/**
 * Read endpoints: {@code GET|HEAD /capsule/{id}/{index}}, {@code GET /datastore/{id}/manifest},
 * {@code GET /datastore/{id}/file/{path}} and its proof sidecar {@code GET /datastore/{id}/file-proofs/{path}}.
 *
 * <p>Capsule serving: plain capsules go out with {@code sendFile(plot, offset, length)} (kernel
 * zero-copy, no heap buffer of capsule size); zstd capsules go out as stored, with
 * {@code Content-Encoding: zstd}, to clients that accept zstd and send no {@code Range}; other clients
 * get the decompressed bytes from the L1/L2 tiers ({@link CapsuleTiers}), filled on a miss from
 * the plot by {@code ContentService.fill} (hash-checked). Per-capsule metadata (location, proof) is cached
 * briefly so a hot capsule is answered without leaving the event loop.
 *
 * <p>Integrity: bytes sent as stored (plain or zstd) come from a location {@code ContentService.locate}
 * handed out, whose copy was rehashed on its first hand-out since the plot was opened; before every
 * send, cached or not, the copy is checked (in memory) to be still servable, so a copy a scrub, a read
 * or a CLI verify found bad is refused from then on and another copy is looked up. A datastore whose
 * capsules can none be served answers its manifest with 503 {@code plot_unavailable}; otherwise the
 * manifest lists the unavailable ones.
 */
final class ContentRoutes {
    private record Key(Bytes32 id, int index) {
    }

    private record Meta(CapsuleLocation location, String proof) {
    }

    private final ApiContext c;
    private final ContentService content;
    private final DatastoreViews views;
    private final CapsuleTiers tiers;
    private final Cache<Key, Meta> meta;

    ContentRoutes(ApiContext c) {
        this.c = c;
        this.content = c.services().content();
        this.views = content.views();
        this.tiers = content.tiers();
        com.github.benmanes.caffeine.cache.Ticker ticker = c.clock()::nanos;
        this.meta = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(DatastoreViews.TTL).ticker(ticker)
                .executor(Runnable::run).build();
        content.onInvalidate(id -> meta.asMap().keySet().removeIf(k -> k.id().equals(id)));
    }

    // ---- GET|HEAD /capsule/{datastore_id}/{capsule_index}

    void capsule(RoutingContext ctx) {
        Bytes32 id = Http.datastoreId(ctx.pathParam("datastore_id"), "datastore_id");
        int index = Http.capsuleIndex(ctx.pathParam("capsule_index"));
        ApiContext.limit(ctx, c.capsuleLimiter(), ApiContext.clientKey(ctx), "capsule_retrieval");
        Key key = new Key(id, index);
        Meta m = meta.getIfPresent(key);
        if (m != null) {
            serve(ctx, key, m, false);
            return;
        }
        c.blocking(() -> loadMeta(key)).onSuccess(ApiContext.guarded(ctx, loaded -> serve(ctx, key, loaded, true)))
                .onFailure(e -> missOrFail(ctx, id, e));
    }

    private Meta loadMeta(Key k) {
        DatastoreViews.View view = views.load(k.id());
        Optional<CapsuleLocation> loc = content.locate(k.id(), k.index());
        if (loc.isEmpty()) {
            throw new ServiceException(ErrorCode.UNKNOWN_CAPSULE, "datastore " + k.id().toHex() + " has no capsule " + k.index()
                    + " (capsule_count " + view.manifest().capsules().size() + ")");
        }
        if (k.index() >= view.manifest().capsules().size()
                || !view.manifest().capsules().get(k.index()).hash().equals(loc.get().hash())) {
            views.invalidate(k.id());
            throw new ServiceException(ErrorCode.UNAVAILABLE, "datastore " + k.id().toHex() + " is being updated; retry");
        }
        Meta m = new Meta(loc.get(), Base64.getEncoder().encodeToString(view.proof(k.index()).encode()));
        meta.put(k, m);
        return m;
    }

    /**
     * Serves from a location known good when it was loaded ({@code fresh}) or cached. A cached copy found
     * bad since is dropped and the location loaded again (another copy, or 503 {@code plot_unavailable}).
     */
    private void serve(RoutingContext ctx, Key key, Meta m, boolean fresh) {
        HttpServerResponse r = ctx.response();
        CapsuleLocation loc = m.location();
        if (!content.capsuleServable(loc, key.id(), key.index())) {
            meta.invalidate(key);
            if (fresh) {
                throw new ServiceException(ErrorCode.PLOT_UNAVAILABLE, "capsule " + key.index() + " in plot " + loc.plotId().toHex()
                        + " failed verification (quarantined or found bad); it is not served");
            }
            c.blocking(() -> loadMeta(key)).onSuccess(ApiContext.guarded(ctx, loaded -> serve(ctx, key, loaded, true)))
                    .onFailure(ctx::fail);
            return;
        }
        String identityTag = "\"" + loc.hash().toHex().substring(2) + "\"";
        r.putHeader("X-Capsule-Hash", loc.hash().toHex())
                .putHeader("X-Plot-ID", loc.plotId().toHex())
                .putHeader("X-Merkle-Proof", m.proof())
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("Cache-Control", "public, max-age=60")
                .putHeader("Content-Type", "application/octet-stream");
        if (loc.codec() == Compression.ZSTD) {
            r.putHeader("Vary", "Accept-Encoding");
        }
        // ranges apply to the identity representation; If-Range (strong ETag only) keeps them only if it matches
        String rangeHeader = ctx.request().getHeader("Range");
        String ifRange = ctx.request().getHeader("If-Range");
        if (rangeHeader != null && ifRange != null && !ifRange.trim().equals(identityTag)) {
            rangeHeader = null;
        }
        Optional<ByteRange> range = Optional.empty();
        ServiceException badRange = null;
        try {
            range = ByteRange.parse(rangeHeader, loc.size());
        } catch (ServiceException e) {
            badRange = e;
        }
        boolean zstdOut = loc.codec() == Compression.ZSTD && range.isEmpty() && badRange == null
                && acceptsZstd(ctx.request().getHeader("Accept-Encoding"));
        String etag = zstdOut ? "\"" + loc.hash().toHex().substring(2) + "-zstd\"" : identityTag;
        r.putHeader("ETag", etag);
        if (etagMatches(ctx.request().getHeader("If-None-Match"), etag)) {
            r.setStatusCode(304).end();
            return;
        }
        if (badRange != null) {
            if (badRange.code() == ErrorCode.RANGE_NOT_SATISFIABLE) {
                r.putHeader("Content-Range", "bytes */" + loc.size());
            }
            throw badRange;
        }
        boolean head = ctx.request().method() == HttpMethod.HEAD;
        long first = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(loc.size());
        int status = range.isPresent() ? 206 : 200;
        range.ifPresent(br -> r.putHeader("Content-Range", br.contentRange()));

        if (zstdOut) {
            r.putHeader("Content-Encoding", "zstd");
            sendRegion(ctx, loc.plotPath(), loc.offset(), loc.storedLength(), head, 200);
            return;
        }
        if (loc.codec() == Compression.NONE) {
            sendRegion(ctx, loc.plotPath(), loc.offset() + first, length, head, status);
            return;
        }
        byte[] hot = tiers.memory(loc.hash());
        if (hot != null) {
            sendBytes(ctx, hot, first, length, head, status);
            return;
        }
        Optional<Path> warm = tiers.disk(loc.hash());
        if (warm.isPresent()) {
            sendRegion(ctx, warm.get(), first, length, head, status);
            c.blocking(() -> {
                tiers.promote(loc.hash());
                return null;
            });
            return;
        }
        c.blocking(() -> content.fill(key.id(), key.index(), loc.hash()))
                .onSuccess(ApiContext.guarded(ctx, bytes -> sendBytes(ctx, bytes, first, length, head, status)))
                .onFailure(ctx::fail);
    }

    private static void sendRegion(RoutingContext ctx, Path file, long offset, long length, boolean head, int status) {
        HttpServerResponse r = ctx.response().setStatusCode(status);
        if (head || length == 0) {
            r.putHeader("Content-Length", Long.toString(length)).end();
            return;
        }
        r.sendFile(file.toString(), offset, length).onFailure(e -> {
            if (!r.headWritten()) {
                Http.error(r, ErrorCode.UNAVAILABLE, "capsule bytes could not be read: " + e.getMessage());
            } else {
                r.reset();
            }
        });
    }

    private static void sendBytes(RoutingContext ctx, byte[] bytes, long first, long length, boolean head, int status) {
        HttpServerResponse r = ctx.response().setStatusCode(status).putHeader("Content-Length", Long.toString(length));
        if (head) {
            r.end();
            return;
        }
        Http.writeBytes(r, bytes, (int) first, (int) length).onComplete(ar -> {
            if (ar.succeeded()) {
                r.end();
            } else {
                r.reset();
            }
        });
    }

    static boolean acceptsZstd(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.trim().split(";");
            if (p[0].trim().equalsIgnoreCase("zstd")) {
                for (int i = 1; i < p.length; i++) {
                    String q = p[i].trim();
                    if (q.startsWith("q=")) {
                        try {
                            return Double.parseDouble(q.substring(2)) > 0;
                        } catch (NumberFormatException e) {
                            return false;
                        }
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static boolean etagMatches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String t : ifNoneMatch.split(",")) {
            String s = t.trim();
            if (s.startsWith("W/")) {
                s = s.substring(2);
            }
            if (s.equals(etag) || s.equals("*")) {
                return true;
            }
        }
        return false;
    }

    // ---- GET /datastore/{datastore_id}/manifest

    void manifest(RoutingContext ctx) {
        Bytes32 id = Http.datastoreId(ctx.pathParam("datastore_id"), "datastore_id");
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        content.read(id);
        DatastoreViews.View v = views.cached(id);
        if (v != null) {
            sendManifest(ctx, v);
            return;
        }
        c.blocking(() -> views.load(id)).onSuccess(ApiContext.guarded(ctx, view -> sendManifest(ctx, view)))
                .onFailure(e -> missOrFail(ctx, id, e));
    }

    private static void sendManifest(RoutingContext ctx, DatastoreViews.View v) {
        var ver = v.manifest().version();
        if (!v.servable()) {
            throw new ServiceException(ErrorCode.PLOT_UNAVAILABLE, "no capsule of datastore " + ver.datastoreId().toHex()
                    + " can be served here: every one was found bad or is only in quarantined plots");
        }
        String etag = "\"" + ver.merkleRoot().toHex().substring(2) + "-" + ver.version()
                + (v.unavailable().isEmpty() ? "" : "-u" + Integer.toHexString(v.unavailable().hashCode())) + "\"";
        HttpServerResponse r = ctx.response().putHeader("ETag", etag);
        if (etagMatches(ctx.request().getHeader("If-None-Match"), etag)) {
            r.setStatusCode(304).end();
            return;
        }
        r.putHeader("Content-Type", Http.JSON).end(v.json());
    }

    // ---- GET /datastore/{datastore_id}/file/{path} and /file-proofs/{path}

    /** The raw (still percent-encoded) tail after {@code /datastore/<id>/<kind>/}. */
    private static String rawTail(RoutingContext ctx, String kind) {
        String raw = ctx.request().path();
        int idStart = "/datastore/".length();
        int slash = raw.indexOf('/', idStart);
        String marker = "/" + kind + "/";
        if (slash < 0 || !raw.startsWith(marker, slash)) {
            throw new ServiceException(ErrorCode.BAD_PATH, "expected /datastore/{datastore_id}/" + kind + "/{path}");
        }
        return raw.substring(slash + marker.length());
    }

    void file(RoutingContext ctx) {
        Bytes32 id = Http.datastoreId(ctx.pathParam("datastore_id"), "datastore_id");
        String rawPath = rawTail(ctx, "file");
        String path = FilePaths.fromUrl(rawPath);
        ApiContext.limit(ctx, c.capsuleLimiter(), ApiContext.clientKey(ctx), "capsule_retrieval");
        content.read(id);
        c.blocking(() -> views.load(id)).onSuccess(ApiContext.guarded(ctx, v -> streamFile(ctx, v, path, rawPath)))
                .onFailure(e -> missOrFail(ctx, id, e));
    }

    private FileEntry entry(DatastoreViews.View v, String path) {
        FileEntry f = v.file(path);
        if (f == null) {
            throw new ServiceException(ErrorCode.UNKNOWN_FILE, "datastore " + v.manifest().datastoreId().toHex() + " has no file '"
                    + (path.length() > 200 ? path.substring(0, 200) + "..." : path) + "'");
        }
        return f;
    }

    private void streamFile(RoutingContext ctx, DatastoreViews.View v, String path, String rawPath) {
        FileEntry f = entry(v, path);
        Manifest m = v.manifest();
        long cs = m.version().capsuleSize();
        int firstCapsule = (int) (f.offset() / cs);
        int lastCapsule = f.length() == 0 ? firstCapsule - 1 : (int) ((f.offset() + f.length() - 1) / cs);
        for (int i : v.unavailable()) {
            if (i >= firstCapsule && i <= lastCapsule) {
                throw new ServiceException(ErrorCode.PLOT_UNAVAILABLE, "capsule " + i + " of file '" + (path.length() > 200
                        ? path.substring(0, 200) + "..." : path) + "' failed verification here; the file is not served");
            }
        }
        String type = MimeMapping.mimeTypeForFilename(path);
        HttpServerResponse r = ctx.response().setStatusCode(200)
                .putHeader("Content-Type", type == null ? "application/octet-stream" : type)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Length", Long.toString(f.length()))
                .putHeader("ETag", "\"" + f.sha256().toHex().substring(2) + "\"")
                .putHeader("X-File-SHA256", f.sha256().toHex())
                .putHeader("X-Capsule-Range", firstCapsule + "-" + Math.max(firstCapsule, lastCapsule))
                .putHeader("X-Proofs", "/datastore/" + m.datastoreId().toHex() + "/file-proofs/" + rawPath);
        streamCapsules(ctx, m, f, firstCapsule, lastCapsule).onComplete(ar -> {
            if (ar.succeeded()) {
                r.end();
            } else if (!r.headWritten()) {
                ctx.fail(ar.cause());
            } else {
                r.reset();
            }
        });
    }

    private Future<Void> streamCapsules(RoutingContext ctx, Manifest m, FileEntry f, int i, int last) {
        if (i > last) {
            return Future.succeededFuture();
        }
        long cs = m.version().capsuleSize();
        CapsuleInfo info = m.capsules().get(i);
        long capStart = (long) i * cs;
        int from = (int) (Math.max(f.offset(), capStart) - capStart);
        int to = (int) (Math.min(f.offset() + f.length(), capStart + info.size()) - capStart);
        return capsuleBytes(m.datastoreId(), info)
                .compose(bytes -> Http.writeBytes(ctx.response(), bytes, from, to - from))
                .compose(v -> streamCapsules(ctx, m, f, i + 1, last));
    }

    private Future<byte[]> capsuleBytes(Bytes32 id, CapsuleInfo info) {
        byte[] hot = tiers.memory(info.hash());
        if (hot != null) {
            return Future.succeededFuture(hot);
        }
        return c.blocking(() -> content.fill(id, info.index(), info.hash()));
    }

    void fileProofs(RoutingContext ctx) {
        Bytes32 id = Http.datastoreId(ctx.pathParam("datastore_id"), "datastore_id");
        String path = FilePaths.fromUrl(rawTail(ctx, "file-proofs"));
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        c.blocking(() -> {
            DatastoreViews.View v = views.load(id);
            FileEntry f = entry(v, path);
            Manifest m = v.manifest();
            long cs = m.version().capsuleSize();
            JsonArray caps = new JsonArray();
            if (f.length() > 0) {
                for (int i = (int) (f.offset() / cs); i <= (int) ((f.offset() + f.length() - 1) / cs); i++) {
                    CapsuleInfo ci = m.capsules().get(i);
                    caps.add(new JsonObject().put("index", i).put("hash", ci.hash().toHex()).put("size", ci.size())
                            .put("chunk_root", ci.chunkRoot().toHex())
                            .put("proof", Base64.getEncoder().encodeToString(v.proof(i).encode())));
                }
            }
            return new JsonObject().put("datastore_id", id.toHex()).put("version", m.version().version())
                    .put("merkle_root", m.version().merkleRoot().toHex()).put("capsule_size", cs)
                    .put("path", f.path()).put("offset", f.offset()).put("length", f.length())
                    .put("sha256", f.sha256().toHex()).put("capsules", caps);
        }).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(e -> missOrFail(ctx, id, e));
    }

    // ---- a datastore this node does not hold (docs/decisions.md D40c)

    /**
     * A read of a datastore this node does not hold is 404 {@code unknown_datastore} with the holders
     * the node knows of ({@link Holders}, bounded): per holder its node id, PeerId, API base URL and the
     * URL of the same resource there. The lookup holds no worker: its stage is composed and the answer
     * written back on the request's context once it completes or its wait runs out. Any other failure
     * fails the request as usual. First the miss goes to the node's read-through
     * ({@link net.dig.service.ContentService#readThrough}): in cache mode it may fetch the datastore
     * here, and once stored the request is routed again and served from the store; otherwise, and for
     * the rerouted request, the 404.
     */
    private void missOrFail(RoutingContext ctx, Bytes32 id, Throwable e) {
        if (!(e instanceof ServiceException se) || se.code() != ErrorCode.UNKNOWN_DATASTORE) {
            ctx.fail(e);
            return;
        }
        io.vertx.core.Context loop = ctx.vertx().getOrCreateContext();
        if (!ctx.get(THROUGH, false)) {
            ctx.put(THROUGH, true);
            content.readThrough().miss(id).whenComplete((stored, e2) -> loop.runOnContext(v -> {
                if (Boolean.TRUE.equals(stored)) {
                    content.invalidate(id);
                    ctx.reroute(ctx.request().method(), ctx.request().uri());
                } else {
                    notHeld(ctx, id, se, loop);
                }
            }));
            return;
        }
        notHeld(ctx, id, se, loop);
    }

    /** The request's context key marking a miss already handed to the read-through (a rerouted request does not fetch again). */
    private static final String THROUGH = "dig.read_through";

    private void notHeld(RoutingContext ctx, Bytes32 id, ServiceException se, io.vertx.core.Context loop) {
        String path = ctx.request().path();
        c.services().holders().lookup(id).whenComplete((found, e2) -> loop.runOnContext(v -> {
            JsonArray providers = new JsonArray();
            for (Holders.Holder h : found == null ? java.util.List.<Holders.Holder>of() : found) {
                providers.add(new JsonObject().put("node_id", h.nodeId()).put("peer_id", h.peerId()).put("api", h.url())
                        .put("url", h.url() + path));
            }
            Http.json(ctx, 404, new JsonObject().put("error", se.jsonCode()).put("message", se.getMessage())
                    .put("datastore_id", id.toHex()).put("providers", providers));
        }));
    }
}
