package net.dig.node;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.net.GossipHandle;
import net.dig.net.NodeMessaging;
import net.dig.net.PeerConnection;
import net.dig.service.DatastoreService;
import net.dig.service.TombstoneOutbox;
import net.dig.service.TombstoneService;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload.DatastoreTombstone;
import net.dig.wire.WireException;

/**
 * Owner deletion travelling hop by hop (docs/decisions.md D40d3): {@link #delete} issues this node's
 * tombstone ({@link TombstoneService#issue}), keeps it in the home's {@link TombstoneOutbox} and sends it to
 * every peer; every 10 s the kept ones (also those {@code dig-node datastore delete} left while the node was
 * stopped) go to the peers that have not had them yet this run. A tombstone that arrives in a
 * node message (payload 20, already checked by the node-message validator: signed by the peer that sent
 * it, fresh, not replayed) goes to {@link TombstoneService#receive} on a worker thread, and by its outcome
 * is forwarded once to every other peer (DELETED), dropped (NOT_HELD, SUPERSEDED), or dropped with the
 * sender penalised {@link PenaltyReason#INVALID_SIGNATURE} (FORGED). Sends go by {@link NodeMessaging}, so
 * only to peers that speak this node's messages.
 *
 * <p>Concurrency: the bus handler never blocks; storage work runs on one virtual thread at a time, in
 * arrival order. {@link #close} stops taking work and waits briefly for the one in hand.
 */
final class TombstoneWiring implements AutoCloseable {
    private final GossipHandle peers;
    private final NodeMessaging messages;
    private final TombstoneService tombstones;
    private final NodeIdentity owner;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("dig-tombstones").factory());
    private final MessageBus.Subscription subscription;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("dig-tombstones-timer").factory());
    private final TombstoneOutbox outbox;
    private final Map<Bytes32, Set<PeerId>> sent = new ConcurrentHashMap<>();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** Where a home keeps the tombstones its node issued, and for how long. */
    static final String OUTBOX = "tombstones";
    static final long KEEP_SECONDS = 7 * 24 * 3600;
    private static final long FLUSH_SECONDS = 10;

    static TombstoneOutbox outbox(NodeHome home, Clock clock) {
        return new TombstoneOutbox(home.dir().resolve(OUTBOX), clock, KEEP_SECONDS);
    }

    TombstoneWiring(GossipHandle peers, NodeMessaging messages, DatastoreService datastores, NodeIdentity owner, Clock clock,
            TombstoneOutbox outbox) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.tombstones = new TombstoneService(datastores, clock);
        this.subscription = peers.subscribe(t -> t == NodeMessage.OPCODE, this::received);
        timer.scheduleWithFixedDelay(() -> worker.execute(this::flush), FLUSH_SECONDS, FLUSH_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Deletes {@code id} here as its owner, keeps the tombstone and sends it to every peer; the count of
     * peers it was handed to. Refusals are {@link net.dig.service.ServiceException}s (not held, not the owner).
     */
    CompletableFuture<Integer> delete(Bytes32 id) {
        return CompletableFuture.supplyAsync(() -> {
            DatastoreTombstone t = tombstones.issue(id, owner);
            outbox.add(t);
            return t;
        }, worker).thenCompose(this::sendOwn);
    }

    /** Sends each kept tombstone to the connected peers it has not gone to yet (peers that connected later). */
    private void flush() {
        try {
            for (DatastoreTombstone t : outbox.pending()) {
                sendOwn(t).join();
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(TombstoneWiring.class).warn("tombstones_not_sent: tombstones not sent: {}", e.toString());
        }
    }

    private CompletableFuture<Integer> sendOwn(DatastoreTombstone t) {
        Set<PeerId> done = sent.computeIfAbsent(t.datastoreId(), k -> ConcurrentHashMap.newKeySet());
        return peers.connectedPeers().thenCompose(connected -> {
            List<PeerId> to = connected.stream().map(PeerConnection::peerId).filter(done::add).toList();
            return sendAll(t, to);
        });
    }

    GossipHandle peers() {
        return peers;
    }

    NodeMessaging messages() {
        return messages;
    }

    /** Tombstones received that deleted a datastore here. */
    long deleted() {
        return deleted.get();
    }

    /** Tombstones received that were forged and cost their sender. */
    long refused() {
        return refused.get();
    }

    private CompletionStage<Void> received(PeerId from, Message message) {
        if (NodeMessageCodec.payloadField(message.data()) != DatastoreTombstone.FIELD) {
            return CompletableFuture.completedFuture(null);
        }
        DatastoreTombstone t;
        try {
            if (!(NodeMessageCodec.decode(message.data(), NodeMessageLimits.DEFAULT).payload() instanceof DatastoreTombstone found)) {
                return CompletableFuture.completedFuture(null);
            }
            t = found;
        } catch (WireException e) {
            return CompletableFuture.completedFuture(null); // the validator let it through, so this does not happen
        }
        return CompletableFuture.supplyAsync(() -> tombstones.receive(t), worker).thenCompose(outcome -> switch (outcome) {
            case DELETED -> {
                deleted.incrementAndGet();
                yield forward(t, from).thenApply(n -> (Void) null);
            }
            case FORGED -> {
                refused.incrementAndGet();
                yield peers.penalizePeer(from, PenaltyReason.INVALID_SIGNATURE);
            }
            case NOT_HELD, SUPERSEDED -> CompletableFuture.<Void>completedFuture(null);
        });
    }

    private CompletableFuture<Integer> forward(DatastoreTombstone t, PeerId except) {
        return peers.connectedPeers().thenCompose(connected -> {
            List<PeerId> to = connected.stream().map(PeerConnection::peerId).filter(p -> !p.equals(except)).toList();
            return sendAll(t, to);
        });
    }

    private CompletableFuture<Integer> sendAll(DatastoreTombstone t, List<PeerId> to) {
        CompletableFuture<?>[] sends = to.stream().map(p -> messages.send(p, t).exceptionally(e -> null)).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sends).thenApply(v -> to.size());
    }

    @Override
    public void close() throws InterruptedException {
        subscription.close();
        timer.shutdownNow();
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
