package net.dig.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.NodeIdentity;
import net.dig.proof.ProofBundle;
import net.dig.proof.ProofParts;
import net.dig.service.AttestationBook;
import net.dig.service.CapsuleRepair;
import net.dig.service.CapsuleTiers;
import net.dig.service.ContentService;
import net.dig.service.DatastoreService;
import net.dig.service.ErrorCode;
import net.dig.service.ProofService;
import net.dig.service.RewardTracker;
import net.dig.service.ServiceException;
import net.dig.service.TierBalancer;
import net.dig.service.ValidatorService;
import net.dig.storage.Compression;
import net.dig.storage.PlotSummary;
import net.dig.storage.ScrubStatus;

/**
 * Node endpoints: {@code GET /network/peers}, {@code POST /validation/challenge}, {@code GET /node/status},
 * {@code POST /plot/create}.
 *
 * <p>Challenges are answered by {@link ProofService} (capsule lookup by hash, the signed dig-proof
 * bundle); this class checks the request and the validator and renders the answer.
 */
final class NodeRoutes {
    private final ApiContext c;
    private final ProofService proofs;
    private final DatastoreService datastores;

    NodeRoutes(ApiContext c) {
        this.c = c;
        this.proofs = c.services().proofs();
        this.datastores = c.services().datastores();
    }

    // ---- GET /network/peers

    // ---- GET /datastores

    /** What this node holds, one page: {@code ?limit=1..1000} (100), {@code ?cursor=} the previous page's {@code next_cursor}. */
    void datastores(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        String limitText = ctx.queryParams().get("limit");
        int limit;
        if (limitText == null) {
            limit = net.dig.service.DatastoreListing.DEFAULT_LIMIT;
        } else if (!limitText.matches("[0-9]{1,4}")) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "limit must be an integer within 1.." + net.dig.service.DatastoreListing.MAX_LIMIT);
        } else {
            limit = Integer.parseInt(limitText);
        }
        String cursorText = ctx.queryParams().get("cursor");
        java.util.Optional<Bytes32> cursor = cursorText == null ? java.util.Optional.empty()
                : java.util.Optional.of(Http.hash32(cursorText, "cursor"));
        DatastoreService datastores = c.services().datastores();
        net.dig.service.DatastoreListing.Reason reason = c.services().listingReason();
        net.dig.service.DatastoreListing.page(List.of(), reason, limit, cursor); // the limit's typed error before any work
        c.blocking(() -> net.dig.service.DatastoreListing.page(datastores.datastores(), reason, limit, cursor))
                .onSuccess(ApiContext.guarded(ctx, page -> {
                    JsonArray rows = new JsonArray();
                    page.rows().forEach(r -> rows.add(new JsonObject(r.fields())));
                    Http.json(ctx, 200, new JsonObject().put("datastores", rows)
                            .put("next_cursor", page.nextCursor().map(Bytes32::toHex).orElse(null)));
                })).onFailure(ctx::fail);
    }

    void peers(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        Http.json(ctx, 200, new JsonObject().put("peers", peersJson()));
    }

    JsonArray peersJson() {
        JsonArray peers = new JsonArray();
        for (PeerView p : c.peers().peers()) {
            JsonObject peer = new JsonObject().put("node_id", p.nodeId()).put("endpoint", p.endpoint())
                    .put("capabilities", new JsonArray(new ArrayList<>(p.capabilities())))
                    .put("reputation", p.reputation()).put("last_seen", Http.iso(p.lastSeenMillis()));
            if (p.peerId() != null) {
                peer.put("peer_id", p.peerId());
            }
            if (p.mode() != null) {
                peer.put("mode", p.mode());
            }
            if (p.direction() != null) {
                peer.put("direction", p.direction()).put("node_type", p.nodeType())
                        .put("software_version", p.softwareVersion())
                        .put("rtt_ms", p.rttMillis().isPresent() ? p.rttMillis().getAsLong() : null);
            }
            peers.add(peer);
        }
        return peers;
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
            throw new ServiceException(ErrorCode.BAD_CHALLENGE_ID, "challenge_id must be 1..128 printable ASCII characters");
        }
        Bytes32 capsuleHash = Http.hash32(Http.string(body, "capsule_hash", true), "capsule_hash");
        String type = Http.string(body, "challenge_type", true);
        ProofParts parts = ProofService.partsOf(type);
        if (parts == null) {
            throw new ServiceException(ErrorCode.BAD_CHALLENGE_TYPE,
                    "challenge_type must be one of 'ownership', 'inclusion', 'physical_access', 'work', 'full'");
        }
        byte[] validatorSignature = Http.hexBytes(Http.string(body, "validator_signature", true), 64, "validator_signature");
        String validatorKey = Http.string(body, "validator_public_key", false);
        byte[] key = validatorKey == null ? null : Http.hexBytes(validatorKey, 32, "validator_public_key");
        proofs.admit(key, challengeId, capsuleHash, type, validatorSignature);
        c.blocking(() -> answer(challengeId, capsuleHash, parts))
                .onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json)))
                .onFailure(e -> {
                    proofs.refused();
                    ctx.fail(e);
                });
    }

    private JsonObject answer(String challengeId, Bytes32 capsuleHash, ProofParts parts) {
        ProofService.Answer a = proofs.answer(challengeId, capsuleHash, parts);
        ProofBundle bundle = a.generated().bundle();
        JsonArray partNames = new JsonArray().add("ownership");
        if (parts.inclusion()) {
            partNames.add("inclusion");
        }
        if (parts.access()) {
            partNames.add("physical_access");
        }
        if (parts.work()) {
            partNames.add("work");
        }
        return new JsonObject()
                .put("proof", Hex.encode(a.generated().bytes()))
                .put("format", "DIGB/1")
                .put("parts", partNames)
                .put("generation_time_ms", TimeUnit.NANOSECONDS.toMillis(a.elapsedNanos()))
                .put("generation_time_us", TimeUnit.NANOSECONDS.toMicros(a.elapsedNanos()))
                .put("challenge", Hex.encode(a.challenge().id().toArray()))
                .put("challenge_preimage", Hex.encode(a.challenge().preimage()))
                .put("plot_id", bundle.plotId().toHex())
                .put("datastore_id", a.datastoreId().toHex())
                .put("capsule_index", a.challenge().anchorCapsule())
                .put("node_id", c.identity().nodeId())
                .put("public_key", Hex.encode(c.identity().publicKey()))
                .put("signature", Hex.encode(bundle.signature()));
    }

    // ---- GET /node/status

    void status(RoutingContext ctx) {
        ApiContext.limit(ctx, c.apiLimiter(), c.apiKey(ctx), "api_requests");
        c.blocking(this::statusJson).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(ctx::fail);
    }

    JsonObject statusJson() {
        DatastoreService.PlotStats plots = datastores.plotStats();
        long sent = c.metrics().bytesOut();
        long received = c.metrics().bytesIn();
        PeerDirectory.Traffic p2p = c.peers().traffic();
        CapsuleTiers.TierStats l1 = c.services().content().tiers().l1Stats();
        CapsuleTiers.TierStats l2 = c.services().content().tiers().l2Stats();
        ContentService.Integrity integrity = c.services().content().integrity();
        ScrubStatus scrub = integrity.scrub();
        return new JsonObject()
                .put("node_id", c.identity().nodeId())
                .put("version", c.version())
                .put("uptime", Math.max(0, (c.clock().millis() - c.startedMillis()) / 1000))
                .put("plots", new JsonObject().put("count", plots.plots()).put("total_size", plots.bytesOnDisk())
                        .put("capsule_count", plots.capsules()).put("quarantined", plots.quarantined())
                        .put("bad_capsules", integrity.badCapsules())
                        .put("scrub", new JsonObject().put("enabled", scrub.enabled()).put("rate", scrub.bytesPerSecond())
                                .put("bytes_scrubbed", scrub.bytesScrubbed()).put("passes", scrub.passes())
                                .put("last_pass_finished", scrub.lastPassFinishedMillis() == 0 ? null
                                        : Http.iso(scrub.lastPassFinishedMillis()))
                                .put("bad_found", scrub.badFound()).put("pass_bytes", scrub.passBytes())
                                .put("pass_total_bytes", scrub.passTotalBytes()))
                        .put("repairs", repairs(integrity.repairs()))
                        .put("tiering", c.services().tiering().map(NodeRoutes::tiering).orElse(null)))
                .put("network", new JsonObject().put("peers", c.peers().peers().size())
                        .put("bandwidth_used", sent + received + p2p.bytesIn() + p2p.bytesOut()).put("bandwidth_out", sent)
                        .put("bandwidth_in", received).put("p2p_bytes_in", p2p.bytesIn()).put("p2p_bytes_out", p2p.bytesOut())
                        .put("capsule_bytes_uploaded", c.services().capsuleBytesUploaded())
                        .put("capsule_bytes_downloaded", c.services().capsuleBytesDownloaded())
                        .put("validations_24h", proofs.validations24h())
                        .put("dht", c.peers().dht().map(d -> new JsonObject().put("routing_table_size", d.routingTableSize())
                                .put("provider_records", d.providerRecords()).put("provided_keys", d.providedKeys())
                                .put("messages_in", d.messagesIn()).put("messages_out", d.messagesOut())
                                .put("rejected", d.rejected())).orElse(null)))
                .put("validation", c.services().validation().map(NodeRoutes::validation).orElse(null))
                .put("attestations", attestations(c.services().attestations(), Bytes32.wrap(c.identity().publicKey())))
                .put("reports", c.services().reports().map(r -> new JsonObject().put("built", r.built())
                        .put("received", r.received()).put("verified", r.verified()).put("flagged", r.flagged())
                        .put("unverified", r.unverified()).put("last_flag", r.lastFlag())).orElse(null))
                .put("earnings", earnings(c.services().earnings()))
                .put("datastores", datastores.datastores().size())
                .put("handles", c.services().handles().count())
                .put("cache", new JsonObject().put("l1", tier(l1)).put("l2", tier(l2)));
    }

    /** What validators attested of this node over the book's window, with a warning as soon as one failure is known. */
    private JsonObject attestations(AttestationBook book, Bytes32 self) {
        AttestationBook.Standing s = book.standing(self);
        String warning = s.failed() == 0 ? null : s.failed() + " of " + (s.passed() + s.failed())
                + " storage challenges attested failed in the last 7 days (last at " + Http.iso(s.lastFailureMillis())
                + "): check the plots (dig-node plot verify) and the disks before validators count it against this node";
        return new JsonObject().put("received", book.received()).put("passed", s.passed()).put("failed", s.failed())
                .put("validators", s.validators()).put("reputation", s.passed() + s.failed() == 0 ? null : s.reputation())
                .put("warning", warning);
    }

    /** The seed's three figures (bribes: none are offered yet, so 0) and how they were reached. */
    private static JsonObject earnings(RewardTracker.Earnings e) {
        return new JsonObject().put("total_dig", e.totalDig()).put("total_bribes", 0.0).put("pending_rewards", e.pendingDig())
                .put("validation_success_rate", e.successRate()).put("earnings_per_tb", e.earningsPerTbDay())
                .put("attestations", e.attestations());
    }

    private static JsonObject validation(ValidatorService.Status v) {
        JsonArray provers = new JsonArray();
        for (ValidatorService.ProverRecord p : v.provers()) {
            provers.add(new JsonObject().put("node_id", NodeIdentity.nodeIdOf(p.proverKey().toArray()))
                    .put("public_key", Hex.encode(p.proverKey().toArray())).put("passes", p.passes())
                    .put("confirmed_failures", p.confirmedFailures()).put("contained", p.contained())
                    .put("reputation", p.reputation()).put("service", new JsonObject().put("reads", p.service().reads())
                            .put("failed_reads", p.service().failedReads()).put("mean_ms", p.service().meanMillis())
                            .put("bytes_per_second", p.service().bytesPerSecond())));
        }
        return new JsonObject().put("challenges", v.challenges()).put("passed", v.passed()).put("failed", v.failed())
                .put("voided", v.voided()).put("contained", v.contained()).put("provers", provers);
    }

    private static JsonObject tiering(TierBalancer.Status t) {
        JsonArray dirs = new JsonArray();
        for (TierBalancer.Directory d : t.directories()) {
            dirs.add(new JsonObject().put("path", d.path()).put("class", d.storageClass()).put("plots", d.plots())
                    .put("plot_bytes", d.plotBytes()).put("free_bytes", d.freeBytes() < 0 ? null : d.freeBytes()));
        }
        return new JsonObject().put("active", t.active()).put("promoted", t.promoted()).put("demoted", t.demoted())
                .put("failed", t.failed()).put("copies_dropped", t.copiesDropped()).put("last_move", t.lastMove())
                .put("directories", dirs);
    }

    private static JsonObject repairs(CapsuleRepair.Status r) {
        return new JsonObject().put("pending", r.pending()).put("running", r.running()).put("repaired", r.repaired())
                .put("failed_attempts", r.failedAttempts()).put("providers_penalised", r.providersPenalised());
    }

    private static JsonObject tier(CapsuleTiers.TierStats s) {
        return new JsonObject().put("hits", s.hits()).put("misses", s.misses()).put("hit_ratio", s.hitRatio())
                .put("bytes", s.bytes());
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
                throw new ServiceException(ErrorCode.BAD_FIELD, "too many capsule_indices");
            }
            for (int i = 0; i < a.size(); i++) {
                Object v = a.getValue(i);
                if (!(v instanceof Integer n) || n < 0) {
                    throw new ServiceException(ErrorCode.BAD_CAPSULE_INDEX, "capsule_indices[" + i + "] must be a non-negative integer");
                }
                indices.add(n);
            }
        }
        Compression compression;
        try {
            String cs = Http.string(body, "compression", false);
            compression = cs == null ? Compression.ZSTD : Compression.parse(cs);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(ErrorCode.BAD_COMPRESSION, "compression must be 'none' or 'zstd'");
        }
        c.longTasks().submit("plot creation", () -> {
            PlotSummary p = datastores.createPlot(id, indices, compression);
            return new JsonObject().put("plot_id", p.plotId().toHex()).put("creation_time", Http.iso(p.creationTime() * 1000))
                    .put("size_bytes", p.sizeBytes()).put("capsule_count", p.capsuleCount());
        }).onSuccess(ApiContext.guarded(ctx, json -> Http.json(ctx, 200, json))).onFailure(ctx::fail);
    }
}
