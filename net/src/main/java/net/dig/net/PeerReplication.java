package net.dig.net;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import net.dig.gossip.MessageBus;
import net.dig.gossip.NodeMessageValidator;
import net.dig.gossip.PeerId;
import net.dig.gossip.Verdict;
import net.dig.service.ErrorCode;
import net.dig.service.FetchResponse;
import net.dig.service.PeerLink;
import net.dig.service.ReplicationService;
import net.dig.storage.DatastoreVersion;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import net.dig.wire.WireException;

/**
 * {@link ReplicationService}'s transport over the peer network: an offer is a signed
 * {@code DataStoreGossip} carrying the owner-signed version record and the datastore's name (which the
 * service checks against the record's signed name hash), sent as a request (opcode 240 with a
 * Chia request id); the answer is a {@code ReplicationReply} with the same id. Offers go to the connected
 * peers that announced themselves as nodes (the node directory), fetches run over a {@link NetPeerLink}.
 *
 * <h2>Failure modes</h2>
 * An inbound offer whose record does not decode, or whose gossip fields (id, version, root, counts) differ
 * from its record, is declined {@link ErrorCode#BAD_MANIFEST} and costs the sender the error table's
 * penalty; the service decides the rest ({@link ReplicationService#onOffer}, on the worker executor; a
 * full executor declines with {@link ErrorCode#RATE_LIMITED}). An answer to this node's offer that the
 * validator refuses, or that is not a reply to the offer, fails the offer (the peer did not accept).
 */
public final class PeerReplication implements ReplicationService.Transport<PeerId>, AutoCloseable {
    private final GossipHandle handle;
    private final NodeMessaging messaging;
    private final Executor workers;
    private final MessageBus.Subscription subscription;
    private volatile ReplicationService<PeerId> service;

    public PeerReplication(GossipHandle handle, NodeMessaging messaging, Executor workers) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.messaging = Objects.requireNonNull(messaging, "messaging");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.subscription = handle.subscribe(t -> t == NodeMessage.OPCODE, this::inbound);
    }

    /** The service whose offers this transport carries and which answers the peers' offers. */
    public void serve(ReplicationService<PeerId> service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public Collection<PeerId> peers() {
        return handle.connectedPeers().getNow(List.of()).stream().map(PeerConnection::peerId)
                .filter(p -> messaging.directory().get(p).isPresent()).toList();
    }

    @Override
    public CompletableFuture<ReplicationService.Reply> offer(PeerId peer, DatastoreVersion v, String name) {
        NodePayload offer = new NodePayload.DataStoreGossip(v.datastoreId(), v.version(), v.merkleRoot(), v.capsuleCount(),
                v.totalSize(), v.encode(), name);
        return messaging.request(peer, offer).thenApply(checked -> reply(peer, v, checked));
    }

    private ReplicationService.Reply reply(PeerId peer, DatastoreVersion v, NodeMessageValidator.Checked checked) {
        if (checked.verdict().outcome() == Verdict.Outcome.REJECT) {
            handle.penalizePeer(peer, checked.verdict().penalty());
        }
        if (checked.verdict().accepted() && checked.message().payload() instanceof NodePayload.ReplicationReply r
                && r.datastoreId().equals(v.datastoreId()) && r.version() == v.version()) {
            return new ReplicationService.Reply(r.accepted(), r.reason(), r.freeBytes(), r.storedByMillis());
        }
        throw new IllegalStateException("peer " + peer.shortHex() + " did not answer the offer of version " + v.version());
    }

    @Override
    public String name(PeerId peer) {
        return peer.toHex();
    }

    @Override
    public PeerLink<PeerId> link(BiConsumer<PeerId, FetchResponse> sink) {
        return new NetPeerLink(handle, messaging).deliverTo(sink);
    }

    private CompletionStage<Void> inbound(PeerId from, Message message) {
        if (message.id().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        NodePayload.DataStoreGossip offer;
        try {
            if (!(NodeMessageCodec.decode(message.data(), NodeMessageLimits.DEFAULT).payload() instanceof NodePayload.DataStoreGossip g)) {
                return CompletableFuture.completedFuture(null);
            }
            offer = g;
        } catch (WireException e) {
            return CompletableFuture.completedFuture(null);
        }
        int id = message.id().getAsInt();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            workers.execute(() -> answer(from, id, offer, done));
        } catch (RejectedExecutionException e) {
            send(from, id, offer, new ReplicationService.Reply(false, ErrorCode.RATE_LIMITED.name(), 0, 0), done);
        }
        return done;
    }

    private void answer(PeerId from, int id, NodePayload.DataStoreGossip offer, CompletableFuture<Void> done) {
        ReplicationService<PeerId> s = service;
        ReplicationService.Reply reply;
        DatastoreVersion v = record(offer);
        if (v == null) {
            ErrorCode.BAD_MANIFEST.penalty().ifPresent(r -> handle.penalizePeer(from, r));
            reply = new ReplicationService.Reply(false, ErrorCode.BAD_MANIFEST.name(), 0, 0);
        } else if (s == null) {
            reply = new ReplicationService.Reply(false, ReplicationService.Decline.OPTED_OUT.name(), 0, 0);
        } else {
            try {
                reply = s.onOffer(from, v, offer.name());
            } catch (RuntimeException e) {
                reply = new ReplicationService.Reply(false, ErrorCode.INTERNAL_ERROR.name(), 0, 0);
            }
        }
        send(from, id, offer, reply, done);
    }

    /** The offered record, when it decodes and the gossip fields say the same; null otherwise. */
    private static DatastoreVersion record(NodePayload.DataStoreGossip g) {
        try {
            DatastoreVersion v = DatastoreVersion.decode(g.versionRecord());
            boolean same = v.datastoreId().equals(g.datastoreId()) && v.version() == g.version()
                    && v.merkleRoot().equals(g.merkleRoot()) && v.capsuleCount() == g.capsuleCount() && v.totalSize() == g.totalSize();
            return same ? v : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void send(PeerId to, int id, NodePayload.DataStoreGossip offer, ReplicationService.Reply r, CompletableFuture<Void> done) {
        messaging.reply(to, id, new NodePayload.ReplicationReply(offer.datastoreId(), offer.version(), r.accepted(), r.reason(),
                r.freeBytes(), r.storedByMillis())).whenComplete((v, e) -> done.complete(null));
    }

    @Override
    public void close() {
        subscription.close();
    }
}
