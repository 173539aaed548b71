package net.dig.net;

import io.netty.channel.EventLoop;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.dig.gossip.ErlayReconciler;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.PlumtreeConfig;
import net.dig.gossip.PlumtreeDriver;
import net.dig.gossip.PlumtreeOutput;
import net.dig.gossip.PlumtreeStats;
import net.dig.gossip.PlumtreeViolation;
import net.dig.gossip.ValidationStats;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plumtree on real connections: one {@link PlumtreeDriver} on the control event loop, its timers on that
 * loop's scheduler, its validator the {@link MessageBus}'s, and its effects executed here: a send goes to
 * the peer's connection (a DIG opcode only to a peer that speaks DIG, {@link #digGate}), a delivery to the
 * bus, a penalty or a rejection to {@link Reputations}.
 *
 * <h2>Concurrency</h2>
 * The driver hands every event to the control loop; the effects run there and only hop onto connections'
 * loops ({@link PeerConnectionHandler#send} is thread-safe). {@link #lastStats()} is readable anywhere.
 */
final class PlumtreeBridge implements PlumtreeOutput {
    private static final Logger LOG = LoggerFactory.getLogger(PlumtreeBridge.class);

    private final GossipConfig config;
    private final ServiceContext ctx;
    private final PeerTable peers;
    private final Reputations reputations;
    private final MessageBus bus;
    private volatile PlumtreeDriver driver;
    private final Optional<ErlayBridge> erlay;

    PlumtreeBridge(ServiceContext ctx, PeerTable peers, Reputations reputations, MessageBus bus) {
        this.config = ctx.config;
        this.ctx = ctx;
        this.peers = peers;
        this.reputations = reputations;
        this.bus = bus;
        this.erlay = config.erlay().map(c -> new ErlayBridge(ctx, peers, reputations, bus, c, m -> driver.markSeen(m)));
    }

    /** Creates the router on {@code control}. */
    void start(EventLoop control) {
        PlumtreeConfig plumtree = PlumtreeConfig.defaults().toBuilder().gossipFanout(config.gossipFanout())
                .maxSeenMessages(config.maxSeenMessages()).build();
        driver = new PlumtreeDriver(plumtree, ctx.clock, control, (task, delayMillis) -> {
            ScheduledFuture<?> f = control.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, this, bus.validator(), bus.config().maxValidationsInFlight());
        erlay.ifPresent(e -> e.start(control));
    }

    void stop() {
        PlumtreeDriver d = driver;
        if (d != null) {
            d.close();
        }
        erlay.ifPresent(ErlayBridge::stop);
    }

    void neighborUp(PeerId peer) {
        driver.neighborUp(peer);
        erlay.ifPresent(e -> peers.get(peer).ifPresent(e::neighborUp));
    }

    void neighborDown(PeerId peer) {
        driver.neighborDown(peer);
        erlay.ifPresent(e -> e.neighborDown(peer));
    }

    /** True for an inbound frame ERLAY handles when it is enabled (NewTransaction, 211, 212). */
    boolean erlayRoutes(Message message) {
        return erlay.isPresent() && ErlayBridge.routes(message);
    }

    void message(PeerId from, Message message) {
        if (erlayRoutes(message)) {
            erlay.get().message(from, message);
            return;
        }
        driver.message(from, message);
    }

    CompletableFuture<Integer> broadcast(Message message, Optional<PeerId> exclude) {
        if (erlayRoutes(message)) {
            return erlay.get().broadcast(message);
        }
        return driver.broadcast(message, exclude);
    }

    /** ERLAY's counters; empty when ERLAY is off. */
    Optional<ErlayReconciler.Stats> erlayStats() {
        return erlay.map(ErlayBridge::stats);
    }

    /** ERLAY's counters as of its last tick; zeros when ERLAY is off. Safe from any thread. */
    ErlayReconciler.Stats lastErlayStats() {
        return erlay.map(ErlayBridge::lastStats).orElse(ErlayReconciler.Stats.NONE);
    }

    /** ERLAY's two salts for the connection with {@code peer}; empty when ERLAY is off or not yet exchanged. */
    CompletableFuture<Optional<ErlayReconciler.Salts>> erlaySalts(PeerId peer) {
        return erlay.map(e -> e.salts(peer)).orElse(CompletableFuture.completedFuture(Optional.empty()));
    }

    PlumtreeStats lastStats() {
        PlumtreeDriver d = driver;
        return d == null ? PlumtreeStats.NONE : d.lastStats();
    }

    ValidationStats lastValidationStats() {
        PlumtreeDriver d = driver;
        return d == null ? ValidationStats.NONE : d.lastValidationStats();
    }

    /**
     * Null when {@code message} may go to {@code c}; otherwise why not: a DIG opcode to a peer whose
     * handshake did not show it speaks DIG ({@link DigDialect}), which a Chia node would answer by closing
     * the connection. Broadcasts skip such peers; sendTo and request fail.
     */
    static GossipError digGate(PeerConnectionHandler c, Message message) {
        Handshake h = c.remoteHandshake();
        String software = h == null ? null : h.softwareVersion();
        if (DigDialect.maySend(message.type(), software)) {
            return null;
        }
        return new GossipError.MessageRejected("peer " + c.peerId().shortHex() + " did not show it speaks DIG (software_version '"
                + software + "'): DIG message type " + message.type() + " is not sent to it");
    }

    // ---- the router's effects, on the control loop ----------------------------------------------

    @Override
    public void send(PeerId to, Message message) {
        peers.get(to).filter(c -> digGate(c, message) == null).ifPresent(c -> c.send(message));
    }

    @Override
    public void deliver(PeerId from, Message message) {
        bus.deliver(from, message);
    }

    @Override
    public void penalize(PeerId peer, PlumtreeViolation violation, String detail) {
        PenaltyReason reason = switch (violation) {
            case MALFORMED_CONTROL -> PenaltyReason.MALFORMED_MESSAGE;
            case INVALID_ANNOUNCEMENT -> PenaltyReason.PROTOCOL_VIOLATION;
            case BROKEN_PROMISE -> PenaltyReason.SPAM;
            case REQUEST_RATE_EXCEEDED -> PenaltyReason.RATE_LIMIT_EXCEEDED;
        };
        LOG.debug("plumtree_violation: plumtree: {} from {}: {}", violation, peer.shortHex(), detail);
        reputations.penalize(peer, reason);
    }

    @Override
    public void rejected(PeerId from, Message message, PenaltyReason reason) {
        LOG.debug("message_rejected: validator rejected type {} from {}: {}", message.type(), from.shortHex(), reason);
        reputations.penalize(from, reason);
    }
}
