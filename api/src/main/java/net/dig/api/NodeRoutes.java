package net.dig.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.MerkleProof;
import net.dig.core.NodeIdentity;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.Manifest;
import net.dig.storage.PlotSummary;

/**
 * Node endpoints: {@code GET /network/peers}, {@code POST /validation/challenge}, {@code GET /node/status},
 * {@code POST /plot/create}.
 *
 * <p>Challenges are looked up by capsule hash through an in-memory hash index rebuilt whenever the set
 * of (datastore, version) pairs changes; the answer is a {@link ChallengeProof} whose generation time is
 * measured with the injected clock.
 */
final class NodeRoutes {
    private static final long DAY_MILLIS = 86_400_000L;

    private record Located(Bytes32 datastoreId, int index, long size) {
    }

    private final ApiContext c;
    private final ContentRoutes content;
    private final Timer proofTime;
    private final Counter challengesOk;
    private final Counter challengesFailed;
    private final ArrayDeque<Long> recentValidations = new ArrayDeque<>();
    private volatile Map<Bytes32, Located> hashIndex = Map.of();
    private volatile List<String> hashIndexKey = List.of();

    NodeRoutes(ApiContext c, ContentRoutes content) {
        this.c = c;
        this.content = content;
        this.proofTime = Timer.builder("proof_generation_time").description("time to answer a storage challenge")
                .publishPercentileHistogram().register(c.registry());
        this.challengesOk = Counter.builder("validation_challenges").tag("result", "answered").register(c.registry());
        this.challengesFailed = Counter.builder("validation_challenges").tag("result", "refused").register(c.registry());
    }

    // ---- GET /network/peers

    void peers(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        JsonArray peers = new JsonArray();
        for (PeerView p : c.peers().peers()) {
            JsonObject peer = new JsonObject().put("node_id", p.nodeId()).put("endpoint", p.endpoint())
                    .put("capabilities", new JsonArray(new ArrayList<>(p.capabilities())))
                    .put("reputation", p.reputation()).put("last_seen", Http.iso(p.lastSeenMillis()));
            if (p.direction() != null) {
                peer.put("direction", p.direction()).put("node_type", p.nodeType())
                        .put("software_version", p.softwareVersion())
                        .put("rtt_ms", p.rttMillis().isPresent() ? p.rttMillis().getAsLong() : null);
            }
            peers.add(peer);
        }
        Http.json(ctx, 200, new JsonObject().put("peers", peers));
    }

    // ---- POST /validation/challenge

    /** Admission, before the body is read: the {@code validation_challenge} limit per client IP. */
    void challengeAdmission(RoutingContext ctx) {
        ApiContext.limit(ctx, c.challengeLimiter(), ApiContext.clientKey(ctx), "validation_challenge");
        ctx.next();
    }

    void challenge(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        String challengeId = Http.string(body, "challenge_id", true);
        if (challengeId.isEmpty() || challengeId.length() > 128 || challengeId.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
            throw ApiException.badRequest("bad_challenge_id", "challenge_id must be 1..128 printable ASCII characters");
        }
        Bytes32 capsuleHash = Http.hash32(Http.string(body, "capsule_hash", true), "capsule_hash");
        String type = Http.string(body, "challenge_type", true);
        if (!type.equals("physical_access") && !type.equals("inclusion")) {
            throw ApiException.badRequest("bad_challenge_type", "challenge_type must be 'physical_access' or 'inclusion'");
        }
        byte[] validatorSignature = Http.hexBytes(Http.string(body, "validator_signature", true), 64, "validator_signature");
        String validatorKey = Http.string(body, "validator_public_key", false);
        if (validatorKey == null) {
            challengesFailed.increment();
            throw new ApiException(401, "validator_key_required",
                    "validator_public_key is required: only challenges signed by a configured validator are answered");
        }
        byte[] key = Http.hexBytes(validatorKey, 32, "validator_public_key");
        if (!c.config().validatorKeys().contains(Hex.encodePlain(key))) {
            challengesFailed.increment();
            throw new ApiException(403, "validator_not_allowed", c.config().validatorKeys().isEmpty()
                    ? "this node answers no storage challenges: no validator keys are configured (validatorKeys)"
                    : "validator_public_key is not one of the validators this node answers (validatorKeys)");
        }
        if (!NodeIdentity.verify(key, challengeSigningBytes(challengeId, capsuleHash, type), validatorSignature)) {
            challengesFailed.increment();
            throw new ApiException(422, "bad_signature", "validator_signature does not verify under validator_public_key");
        }
        c.blocking(() -> answer(challengeId, capsuleHash))
                .onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json)))
                .onFailure(e -> {
                    challengesFailed.increment();
                    ctx.fail(e);
                });
    }

    /** What a validator signs: "DIGV" ‖ u8 1 ‖ u16 L ‖ challenge_id ‖ capsule_hash ‖ u8 T ‖ challenge_type. */
    static byte[] challengeSigningBytes(String challengeId, Bytes32 capsuleHash, String type) {
        byte[] id = challengeId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 1 + 2 + id.length + 32 + 1 + t.length);
        b.put(new byte[] {'D', 'I', 'G', 'V'}).put((byte) 1).putShort((short) id.length).put(id);
        capsuleHash.writeTo(b);
        b.put((byte) t.length).put(t);
        return b.array();
    }

    private JsonObject answer(String challengeId, Bytes32 capsuleHash) {
        long start = c.clock().nanos();
        Located at = locateHash(capsuleHash);
        CapsuleLocation loc = c.storage().locate(at.datastoreId(), at.index()).orElseThrow(() ->
                ApiException.notFound("unknown_capsule", "no capsule with hash " + capsuleHash.toHex() + " on this node"));
        int chunkIndex = ChallengeProof.chunkIndex(challengeId, capsuleHash, at.size());
        byte[] chunk = c.storage().readChunk(at.datastoreId(), at.index(), chunkIndex);
        MerkleProof chunkProof = c.storage().chunkProof(at.datastoreId(), at.index(), chunkIndex);
        MerkleProof capsuleProof = c.storage().capsuleProof(at.datastoreId(), at.index());
        ChallengeProof proof = ChallengeProof.sign(challengeId, loc.plotId(), at.datastoreId(), at.index(), capsuleHash,
                chunkIndex, chunk, chunkProof, capsuleProof, c.identity());
        long elapsed = c.clock().nanos() - start;
        proofTime.record(elapsed, TimeUnit.NANOSECONDS);
        challengesOk.increment();
        synchronized (recentValidations) {
            recentValidations.addLast(c.clock().millis());
        }
        return new JsonObject()
                .put("proof", Hex.encode(proof.encode()))
                .put("generation_time_ms", TimeUnit.NANOSECONDS.toMillis(elapsed))
                .put("plot_id", loc.plotId().toHex())
                .put("datastore_id", at.datastoreId().toHex())
                .put("capsule_index", at.index())
                .put("chunk_index", chunkIndex)
                .put("node_id", c.identity().nodeId())
                .put("public_key", Hex.encode(c.identity().publicKey()))
                .put("signature", Hex.encode(proof.signature()));
    }

    private Located locateHash(Bytes32 hash) {
        List<DatastoreSummary> stores = c.storage().datastores();
        List<String> key = new ArrayList<>(stores.size());
        for (DatastoreSummary s : stores) {
            key.add(s.datastoreId().toHex() + "/" + s.version());
        }
        if (!key.equals(hashIndexKey)) {
            synchronized (this) {
                if (!key.equals(hashIndexKey)) {
                    Map<Bytes32, Located> index = new HashMap<>();
                    for (DatastoreSummary s : stores) {
                        Manifest m = c.storage().manifest(s.datastoreId()).orElse(null);
                        if (m != null) {
                            for (CapsuleInfo ci : m.capsules()) {
                                index.putIfAbsent(ci.hash(), new Located(s.datastoreId(), ci.index(), ci.size()));
                            }
                        }
                    }
                    hashIndex = index;
                    hashIndexKey = key;
                }
            }
        }
        Located at = hashIndex.get(hash);
        if (at == null) {
            throw ApiException.notFound("unknown_capsule", "no capsule with hash " + hash.toHex() + " on this node");
        }
        return at;
    }

    long validations24h() {
        long cutoff = c.clock().millis() - DAY_MILLIS;
        synchronized (recentValidations) {
            while (!recentValidations.isEmpty() && recentValidations.peekFirst() < cutoff) {
                recentValidations.pollFirst();
            }
            return recentValidations.size();
        }
    }

    // ---- GET /node/status

    void status(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        c.blocking(this::statusJson).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(ctx::fail);
    }

    JsonObject statusJson() {
        List<PlotSummary> plots = c.storage().plots();
        long capsules = 0;
        int quarantined = 0;
        for (PlotSummary p : plots) {
            capsules += p.capsuleCount();
            if (p.status() != net.dig.storage.PlotStatus.OK) {
                quarantined++;
            }
        }
        double sent = counterSum("bandwidth_out");
        double received = counterSum("bandwidth_in");
        CapsuleTiers.TierStats l1 = c.tiers().l1Stats();
        CapsuleTiers.TierStats l2 = c.tiers().l2Stats();
        return new JsonObject()
                .put("node_id", c.identity().nodeId())
                .put("version", c.config().version())
                .put("uptime", Math.max(0, (c.clock().millis() - c.startedMillis()) / 1000))
                .put("plots", new JsonObject().put("count", plots.size()).put("total_size", c.storage().plotBytesOnDisk())
                        .put("capsule_count", capsules).put("quarantined", quarantined))
                .put("network", new JsonObject().put("peers", c.peers().peers().size())
                        .put("bandwidth_used", (long) (sent + received)).put("bandwidth_out", (long) sent)
                        .put("bandwidth_in", (long) received).put("validations_24h", validations24h()))
                .put("earnings", new JsonObject().put("total_dig", 0.0).put("total_bribes", 0.0).put("pending_rewards", 0.0))
                .put("datastores", c.storage().datastores().size())
                .put("handles", c.handles().count())
                .put("cache", new JsonObject().put("l1", tier(l1)).put("l2", tier(l2)));
    }

    private static JsonObject tier(CapsuleTiers.TierStats s) {
        return new JsonObject().put("hits", s.hits()).put("misses", s.misses()).put("hit_ratio", s.hitRatio())
                .put("bytes", s.bytes());
    }

    private double counterSum(String name) {
        return c.registry().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    // ---- POST /plot/create

    void createPlot(RoutingContext ctx) {
        c.requireAdmin(ctx, false);
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        JsonObject body = Http.jsonBody(ctx);
        Bytes32 id = Http.datastoreId(Http.string(body, "datastore_id", true), "datastore_id");
        List<Integer> indices = new ArrayList<>();
        if (body.getValue("capsule_indices") != null) {
            JsonArray a = Http.array(body, "capsule_indices");
            if (a.size() > 10_000_000) {
                throw ApiException.badRequest("bad_field", "too many capsule_indices");
            }
            for (int i = 0; i < a.size(); i++) {
                Object v = a.getValue(i);
                if (!(v instanceof Integer n) || n < 0) {
                    throw ApiException.badRequest("bad_capsule_index", "capsule_indices[" + i + "] must be a non-negative integer");
                }
                indices.add(n);
            }
        }
        Compression compression;
        try {
            String cs = Http.string(body, "compression", false);
            compression = cs == null ? Compression.ZSTD : Compression.parse(cs);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad_compression", "compression must be 'none' or 'zstd'");
        }
        c.longTasks().submit("plot creation", () -> {
            Manifest m = c.storage().manifest(id).orElseThrow(() ->
                    ApiException.notFound("unknown_datastore", "no datastore " + id.toHex() + " on this node"));
            for (int i : indices) {
                if (i >= m.capsules().size()) {
                    throw ApiException.badRequest("bad_capsule_index", "capsule index " + i + " is beyond capsule_count "
                            + m.capsules().size());
                }
            }
            PlotSummary p = c.storage().createPlot(id, indices, compression);
            content.invalidate(id);
            return new JsonObject().put("plot_id", p.plotId().toHex()).put("creation_time", Http.iso(p.creationTime() * 1000))
                    .put("size_bytes", p.sizeBytes()).put("capsule_count", p.capsuleCount());
        }).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(ctx::fail);
    }
}
