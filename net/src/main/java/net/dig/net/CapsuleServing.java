package net.dig.net;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import net.dig.core.Bytes32;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.service.CapsuleWindows;
import net.dig.service.ErrorCode;
import net.dig.service.FetchRequest;
import net.dig.service.FetchResponse;
import net.dig.storage.FileEntry;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import net.dig.wire.WireException;

/**
 * The provider side of fetches over the peer network: answers the capsule and metadata requests peers
 * send (opcode 240 with a request id, already accepted by the node-message validator on the bus) from
 * this node's store through the service's {@link CapsuleWindows} (which holds the upload budget and
 * honours each request's {@code max_size}), on a worker executor, and replies with the same request id.
 *
 * <pre>
 *   CapsuleRequest   -> FetchRequest.Window (prologue = with_chunk_hashes or offset 0)
 *                       -> CapsuleResponse: capsule_hash, chunk_hashes and merkle_proof only with a prologue;
 *                          stored_length = offset + data length (the capsule's size is the signed record's);
 *                          chunk_root and plot_id zero (the asker derives chunk_root from chunk_hashes)
 *   MetadataRequest  -> FetchRequest.Metadata -> DatastoreMetadata
 *   a refusal        -> NodeRefusal (the error table's name, the message, the wait)
 * </pre>
 *
 * <h2>Failure modes</h2>
 * Never throws for anything a peer sends: a request {@link CapsuleWindows} refuses is a typed refusal; a
 * file table too large for one node message is refused with {@link ErrorCode#PAYLOAD_TOO_LARGE} rather than
 * sent; when the worker executor refuses work, the request is refused {@link ErrorCode#RATE_LIMITED}. A
 * reply that cannot be sent (peer gone) is dropped. Node messages of other kinds, and requests without
 * an id, are left to their own handlers.
 *
 * <p>The bus handler runs on the connection's event loop and only hands work to the executor; the
 * returned stage completes when the reply is written, so the bus's per-type bound caps the requests
 * being served at once.
 */
public final class CapsuleServing implements AutoCloseable {
    /** Answers one request of {@code peer}: {@link CapsuleWindows#answer} in the node, a wrapper in tests. */
    @FunctionalInterface
    interface Answerer {
        FetchResponse answer(PeerId peer, FetchRequest request);
    }

    private static final int ROW_OVERHEAD = 64;
    private final NodeMessaging messaging;
    private final Answerer answerer;
    private final Executor workers;
    private final NodeMessageLimits limits;
    private final MessageBus.Subscription subscription;

    private CapsuleServing(GossipHandle handle, NodeMessaging messaging, Answerer answerer, Executor workers) {
        this.messaging = messaging;
        this.answerer = answerer;
        this.workers = workers;
        this.limits = NodeMessageLimits.DEFAULT;
        this.subscription = handle.subscribe(t -> t == NodeMessage.OPCODE, this::handle);
    }

    /** Serves {@code windows} to every peer of {@code handle}, answering on {@code workers}. */
    public static CapsuleServing start(GossipHandle handle, NodeMessaging messaging, CapsuleWindows windows, Executor workers) {
        Objects.requireNonNull(windows, "windows");
        return start(handle, messaging, windows::answer, workers);
    }

    static CapsuleServing start(GossipHandle handle, NodeMessaging messaging, Answerer answerer, Executor workers) {
        return new CapsuleServing(Objects.requireNonNull(handle, "handle"), Objects.requireNonNull(messaging, "messaging"),
                Objects.requireNonNull(answerer, "answerer"), Objects.requireNonNull(workers, "workers"));
    }

    private CompletionStage<Void> handle(PeerId from, Message message) {
        if (message.id().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        FetchRequest request;
        try {
            request = switch (NodeMessageCodec.decode(message.data(), limits).payload()) {
                case NodePayload.CapsuleRequest r -> new FetchRequest.Window(0, r.datastoreId(), r.version(), r.capsuleIndex(),
                        r.offset(), r.length() == 0 ? r.maxSize() : r.length(), r.maxSize(), r.wantsChunkHashes());
                case NodePayload.MetadataRequest r -> new FetchRequest.Metadata(0, r.datastoreId(), r.version());
                default -> null;
            };
        } catch (WireException e) {
            return CompletableFuture.completedFuture(null); // the validator accepted it, so it decodes; nothing to answer otherwise
        }
        if (request == null) {
            return CompletableFuture.completedFuture(null);
        }
        return WorkerReplies.answer(messaging, workers, from, message.id().getAsInt(), () -> payload(request, answer(from, request)));
    }

    private FetchResponse answer(PeerId from, FetchRequest request) {
        try {
            return answerer.answer(from, request);
        } catch (RuntimeException e) {
            return new FetchResponse.Refused(0, ErrorCode.INTERNAL_ERROR, "cannot answer: " + e.getMessage(), 0);
        }
    }

    private NodePayload payload(FetchRequest request, FetchResponse response) {
        return switch (response) {
            case FetchResponse.Window w -> window(request, w);
            case FetchResponse.Metadata m -> metadata(request, m);
            case FetchResponse.Refused r -> new NodePayload.NodeRefusal(r.code().name(), String.valueOf(r.message()),
                    Math.max(0, r.retryAfterMillis()));
        };
    }

    private static NodePayload window(FetchRequest request, FetchResponse.Window w) {
        FetchResponse.Prologue p = w.prologue();
        List<Bytes32> hashes = new ArrayList<>();
        if (p != null) {
            byte[] h = p.chunkHashes();
            for (int i = 0; i + 32 <= h.length; i += 32) {
                hashes.add(Bytes32.wrap(java.util.Arrays.copyOfRange(h, i, i + 32)));
            }
        }
        return new NodePayload.CapsuleResponse(request.datastoreId(), request.version(), w.capsuleIndex(), w.offset(), w.data(),
                w.offset() + w.data().length, p == null ? Bytes32.ZERO : p.capsuleHash(), Bytes32.ZERO, hashes,
                p == null ? new byte[0] : p.leafProof().encode(), Bytes32.ZERO, 0);
    }

    private NodePayload metadata(FetchRequest request, FetchResponse.Metadata m) {
        long size = 0;
        List<NodePayload.FileRow> rows = new ArrayList<>(m.files().size());
        for (FileEntry f : m.files()) {
            size += ROW_OVERHEAD + f.path().getBytes(StandardCharsets.UTF_8).length;
            rows.add(new NodePayload.FileRow(f.path(), f.offset(), f.length(), f.sha256()));
        }
        if (size > limits.maxMessageBytes() - 4096) {
            return new NodePayload.NodeRefusal(ErrorCode.PAYLOAD_TOO_LARGE.name(), "the file table of " + m.files().size()
                    + " files does not fit one node message", 0);
        }
        return new NodePayload.DatastoreMetadata(request.datastoreId(), request.version(), m.name() == null ? "" : m.name(), rows);
    }

    @Override
    public void close() {
        subscription.close();
    }
}
