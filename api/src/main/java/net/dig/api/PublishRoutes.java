package net.dig.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.service.CapsuleParts;
import net.dig.service.ErrorCode;
import net.dig.service.HandleRegistration;
import net.dig.service.HandleNamespace;
import net.dig.service.ManifestCodec;
import net.dig.service.ReplicationService;
import net.dig.service.ServiceException;
import net.dig.storage.Compression;
import net.dig.storage.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write endpoints: {@code POST /datastore/push}, {@code POST /handle}, {@code GET /handle/{handle}/resolve}
 * (handles: {@code HandleService}).
 *
 * <p>Push format (multipart/form-data, docs/api.md): a part {@code manifest} (the manifest JSON of
 * {@code GET /datastore/{id}/manifest}, as a form field or a file part), an optional field
 * {@code compression} ({@code zstd} default, or {@code none}) and one file part {@code capsule-<i>} per
 * capsule. The body is spooled to disk by {@link PushReceiver} (bounded by {@link ApiConfig#pushBodyLimit()}
 * and the spool's {@link PushLimits}), never held in memory as a whole; the route parses the parts ({@link ManifestCodec}) and hands them to
 * {@code DatastoreService.store}, which checks the owner signature, the version, every capsule hash and
 * chunk root and the Merkle root before anything is committed, and names each refusal by its
 * {@code ErrorCode}. The spool files are deleted before the push is answered, whatever the answer.
 */
final class PublishRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(PublishRoutes.class);

    /** How long a push answer waits for the peers' answers to the new version's offer. */
    static final long PROPAGATION_WAIT_SECS = 10;
    private final ApiContext c;

    PublishRoutes(ApiContext c) {
        this.c = c;
    }

    // ---- POST /datastore/push

    void push(RoutingContext ctx) {
        PushReceiver.Received body = ctx.get(PushReceiver.KEY);
        try {
            c.requireAdmin(ctx, true);
            ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
            String manifestText = body.field("manifest");
            String compressionText = body.field("compression");
            Map<Integer, Path> parts = new HashMap<>();
            Path manifestFile = null;
            for (PushReceiver.Received.Part u : body.parts()) {
                String name = u.name();
                if (name.equals("manifest")) {
                    manifestFile = u.path();
                } else if (name.startsWith("capsule-")) {
                    int index = capsulePartIndex(name);
                    if (parts.put(index, u.path()) != null) {
                        throw new ServiceException(ErrorCode.BAD_PUSH, "capsule part " + index + " appears twice");
                    }
                } else {
                    throw new ServiceException(ErrorCode.BAD_PUSH, "unexpected part '" + clip(name) + "' (expected manifest, compression, capsule-<i>)");
                }
            }
            Path manifestPath = manifestFile;
            // the spool files go before the answer does, whatever the outcome
            c.longTasks().submit("a push", () -> store(manifestText, manifestPath, compressionText, parts))
                    .transform(ar -> body.close().transform(v -> ar.succeeded()
                            ? Future.succeededFuture(ar.result()) : Future.<Manifest>failedFuture(ar.cause())))
                    .compose(m -> propagation(ctx, m).map(p -> Map.entry(m, p)))
                    .onSuccess(ApiContext.guarded(ctx, mp -> {
                        Manifest m = mp.getKey();
                        ReplicationService.Propagation p = mp.getValue();
                        JsonArray peers = new JsonArray();
                        p.acceptedBy().forEach(peers::add);
                        Http.json(ctx, 200, new JsonObject()
                                .put("accepted", true)
                                .put("datastore_id", m.datastoreId().toHex())
                                .put("version", m.version().version())
                                .put("merkle_root", m.version().merkleRoot().toHex())
                                .put("capsule_count", m.version().capsuleCount())
                                .put("storage_estimate", Http.iso(p.storedByMillis()))
                                .put("propagation_peers", peers)
                                .put("propagation_free_bytes", p.freeBytes()));
                    }))
                    .onFailure(ctx::fail);
        } catch (RuntimeException e) {
            body.close().onComplete(v -> ctx.fail(e));
        }
    }

    /**
     * What the peers answered to the offer of the version just stored (docs/decisions.md D40b), waited for
     * at most {@link #PROPAGATION_WAIT_SECS}; without replication, or past the wait, no peer accepted and
     * the estimate is now (the version is stored here).
     */
    private Future<ReplicationService.Propagation> propagation(RoutingContext ctx, Manifest m) {
        ReplicationService.Propagation none = new ReplicationService.Propagation(m.datastoreId(), m.version().version(),
                java.util.List.of(), 0, c.clock().millis());
        return c.services().replicationService().flatMap(r -> r.announced(m.datastoreId(), m.version().version()))
                .map(f -> Future.fromCompletionStage(f.copy().completeOnTimeout(none, PROPAGATION_WAIT_SECS,
                        java.util.concurrent.TimeUnit.SECONDS), ctx.vertx().getOrCreateContext()))
                .orElseGet(() -> Future.succeededFuture(none));
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    private static int capsulePartIndex(String name) {
        try {
            return Http.capsuleIndex(name.substring("capsule-".length()));
        } catch (ServiceException e) {
            throw new ServiceException(ErrorCode.BAD_PUSH, "capsule part names are capsule-<index>, got '"
                    + (name.length() > 40 ? name.substring(0, 40) : name) + "'");
        }
    }

    private Manifest store(String manifestText, Path manifestFile, String compressionText, Map<Integer, Path> parts)
            throws IOException {
        String text = manifestText;
        if (text == null && manifestFile != null) {
            if (Files.size(manifestFile) > 64L << 20) {
                throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the manifest part exceeds 64 MiB");
            }
            text = Files.readString(manifestFile, StandardCharsets.UTF_8);
        }
        if (text == null) {
            throw new ServiceException(ErrorCode.BAD_PUSH, "the 'manifest' part is missing (multipart/form-data expected)");
        }
        ManifestCodec.Decoded pushed = ManifestCodec.decode(text);
        Compression compression;
        try {
            compression = compressionText == null ? Compression.ZSTD : Compression.parse(compressionText);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(ErrorCode.BAD_COMPRESSION, "compression must be 'none' or 'zstd'");
        }
        Manifest stored = c.services().datastores().store(pushed, CapsuleParts.files(parts), compression);
        LOG.atInfo().addKeyValue("component", "api").addKeyValue("event", "datastore_pushed")
                .addKeyValue("datastore_id", stored.datastoreId().toHex()).addKeyValue("version", stored.version().version())
                .addKeyValue("capsule_count", stored.capsules().size()).log("datastore pushed");
        return stored;
    }

    // ---- POST /handle

    void register(RoutingContext ctx) {
        c.requireAdmin(ctx, true);
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        JsonObject body = Http.jsonBody(ctx);
        String handle = Http.string(body, "handle", true);
        HandleRegistration.checkHandle(handle);
        Bytes32 id = Http.datastoreId(Http.string(body, "datastore_id", true), "datastore_id");
        long tier = body.getValue("tier") == null ? 4 : Http.number(body, "tier");
        SortedMap<String, String> metadata = new TreeMap<>();
        Object md = body.getValue("metadata");
        if (md != null) {
            if (!(md instanceof JsonObject mo)) {
                throw new ServiceException(ErrorCode.BAD_METADATA, "metadata must be an object of strings");
            }
            for (Map.Entry<String, Object> e : mo) {
                if (!(e.getValue() instanceof String s)) {
                    throw new ServiceException(ErrorCode.BAD_METADATA, "metadata values must be strings");
                }
                metadata.put(e.getKey(), s);
            }
        }
        if (body.getValue("registered_at") == null) {
            throw new ServiceException(ErrorCode.MISSING_FIELD, "field 'registered_at' is required: the owner signs the"
                    + " registration time (docs/api.md, 'Handles')");
        }
        long registeredAt = Http.number(body, "registered_at");
        long expiresAt = body.getValue("expires_at") == null ? registeredAt + DEFAULT_TERM_SECONDS : Http.number(body, "expires_at");
        Object revoked = body.getValue("revoked");
        if (revoked != null && !(revoked instanceof Boolean)) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "field 'revoked' must be true or false");
        }
        String root = Http.string(body, "pinned_root", false);
        java.util.Optional<Bytes32> pinned = root == null ? java.util.Optional.empty()
                : java.util.Optional.of(Http.hash32(root, "pinned_root"));
        byte[] signature = Http.hexBytes(Http.string(body, "signature", true), 64, "signature");
        HandleRegistration reg = new HandleRegistration(handle, id, pinned, (int) Math.max(Math.min(tier, 99), -1), registeredAt,
                expiresAt, Boolean.TRUE.equals(revoked), metadata);
        c.blocking(() -> c.services().handles().register(reg, signature))
                .onSuccess(ApiContext.guarded(ctx, e -> Http.json(ctx, 200, resolveJson(e)))).onFailure(ctx::fail);
    }

    // ---- GET /handle/{handle}/resolve

    void resolve(RoutingContext ctx) {
        String handle = ctx.pathParam("handle");
        HandleRegistration.checkHandle(handle);
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        c.blocking(() -> c.services().handles().resolve(handle))
                .onSuccess(ApiContext.guarded(ctx, e -> Http.json(ctx, 200, resolveJson(e))))
                .onFailure(ctx::fail);
    }

    /** A year: the term of a registration that names no {@code expires_at}. */
    static final long DEFAULT_TERM_SECONDS = 365 * 24 * 3600L;

    /** The handle record (docs/api.md "Handles"): the fields a future on-chain registry carries too. */
    static JsonObject resolveJson(HandleNamespace.Resolution res) {
        JsonObject j = new JsonObject().put("handle", res.label()).put("label", res.label()).put("status", res.status().label());
        res.record().ifPresent(r -> j.put("datastore_id", r.datastoreId().toHex())
                .put("owner_public_key", Hex.encode(r.ownerPublicKey()))
                .put("pinned_root", r.pinnedRoot().map(Bytes32::toHex).orElse(null))
                .put("tier", r.tier()).put("registered_at", r.registeredAt()).put("registration_time", r.registeredAt())
                .put("expires_at", r.expiresAt())
                .put("metadata", new JsonObject(new java.util.LinkedHashMap<>(r.metadata())))
                .put("record_id", r.id().toHex()).put("signature", Hex.encode(r.ownerSignature())));
        return j;
    }
}
