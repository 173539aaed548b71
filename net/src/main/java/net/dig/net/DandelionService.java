package net.dig.net;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.dig.gossip.DandelionRouter;
import net.dig.gossip.DandelionStats;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import net.dig.wire.NewTransaction;
import net.dig.wire.RelayTransaction;
import net.dig.wire.StemTransaction;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dandelion++ on real connections: one {@link DandelionRouter} on the control loop. Outbound peers are its
 * candidate destinations; a StemTransaction (213) the bus hands over (validated first if the application
 * registered a 213 validator) goes to the router; its stems go to the chosen peer's connection (peers that
 * speak DIG only), and a transaction it fluffs is handed to the application ({@link #onFluff}, to enter the
 * mempool) and announced to every peer as a NewTransaction (21) through Plumtree, as transactions are
 * relayed without Dandelion++. A NewTransaction arriving for a stemmed transaction ends its embargo.
 *
 * <p>Embargo timers: the router's next deadline is checked on the control loop once a second and at
 * each event, so a transaction fluffs at most about a second after its embargo ends.
 *
 * <h2>Concurrency and failure modes</h2>
 * Thread-safe: every entry point hops onto the control loop. A 213 body that does not decode costs the
 * sender {@link PenaltyReason#MALFORMED_MESSAGE}; a fluff listener that throws is logged and the
 * announcement still goes out.
 */
public final class DandelionService {
    private static final Logger LOG = LoggerFactory.getLogger(DandelionService.class);

    private final ServiceContext ctx;
    private final Reputations reputations;
    private final PlumtreeBridge plumtree;
    private final DandelionRouter router;
    private volatile Consumer<RelayTransaction> fluffListener = tx -> { };
    private ScheduledFuture<?> timer;
    private volatile DandelionStats lastStats = DandelionStats.NONE;

    DandelionService(ServiceContext ctx, PeerTable peers, Reputations reputations, MessageBus bus, PlumtreeBridge plumtree) {
        this.ctx = ctx;
        this.reputations = reputations;
        this.plumtree = plumtree;
        this.router = new DandelionRouter(ctx.config.dandelion(), ctx.clock, ctx.random, new DandelionRouter.Output() {
            @Override
            public void stem(PeerId to, RelayTransaction tx) {
                Message m = new StemTransaction(tx).toMessage();
                peers.get(to).filter(c -> PlumtreeBridge.digGate(c, m) == null).ifPresent(c -> c.send(m));
            }

            @Override
            public void fluff(RelayTransaction tx, Optional<PeerId> from) {
                try {
                    fluffListener.accept(tx);
                } catch (RuntimeException e) {
                    LOG.warn("fluff_listener_failed: the fluff listener threw on {}: {}", tx, e.toString());
                }
                plumtree.broadcast(new NewTransaction(tx.id(), 0, 0).toMessage(), Optional.empty());
            }
        });
        bus.subscribe(StemTransaction.OPCODE, this::stem);
        bus.subscribe(ChiaMessageType.NEW_TRANSACTION.code(), this::announced);
        ctx.onAdmitted.add(c -> {
            if (c.isOutbound()) {
                ctx.onControl(() -> router.outboundUp(c.peerId()));
            }
        });
        ctx.onRemoved.add(c -> ctx.onControl(() -> router.peerDown(c.peerId())));
    }

    /** The router's counters as of its last timer tick (at most a second old); safe from any thread. */
    public DandelionStats lastStats() {
        return lastStats;
    }

    /** Starts the embargo and epoch timer on the control loop. */
    void start() {
        timer = ctx.control().scheduleAtFixedRate(() -> {
            router.tick();
            lastStats = router.stats();
        }, 1, 1, TimeUnit.SECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Sends a transaction this node originates along its own stem route (or fluffs it with no outbound peer). */
    public void send(RelayTransaction tx) {
        ctx.onControl(() -> router.ownTransaction(tx));
    }

    /** Told of every transaction that ends its stem phase here, to enter the mempool. */
    public void onFluff(Consumer<RelayTransaction> listener) {
        fluffListener = Objects.requireNonNull(listener, "listener");
    }

    /** Whether {@code tx} is in the stempool now (answered on the control loop). */
    public CompletableFuture<Boolean> inStempool(RelayTransaction tx) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        ctx.onControl(() -> f.complete(router.inStempool(tx.id())));
        return f;
    }

    private CompletionStage<Void> stem(PeerId from, Message message) {
        try {
            RelayTransaction tx = StemTransaction.decode(message.data()).transaction();
            ctx.onControl(() -> {
                router.stemReceived(from, tx);
                router.tick();
            });
        } catch (WireException | IllegalArgumentException e) {
            LOG.debug("stem_malformed: from {}: {}", from.shortHex(), e.getMessage());
            reputations.penalize(from, PenaltyReason.MALFORMED_MESSAGE);
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletionStage<Void> announced(PeerId from, Message message) {
        try {
            NewTransaction announcement = message.body(WireLimits.DEFAULT, NewTransaction::decode);
            ctx.onControl(() -> router.seenFluffed(announcement.transactionId()));
        } catch (WireException e) {
            LOG.debug("new_transaction_malformed: from {}: {}", from.shortHex(), e.getMessage());
        }
        return CompletableFuture.completedFuture(null);
    }
}
