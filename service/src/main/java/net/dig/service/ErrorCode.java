package net.dig.service;

import java.util.Optional;
import net.dig.gossip.PenaltyReason;
import net.dig.storage.StorageErrorCode;

/**
 * The one table of failures: every way a request, a push or a replicated version can fail, with what
 * each transport makes of it.
 *
 * <h2>What</h2>
 * Each constant fixes the HTTP status and the JSON {@code error} code of the API's error body
 * ({@code {"error": code, "message": text}}, docs/api.md "Errors"), the CLI exit code (1 = the
 * operation failed, 2 = the request was wrong and nothing was done, 4 = the index must be rebuilt) and the penalty a peer earns for
 * causing it when the same content arrives over the network (empty: the failure is this node's own,
 * or an honest peer can cause it). {@link #of(StorageErrorCode)} maps every storage code onto one row.
 *
 * <h2>Why</h2>
 * The status of a failure is decided once, here, from a typed code; no transport reads exception
 * messages to choose it. Storage's {@code QUARANTINED} (a capsule found bad, or its plot quarantined,
 * by a verify or a read: persisted, so it stays so after a restart) is {@link #PLOT_UNAVAILABLE}, as is
 * the serving check of a plot quarantined while running; a plot that does not even open is not indexed,
 * and its capsules are {@link #UNAVAILABLE}. A row whose JSON code is {@code null} ({@link #BAD_HEX_FIELD})
 * renders as {@code bad_<field>}, the field named by the {@link ServiceException}.
 */
public enum ErrorCode {
    BAD_REQUEST(400, "bad_request", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_JSON(400, "bad_json", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    MISSING_FIELD(400, "missing_field", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_FIELD(400, "bad_field", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    /** A malformed hex field; rendered {@code bad_<field>}. */
    BAD_HEX_FIELD(400, null, Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_DATASTORE_ID(400, "bad_datastore_id", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_CAPSULE_INDEX(400, "bad_capsule_index", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_RANGE(400, "bad_range", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_PATH(400, "bad_path", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_MANIFEST(400, "bad_manifest", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_PUSH(400, "bad_push", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_COMPRESSION(400, "bad_compression", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_HANDLE(400, "bad_handle", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    /** A well-formed label nobody may register (HandleLabels.RESERVED). */
    RESERVED_HANDLE(400, "reserved_handle", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    /**
     * A registration time too far from this node's clock, or an expiry not within the allowed term. From a
     * peer a record off the clock is IGNOREd by the node-message validator instead (clocks differ honestly).
     */
    BAD_REGISTRATION_TIME(400, "bad_registration_time", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_TIER(400, "bad_tier", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_METADATA(400, "bad_metadata", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_CHALLENGE_ID(400, "bad_challenge_id", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    BAD_CHALLENGE_TYPE(400, "bad_challenge_type", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    /** A config reload found the new node.yaml invalid; the running config stays. */
    BAD_CONFIG(400, "bad_config", Exit.USAGE, PenaltyReason.MALFORMED_MESSAGE),
    UNAUTHORIZED(401, "unauthorized", Exit.USAGE, null),
    VALIDATOR_KEY_REQUIRED(401, "validator_key_required", Exit.USAGE, null),
    ADMIN_DISABLED(403, "admin_disabled", Exit.USAGE, null),
    VALIDATOR_NOT_ALLOWED(403, "validator_not_allowed", Exit.USAGE, null),
    /** No such route. */
    NOT_FOUND(404, "not_found", Exit.USAGE, null),
    UNKNOWN_DATASTORE(404, "unknown_datastore", Exit.USAGE, null),
    UNKNOWN_CAPSULE(404, "unknown_capsule", Exit.USAGE, null),
    UNKNOWN_FILE(404, "unknown_file", Exit.USAGE, null),
    UNKNOWN_HANDLE(404, "unknown_handle", Exit.USAGE, null),
    METHOD_NOT_ALLOWED(405, "method_not_allowed", Exit.USAGE, PenaltyReason.PROTOCOL_VIOLATION),
    REQUEST_TIMEOUT(408, "request_timeout", Exit.FAILED, PenaltyReason.CONNECTION_ISSUE),
    /** A version that is not newer than the one held: an honest peer may be behind, so no penalty. */
    STALE_VERSION(409, "stale_version", Exit.FAILED, null),
    HANDLE_TAKEN(409, "handle_taken", Exit.FAILED, null),
    PAYLOAD_TOO_LARGE(413, "payload_too_large", Exit.USAGE, PenaltyReason.PROTOCOL_VIOLATION),
    URI_TOO_LONG(414, "uri_too_long", Exit.USAGE, PenaltyReason.PROTOCOL_VIOLATION),
    RANGE_NOT_SATISFIABLE(416, "range_not_satisfiable", Exit.USAGE, null),
    /** A signature that does not verify under the key it names. */
    BAD_SIGNATURE(422, "bad_signature", Exit.FAILED, PenaltyReason.INVALID_ATTESTATION),
    /** Bytes, hashes, a chunk root or the Merkle root do not check out against the signed version. */
    VERIFICATION_FAILED(422, "verification_failed", Exit.FAILED, PenaltyReason.INVALID_BLOCK),
    /** A version of a known datastore signed by another key than its owner's (same JSON code as before the split). */
    OWNER_MISMATCH(422, "verification_failed", Exit.FAILED, PenaltyReason.INVALID_ATTESTATION),
    RATE_LIMITED(429, "rate_limited", Exit.FAILED, PenaltyReason.RATE_LIMIT_EXCEEDED),
    /** The client's share of the push spool is taken by its pushes in flight: retry when one has finished. */
    SPOOL_QUOTA_EXCEEDED(429, "spool_quota_exceeded", Exit.FAILED, PenaltyReason.RATE_LIMIT_EXCEEDED, 5),
    HEADERS_TOO_LARGE(431, "headers_too_large", Exit.USAGE, PenaltyReason.PROTOCOL_VIOLATION),
    /** A programming error or anything not foreseen: the node's fault. */
    INTERNAL_ERROR(500, "internal_error", Exit.FAILED, null),
    /** Storage failed in a way that is the node's fault (I/O, a disk offline, data only on a plot quarantined at open). */
    UNAVAILABLE(503, "unavailable", Exit.FAILED, null),
    /** The plot was quarantined, or a capsule in it found bad, while the node runs (checked before every send). */
    PLOT_UNAVAILABLE(503, "plot_unavailable", Exit.FAILED, null),
    INDEX_BUSY(503, "index_busy", Exit.FAILED, null, 1),
    /** The index file cannot be used; {@code dig-node index rebuild} rebuilds it from the plot files. */
    INDEX_CORRUPT(503, "index_corrupt", Exit.INDEX_CORRUPT, null),
    /** Every long-task slot is taken. */
    BUSY(503, "busy", Exit.FAILED, null, 5),
    /** The push spool as a whole is full of pushes in flight: not the client's fault, retry later. */
    SPOOL_FULL(507, "spool_full", Exit.FAILED, null, 5),
    INSUFFICIENT_STORAGE(507, "insufficient_storage", Exit.FAILED, null);

    /** CLI exit codes (the node's {@code ExitCodes} has the same values). */
    public static final class Exit {
        public static final int FAILED = 1;
        public static final int USAGE = 2;
        /** The data directory is in use by another running node or command (its lock is held). */
        public static final int HOME_LOCKED = 3;
        /** The index cannot be read; {@code dig-node index rebuild} rebuilds it from the plot files. */
        public static final int INDEX_CORRUPT = 4;
        /** An address the node is configured to listen on is taken. */
        public static final int PORT_IN_USE = 5;

        private Exit() {
        }
    }

    private final int httpStatus;
    private final String jsonCode;
    private final int exitCode;
    private final PenaltyReason penalty;
    private final long retryAfterSeconds;

    ErrorCode(int httpStatus, String jsonCode, int exitCode, PenaltyReason penalty) {
        this(httpStatus, jsonCode, exitCode, penalty, 0);
    }

    ErrorCode(int httpStatus, String jsonCode, int exitCode, PenaltyReason penalty, long retryAfterSeconds) {
        this.httpStatus = httpStatus;
        this.jsonCode = jsonCode;
        this.exitCode = exitCode;
        this.penalty = penalty;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The JSON {@code error} code; {@code null} only for {@link #BAD_HEX_FIELD} (see {@link ServiceException#jsonCode()}). */
    public String jsonCode() {
        return jsonCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** What a peer that sent content failing this way is penalised; empty for failures that are not its fault. */
    public Optional<PenaltyReason> penalty() {
        return Optional.ofNullable(penalty);
    }

    /** The {@code Retry-After} an answer carries by default (0: none). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The row of a storage failure code. */
    public static ErrorCode of(StorageErrorCode code) {
        return switch (code) {
            case STALE_VERSION -> STALE_VERSION;
            case OWNER_MISMATCH -> OWNER_MISMATCH;
            case VERIFICATION_FAILED -> VERIFICATION_FAILED;
            case NO_SPACE -> INSUFFICIENT_STORAGE;
            case INDEX_BUSY -> INDEX_BUSY;
            case INDEX_CORRUPT -> INDEX_CORRUPT;
            case QUARANTINED -> PLOT_UNAVAILABLE;
            case NOT_FOUND -> UNKNOWN_DATASTORE;
            case IO -> UNAVAILABLE;
        };
    }
}
