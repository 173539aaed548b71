package net.dig.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.NodeIdentity;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Compression;
import net.dig.storage.Manifest;
import net.dig.storage.CapsuleSource;
import net.dig.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write endpoints: {@code POST /datastore/push}, {@code POST /handle}, {@code GET /handle/{handle}/resolve}.
 *
 * <p>Push format (multipart/form-data, docs/api.md): a part {@code manifest} (the manifest JSON of
 * {@code GET /datastore/{id}/manifest}, as a form field or a file part), an optional field
 * {@code compression} ({@code zstd} default, or {@code none}) and one file part {@code capsule-<i>} per
 * capsule. The body is spooled to disk by the body handler (bounded by {@link ApiConfig#pushBodyLimit()}),
 * never held in memory as a whole; the storage engine then reads one capsule at a time and verifies the
 * owner signature, every capsule hash and chunk root and the Merkle root before it commits anything.
 */
final class PublishRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(PublishRoutes.class);

    private final ApiContext c;
    private final ContentRoutes content;

    PublishRoutes(ApiContext c, ContentRoutes content) {
        this.c = c;
        this.content = content;
    }

    // ---- POST /datastore/push

    void push(RoutingContext ctx) {
        c.requireAdmin(ctx, true);
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        String manifestText = ctx.request().getFormAttribute("manifest");
        String compressionText = ctx.request().getFormAttribute("compression");
        Map<Integer, Path> parts = new HashMap<>();
        Path manifestFile = null;
        for (FileUpload u : ctx.fileUploads()) {
            String name = u.name();
            if (name.equals("manifest")) {
                manifestFile = Path.of(u.uploadedFileName());
            } else if (name.startsWith("capsule-")) {
                int index = capsulePartIndex(name);
                if (parts.put(index, Path.of(u.uploadedFileName())) != null) {
                    throw ApiException.badRequest("bad_push", "capsule part " + index + " appears twice");
                }
            } else {
                throw ApiException.badRequest("bad_push", "unexpected part '" + name + "' (expected manifest, compression, capsule-<i>)");
            }
        }
        Path manifestPath = manifestFile;
        c.longTasks().submit("a push", () -> store(manifestText, manifestPath, compressionText, parts))
                .onSuccess(ApiContext.guarded(ctx, m -> {
                    content.invalidate(m.datastoreId());
                    JsonArray peers = new JsonArray();
                    c.peers().peers().forEach(p -> peers.add(p.nodeId()));
                    Http.json(ctx, 200, new JsonObject()
                            .put("accepted", true)
                            .put("datastore_id", m.datastoreId().toHex())
                            .put("version", m.version().version())
                            .put("merkle_root", m.version().merkleRoot().toHex())
                            .put("capsule_count", m.version().capsuleCount())
                            .put("storage_estimate", Http.iso(c.clock().millis()))
                            .put("propagation_peers", peers));
                }))
                .onFailure(ctx::fail);
    }

    private static int capsulePartIndex(String name) {
        try {
            return Http.capsuleIndex(name.substring("capsule-".length()));
        } catch (ApiException e) {
            throw ApiException.badRequest("bad_push", "capsule part names are capsule-<index>, got '"
                    + (name.length() > 40 ? name.substring(0, 40) : name) + "'");
        }
    }

    private Manifest store(String manifestText, Path manifestFile, String compressionText, Map<Integer, Path> parts)
            throws IOException {
        String text = manifestText;
        if (text == null && manifestFile != null) {
            if (Files.size(manifestFile) > 64L << 20) {
                throw new ApiException(413, "payload_too_large", "the manifest part exceeds 64 MiB");
            }
            text = Files.readString(manifestFile, StandardCharsets.UTF_8);
        }
        if (text == null) {
            throw ApiException.badRequest("bad_push", "the 'manifest' part is missing (multipart/form-data expected)");
        }
        JsonObject json;
        try {
            json = new JsonObject(text);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad_json", "the manifest part is not a JSON object");
        }
        ManifestJson.Pushed pushed = ManifestJson.decode(json);
        Compression compression;
        try {
            compression = compressionText == null ? Compression.ZSTD : Compression.parse(compressionText);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad_compression", "compression must be 'none' or 'zstd'");
        }
        if (!pushed.version().signatureValid()) {
            throw new ApiException(422, "bad_signature", "the owner signature does not verify over the datastore version");
        }
        Bytes32 id = pushed.version().datastoreId();
        Optional<Manifest> existing = c.storage().manifest(id);
        if (existing.isPresent() && existing.get().version().version() >= pushed.version().version()) {
            throw new ApiException(409, "stale_version", "this node already holds version " + existing.get().version().version()
                    + " of " + id.toHex() + "; push a higher version");
        }
        int count = pushed.capsules().size();
        if (parts.size() != count) {
            throw ApiException.badRequest("bad_push", "the manifest lists " + count + " capsules but " + parts.size()
                    + " capsule parts were sent");
        }
        for (CapsuleInfo ci : pushed.capsules()) {
            Path p = parts.get(ci.index());
            if (p == null) {
                throw ApiException.badRequest("bad_push", "capsule part capsule-" + ci.index() + " is missing");
            }
            if (Files.size(p) != ci.size()) {
                throw new ApiException(422, "verification_failed", "capsule " + ci.index() + " has " + Files.size(p)
                        + " bytes, the manifest says " + ci.size());
            }
        }
        CapsuleSource source = index -> {
            Path p = parts.get(index);
            if (p == null) {
                throw new IOException("no capsule part for index " + index);
            }
            return Files.readAllBytes(p);
        };
        Manifest stored;
        try {
            stored = c.storage().store(pushed.version(), pushed.name(), pushed.files(), pushed.capsules(), source, compression);
        } catch (IllegalArgumentException | StorageException e) {
            throw storeFailure(e, c.storage().writable());
        }
        LOG.atInfo().addKeyValue("component", "api").addKeyValue("event", "datastore_pushed")
                .addKeyValue("datastore_id", id.toHex()).addKeyValue("version", pushed.version().version())
                .addKeyValue("capsule_count", count).log("datastore pushed");
        return stored;
    }

    /**
     * What a failed {@code StorageEngine.store} means for the client. The engine has no exception
     * subclasses yet, so this reads its types, causes and message wording: {@link IllegalArgumentException}
     * = the data does not verify (422); "is not newer" = a newer-or-equal version won (409); no room /
     * {@code ENOSPC} = 507; a locked SQLite index = 503 with {@code Retry-After}; anything else is the
     * node's fault (503), never blamed on the client. {@code writable} is {@code StorageEngine.writable()}.
     */
    static ApiException storeFailure(RuntimeException e, boolean writable) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof StorageException s) {
            switch (s.code()) {
                case VERIFICATION_FAILED, OWNER_MISMATCH -> {
                    return new ApiException(422, "verification_failed", message);
                }
                case STALE_VERSION -> {
                    return new ApiException(409, "stale_version", message);
                }
                case NO_SPACE -> {
                    return new ApiException(507, "insufficient_storage", message);
                }
                case INDEX_BUSY -> {
                    return new ApiException(503, "index_busy", message, 1);
                }
                default -> { }
            }
        }
        if (e instanceof IllegalArgumentException) {
            return new ApiException(422, "verification_failed", message);
        }
        if (message.contains("is not newer") || message.contains("is already at version")) {
            return new ApiException(409, "stale_version", message);
        }
        if (message.contains("has room for") || causeSays(e, "No space left")) {
            return new ApiException(507, "insufficient_storage", message);
        }
        if (causeSays(e, "SQLITE_BUSY") || causeSays(e, "database is locked")) {
            return new ApiException(503, "index_busy", message, 1);
        }
        return ApiException.unavailable(writable ? message : message + " (storage is not writable)");
    }

    private static boolean causeSays(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
            if (t instanceof java.nio.file.FileSystemException fse && fse.getReason() != null && fse.getReason().contains(text)) {
                return true;
            }
        }
        return false;
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
                throw ApiException.badRequest("bad_metadata", "metadata must be an object of strings");
            }
            for (Map.Entry<String, Object> e : mo) {
                if (!(e.getValue() instanceof String s)) {
                    throw ApiException.badRequest("bad_metadata", "metadata values must be strings");
                }
                metadata.put(e.getKey(), s);
            }
        }
        byte[] signature = Http.hexBytes(Http.string(body, "signature", true), 64, "signature");
        HandleRegistration reg = new HandleRegistration(handle, id, (int) Math.max(Math.min(tier, 99), -1), metadata);
        c.blocking(() -> {
            Manifest m = c.storage().manifest(id).orElseThrow(() ->
                    ApiException.notFound("unknown_datastore", "no datastore " + id.toHex() + " on this node"));
            if (!NodeIdentity.verify(m.version().ownerPublicKey(), reg.signingBytes(), signature)) {
                throw new ApiException(422, "bad_signature", "the signature does not verify under the owner key of "
                        + id.toHex() + " (signed bytes: docs/api.md, 'Handle registration')");
            }
            HandleTable.Entry stored = c.handles().registerIfAbsent(new HandleTable.Entry(handle, id, reg.tier(),
                    c.clock().millis(), reg.metadata(), signature));
            boolean same = stored.datastoreId().equals(id) && stored.tier() == reg.tier()
                    && stored.metadata().equals(reg.metadata());
            if (!same) {
                throw new ApiException(409, "handle_taken", "handle '" + handle + "' is already registered to "
                        + stored.datastoreId().toHex());
            }
            return stored;
        }).onSuccess(ApiContext.guarded(ctx, e -> Http.json(ctx, 200, resolveJson(e)))).onFailure(ctx::fail);
    }

    // ---- GET /handle/{handle}/resolve

    void resolve(RoutingContext ctx) {
        String handle = ctx.pathParam("handle");
        HandleRegistration.checkHandle(handle);
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        c.blocking(() -> c.handles().find(handle).orElseThrow(() ->
                        ApiException.notFound("unknown_handle", "handle '" + handle + "' is not registered on this node")))
                .onSuccess(ApiContext.guarded(ctx, e -> Http.json(ctx, 200, resolveJson(e))))
                .onFailure(ctx::fail);
    }

    private static JsonObject resolveJson(HandleTable.Entry e) {
        return new JsonObject().put("handle", e.handle()).put("datastore_id", e.datastoreId().toHex())
                .put("tier", e.tier()).put("registration_time", Math.floorDiv(e.registrationTimeMillis(), 1000))
                .put("metadata", new JsonObject(new java.util.LinkedHashMap<>(e.metadata())))
                .put("signature", Hex.encode(e.signature()));
    }
}
