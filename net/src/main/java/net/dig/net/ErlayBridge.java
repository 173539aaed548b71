package net.dig.net;

import io.netty.channel.EventLoop;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.gossip.ErlayConfig;
import net.dig.gossip.ErlayReconciler;
import net.dig.gossip.ErlayViolation;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.Verdict;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import net.dig.wire.NewTransaction;
import net.dig.wire.ReconciliationResponse;
import net.dig.wire.ReconciliationSalt;
import net.dig.wire.ReconciliationSketch;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * ERLAY on real connections, when {@code network.erlay} is enabled: NewTransaction (21) relay leaves
 * Plumtree for an {@link ErlayReconciler} on the control event loop, which announces a new transaction to
 * {@code flood_peer_count} peers and reconciles with the others through 211/212 bodies. Timers are one
 * periodic tick on the control loop reading the service's clock.
 *
 * <h2>Concurrency</h2>
 * Every reconciler call runs on the control loop; inbound frames hop there from their connection's loop,
 * sends hop back through {@link PeerConnectionHandler#send} (thread-safe). The transaction table (id to the
 * NewTransaction frame, for announcing it later) is bounded by {@code max_seen_messages}, oldest first out.
 *
 * <h2>Failure modes</h2>
 * A NewTransaction is validated by the message bus's validator before it is delivered or relayed: REJECT
 * penalises the sender, IGNORE drops it. A malformed 211/212 body is a malformed-message penalty, an
 * out-of-role one (a second salt on a connection among them) a protocol violation. Each side draws its salt
 * per connection from the reconciler's randomness (seeded from the service's) and sends it as a 211
 * {@link ReconciliationSalt} when the connection opens; a peer that never sends one (a Chia node, which does
 * not see DIG opcodes) is never reconciled with and gets every transaction by direct announcement. A crafted
 * short-id collision only makes the reconciler announce the colliding transactions directly.
 *
 * <h2>Next to peers without ERLAY</h2>
 * A peer with ERLAY off relays NewTransaction by Plumtree, so it may announce one lazily (214) and answer
 * a graft with it. Every transaction taken in here is marked seen in the Plumtree router
 * ({@code plumtreeSeen}): announcements of a known transaction are not fetched, and one fetched through
 * Plumtree arrives here and clears the router's wait, so the announcer is not penalised for a broken promise.
 */
final class ErlayBridge implements ErlayReconciler.Output {
    private static final int NEW_TRANSACTION = ChiaMessageType.NEW_TRANSACTION.code();

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final Reputations reputations;
    private final MessageBus bus;
    private final ErlayConfig config;
    private final Map<Bytes32, Message> transactions;
    private final java.util.function.Consumer<Message> plumtreeSeen;
    private ErlayReconciler reconciler;
    private ScheduledFuture<?> ticker;
    private volatile ErlayReconciler.Stats lastStats = ErlayReconciler.Stats.NONE;

    ErlayBridge(ServiceContext ctx, PeerTable peers, Reputations reputations, MessageBus bus, ErlayConfig config,
            java.util.function.Consumer<Message> plumtreeSeen) {
        this.ctx = ctx;
        this.plumtreeSeen = plumtreeSeen;
        this.peers = peers;
        this.reputations = reputations;
        this.bus = bus;
        this.config = config;
        int cap = ctx.config.maxSeenMessages();
        this.transactions = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Bytes32, Message> eldest) {
                return size() > cap;
            }
        };
    }

    /** True for the frames ERLAY handles: NewTransaction and the 211/212 bodies, without a request id. */
    static boolean routes(Message message) {
        int t = message.type();
        return message.id().isEmpty() && (t == NEW_TRANSACTION || t == ReconciliationSketch.OPCODE || t == ReconciliationResponse.OPCODE);
    }

    void start(EventLoop control) {
        reconciler = new ErlayReconciler(config, new SplittableRandom(ctx.random.nextLong()), this);
        long period = Math.max(10, config.reconciliationIntervalMillis() / 8);
        ticker = control.scheduleAtFixedRate(() -> {
            reconciler.onTick(ctx.clock.millis());
            lastStats = reconciler.stats();
        }, period, period, TimeUnit.MILLISECONDS);
    }

    void stop() {
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
    }

    void neighborUp(PeerConnectionHandler connection) {
        PeerId remote = connection.peerId();
        boolean outbound = connection.isOutbound();
        ctx.onControl(() -> reconciler.peerConnected(remote, outbound, ctx.clock.millis()));
    }

    void neighborDown(PeerId peer) {
        ctx.onControl(() -> reconciler.peerDisconnected(peer));
    }

    void message(PeerId from, Message message) {
        try {
            if (message.type() == NEW_TRANSACTION) {
                Bytes32 id = message.body(WireLimits.DEFAULT, NewTransaction::decode).transactionId();
                ctx.onControl(() -> transaction(from, id, message));
            } else if (message.type() == ReconciliationSalt.OPCODE && ReconciliationSalt.isSalt(message.data())) {
                ReconciliationSalt salt = ReconciliationSalt.decode(message.data());
                ctx.onControl(() -> reconciler.onSalt(from, salt, ctx.clock.millis()));
            } else if (message.type() == ReconciliationSketch.OPCODE) {
                ReconciliationSketch sketch = ReconciliationSketch.decode(message.data());
                ctx.onControl(() -> reconciler.onSketch(from, sketch));
            } else {
                ReconciliationResponse response = ReconciliationResponse.decode(message.data());
                ctx.onControl(() -> reconciler.onResponse(from, response));
            }
        } catch (WireException | IllegalArgumentException e) {
            reputations.penalize(from, PenaltyReason.MALFORMED_MESSAGE);
        }
    }

    /** This node's own transaction: announced and queued for reconciliation like a received one. */
    CompletableFuture<Integer> broadcast(Message message) {
        Bytes32 id;
        try {
            id = message.body(WireLimits.DEFAULT, NewTransaction::decode).transactionId();
        } catch (WireException e) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.MessageRejected(
                    "a NewTransaction body does not decode: " + e.getMessage())));
        }
        CompletableFuture<Integer> done = new CompletableFuture<>();
        ctx.onControl(() -> {
            transactions.put(id, message);
            plumtreeSeen.accept(message);
            long before = reconciler.stats().flooded();
            reconciler.relay(id, Optional.empty());
            done.complete((int) (reconciler.stats().flooded() - before));
        });
        return done;
    }

    /** The reconciler's counters as of its last tick; safe from any thread. */
    ErlayReconciler.Stats lastStats() {
        return lastStats;
    }

    ErlayReconciler.Stats stats() {
        ErlayReconciler r = reconciler;
        return r == null ? ErlayReconciler.Stats.NONE : r.stats();
    }

    private void transaction(PeerId from, Bytes32 id, Message message) {
        if (transactions.containsKey(id)) {
            reconciler.peerHas(from, id);
            return;
        }
        bus.validator().validate(from, message).whenComplete((verdict, error) -> ctx.onControl(() -> {
            Verdict v = error != null ? Verdict.IGNORE : verdict;
            switch (v.outcome()) {
                case ACCEPT -> {
                    if (transactions.putIfAbsent(id, message) == null) {
                        plumtreeSeen.accept(message);
                        bus.deliver(from, message);
                        reconciler.relay(id, Optional.of(from));
                    } else {
                        reconciler.peerHas(from, id);
                    }
                }
                case REJECT -> reputations.penalize(from, v.penalty());
                case IGNORE -> { }
            }
        }));
    }

    /** Both salts of the connection with {@code peer} once exchanged; read on the control loop. */
    CompletableFuture<Optional<ErlayReconciler.Salts>> salts(PeerId peer) {
        CompletableFuture<Optional<ErlayReconciler.Salts>> done = new CompletableFuture<>();
        ctx.onControl(() -> done.complete(reconciler.salts(peer)));
        return done;
    }

    // ---- the reconciler's effects, on the control loop ------------------------------------------

    @Override
    public void send(PeerId peer, ReconciliationSketch sketch) {
        sendTo(peer, sketch.toMessage());
    }

    @Override
    public void send(PeerId peer, ReconciliationSalt salt) {
        sendTo(peer, salt.toMessage());
    }

    @Override
    public void send(PeerId peer, ReconciliationResponse response) {
        sendTo(peer, response.toMessage());
    }

    @Override
    public void announce(PeerId peer, Bytes32 transactionId) {
        Message m = transactions.get(transactionId);
        if (m != null) {
            sendTo(peer, m);
        }
    }

    @Override
    public void violation(PeerId peer, ErlayViolation violation) {
        reputations.penalize(peer, PenaltyReason.PROTOCOL_VIOLATION);
    }

    private void sendTo(PeerId peer, Message message) {
        peers.get(peer).filter(c -> PlumtreeBridge.digGate(c, message) == null).ifPresent(c -> c.send(message));
    }
}
