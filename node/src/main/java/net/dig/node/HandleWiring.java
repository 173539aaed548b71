package net.dig.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.net.GossipHandle;
import net.dig.net.NodeMessaging;
import net.dig.net.PeerConnection;
import net.dig.service.HandleService;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import net.dig.wire.NodePayload.HandleBatch;
import net.dig.wire.NodePayload.HandleDigest;
import net.dig.wire.NodePayload.HandleRegistration;
import net.dig.wire.WireException;

/**
 * The handle namespace over the peer connections (docs/decisions.md D64a). Node messages 21..23, already
 * checked by the node-message validator (signed by the peer that sent them, fresh, not replayed; each
 * handle record owner-signed, its label not reserved), go to {@link HandleService} on a worker thread:
 * <pre>
 *  registered here (POST /handle)  -> 21 to every peer
 *  21 from a peer                  -> receive(live): NEW is forwarded once to every other peer; KNOWN stops
 *  a peer admitted                 -> 22, this node's digest, to it (after this node's announcement)
 *  every 10 minutes                -> 22 to every peer (records a peer once ignored as too old live)
 *  22 from a peer                  -> 23 batches of every bucket that differs, 64 records a message
 *  23 from a peer                  -> receive(sync) each; the NEW ones go on as a 23 to every other peer
 * </pre>
 * Both sides of a connection send their digest, so each ends with the union of the two sets; forwarding
 * only NEW records keeps every record to one pass over each node. A record the service finds INVALID
 * (the validator passed it, so this does not happen) costs the sender {@link PenaltyReason#INVALID_SIGNATURE}.
 *
 * <p>Concurrency: bus handlers and the admission listener never block; the service runs on one virtual
 * thread at a time, in arrival order. {@link #close} stops taking work and waits briefly for the one in hand.
 */
final class HandleWiring implements AutoCloseable {
    private static final long DIGEST_EVERY_SECONDS = 600;
    private final GossipHandle peers;
    private final NodeMessaging messages;
    private final HandleService handles;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("dig-handles").factory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("dig-handles-timer").factory());
    private final MessageBus.Subscription subscription;
    private final AtomicLong received = new AtomicLong();
    private volatile boolean closed;

    HandleWiring(GossipHandle peers, NodeMessaging messages, HandleService handles) {
        this.peers = Objects.requireNonNull(peers, "peers");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.handles = Objects.requireNonNull(handles, "handles");
        this.subscription = peers.subscribe(t -> t == NodeMessage.OPCODE, this::received);
        handles.onNew(r -> run(() -> sendToAll(r, null)));
        messages.onAnnounced(peer -> run(() -> sendDigest(peer)));
        timer.scheduleWithFixedDelay(() -> run(this::digestToAll), 0, DIGEST_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /** Records received from peers that were new here. */
    long received() {
        return received.get();
    }

    private void run(Runnable task) {
        if (closed) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(HandleWiring.class).warn("handles_failed: handle exchange step failed: {}",
                            e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private CompletionStage<Void> received(PeerId from, Message message) {
        int field = NodeMessageCodec.payloadField(message.data());
        if (field < HandleRegistration.FIELD || field > HandleBatch.FIELD) {
            return CompletableFuture.completedFuture(null);
        }
        NodePayload payload;
        try {
            payload = NodeMessageCodec.decode(message.data(), NodeMessageLimits.DEFAULT).payload();
        } catch (WireException e) {
            return CompletableFuture.completedFuture(null); // the validator let it through, so this does not happen
        }
        run(() -> {
            switch (payload) {
                case HandleRegistration r -> take(from, List.of(r), true);
                case HandleDigest d -> handles.batchesFor(d).forEach(b -> send(from, b));
                case HandleBatch b -> take(from, b.registrations(), false);
                default -> { }
            }
        });
        return CompletableFuture.completedFuture(null);
    }

    private void take(PeerId from, List<HandleRegistration> records, boolean live) {
        List<HandleRegistration> fresh = new ArrayList<>();
        for (HandleRegistration r : records) {
            switch (handles.receive(r, live)) {
                case NEW -> fresh.add(r);
                case INVALID -> peers.penalizePeer(from, PenaltyReason.INVALID_SIGNATURE);
                case KNOWN, STALE, FULL -> { }
            }
        }
        received.addAndGet(fresh.size());
        if (fresh.isEmpty()) {
            return;
        }
        sendToAll(live ? fresh.getFirst() : new HandleBatch(fresh), from);
    }

    private void digestToAll() {
        HandleDigest d = handles.digest();
        for (PeerId p : connected(null)) {
            send(p, d);
        }
    }

    private void sendDigest(PeerId peer) {
        send(peer, handles.digest());
    }

    private void sendToAll(NodePayload payload, PeerId except) {
        for (PeerId p : connected(except)) {
            send(p, payload);
        }
    }

    private List<PeerId> connected(PeerId except) {
        return peers.connectedPeers().join().stream().map(PeerConnection::peerId).filter(p -> !p.equals(except)).toList();
    }

    private void send(PeerId peer, NodePayload payload) {
        messages.send(peer, payload).exceptionally(e -> null);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        subscription.close();
        timer.shutdownNow();
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
