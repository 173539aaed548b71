package net.dig.net;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.gossip.NodeMessageValidator;
import net.dig.gossip.PeerId;
import net.dig.gossip.Verdict;
import net.dig.service.ErrorCode;
import net.dig.service.FetchRequest;
import net.dig.service.FetchResponse;
import net.dig.service.PeerLink;
import net.dig.storage.FileEntry;
import net.dig.wire.NodePayload;

/**
 * A fetch's {@link PeerLink} over the peer network (docs/architecture.md §6 step 7): each
 * {@link FetchRequest} becomes a signed node message sent as a request (opcode 240, a Chia request id,
 * lane BULK) and its reply, checked by the node-message validator, becomes a {@link FetchResponse} handed
 * to the sink given to {@link #deliverTo} (a {@code FetchDriver}'s {@code onResponse}).
 *
 * <pre>
 *   FetchRequest.Window    -> CapsuleRequest (max_size = the whole answer's cap, with_chunk_hashes = prologue)
 *   FetchRequest.Metadata  -> MetadataRequest
 *   CapsuleResponse        -> FetchResponse.Window (prologue when chunk_hashes are present)
 *   DatastoreMetadata      -> FetchResponse.Metadata
 *   NodeRefusal            -> FetchResponse.Refused (code by error-table name; unknown: UNAVAILABLE)
 * </pre>
 *
 * <h2>Failure modes</h2>
 * A reply the validator rejects costs the peer the validator's penalty and reaches the session as a
 * refusal. A reply of the wrong kind, or one whose values do not make a response (a malformed proof, a
 * file path a file table may not hold), reaches the session as an answer to no window asked, which the
 * session penalises and drops. A request that could not be answered at all (peer gone, no reply within
 * the transport's request timeout) is handled as {@link #failed} says: a peer gone is dropped from the
 * session without penalty, a silent one times out in the session. {@link #penalise} applies the error table's penalty to the peer's
 * reputation.
 *
 * <p>Thread-safe; never blocks: replies are handed to the sink on the connection's event loop.
 */
public final class NetPeerLink implements PeerLink<PeerId> {
    private static final long RETRY_MILLIS = 1000;
    private final GossipHandle handle;
    private final NodeMessaging messaging;
    private final Bytes32 self;
    private volatile BiConsumer<PeerId, FetchResponse> sink = (p, r) -> { };

    public NetPeerLink(GossipHandle handle, NodeMessaging messaging) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.messaging = Objects.requireNonNull(messaging, "messaging");
        this.self = Bytes32.wrap(messaging.nodeKey());
    }

    /** Where answers go; set before the session sends its first request. */
    public NetPeerLink deliverTo(BiConsumer<PeerId, FetchResponse> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        return this;
    }

    @Override
    public void send(PeerId peer, FetchRequest request) {
        NodePayload payload = switch (request) {
            case FetchRequest.Window w -> new NodePayload.CapsuleRequest(w.datastoreId(), w.version(), w.capsuleIndex(), w.offset(),
                    w.length(), w.maxSize(), self, w.prologue());
            case FetchRequest.Metadata m -> new NodePayload.MetadataRequest(m.datastoreId(), m.version());
        };
        long id = request.requestId();
        messaging.request(peer, payload).whenComplete((checked, error) -> {
            FetchResponse response = error != null ? failed(id, error) : response(peer, id, checked);
            if (response != null) {
                sink.accept(peer, response);
            }
        });
    }

    /**
     * A request the transport could not complete: no reply in time is left to the session's own timeout
     * (null); a request this side could not send (its outbound limit, no free request id) pauses the peer
     * as a rate limit would; a peer gone is a refusal, which drops it from the session.
     */
    private static FetchResponse failed(long id, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        GossipError e = cause instanceof GossipException g ? g.error() : null;
        return switch (e) {
            case GossipError.RequestTimeout t -> null;
            case GossipError.MessageRejected r -> new FetchResponse.Refused(id, ErrorCode.RATE_LIMITED, r.reason(), RETRY_MILLIS);
            case null, default -> new FetchResponse.Refused(id, ErrorCode.UNAVAILABLE, "no answer: " + cause, 0);
        };
    }

    @Override
    public void penalise(PeerId peer, ErrorCode code, String why) {
        code.penalty().ifPresent(reason -> handle.penalizePeer(peer, reason));
    }

    private FetchResponse response(PeerId peer, long id, NodeMessageValidator.Checked checked) {
        if (!checked.verdict().accepted()) {
            if (checked.verdict().outcome() == Verdict.Outcome.REJECT) {
                handle.penalizePeer(peer, checked.verdict().penalty());
            }
            return new FetchResponse.Refused(id, ErrorCode.UNAVAILABLE, "the answer was not a valid node message", 0);
        }
        try {
            return switch (checked.message().payload()) {
                case NodePayload.CapsuleResponse r -> window(id, r);
                case NodePayload.DatastoreMetadata m -> metadata(id, m);
                case NodePayload.NodeRefusal r -> new FetchResponse.Refused(id, code(r.code()), r.reason(), r.retryAfterMillis());
                default -> notAnAnswer(id);
            };
        } catch (IllegalArgumentException e) {
            return notAnAnswer(id);
        }
    }

    private static FetchResponse window(long id, NodePayload.CapsuleResponse r) {
        FetchResponse.Prologue prologue = null;
        if (!r.chunkHashes().isEmpty()) {
            ByteBuffer hashes = ByteBuffer.allocate(32 * r.chunkHashes().size());
            r.chunkHashes().forEach(h -> h.writeTo(hashes));
            prologue = new FetchResponse.Prologue(r.capsuleHash(), hashes.array(), MerkleProof.decode(r.leafProof()));
        }
        return new FetchResponse.Window(id, r.capsuleIndex(), r.offset(), r.data(), prologue);
    }

    private static FetchResponse metadata(long id, NodePayload.DatastoreMetadata m) {
        List<FileEntry> files = new ArrayList<>(m.files().size());
        for (NodePayload.FileRow f : m.files()) {
            files.add(new FileEntry(f.path(), f.offset(), f.length(), f.sha256()));
        }
        return new FetchResponse.Metadata(id, m.name(), files);
    }

    /** What the session refuses as an answer to nothing it asked (and penalises). */
    private static FetchResponse notAnAnswer(long id) {
        return new FetchResponse.Window(id, -1, -1, new byte[0], null);
    }

    /** The error-table row a refusal names; a name this node does not know is its own UNAVAILABLE. */
    static ErrorCode code(String name) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return ErrorCode.UNAVAILABLE;
    }
}
