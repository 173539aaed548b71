package net.dig.net;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PlumtreeDriver;
import net.dig.gossip.Verdict;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import net.dig.wire.RespondPeers;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an inbound message that answers none of our requests goes:
 * <pre>
 *  RequestPeers            -> answered from the address book (control loop), then on as below
 *  RespondPeers (peer)     -> peer-list intake and relay (control loop); malformed: penalty + close
 *  the service's hook      -> a server built on the service (the introducer) may consume it
 *  introducer links        -> nothing further
 *  PlumtreeRoutes.routes   -> the Plumtree router (validated there, then delivered to the bus)
 *  a type with a validator -> validated first (node messages, 240): ACCEPT goes on as below, IGNORE is
 *                             dropped, REJECT is dropped and penalises the peer; while a verdict is
 *                             pending, reads pause and the frames already decoded wait behind it, so
 *                             the connection's order is kept
 *  anything else           -> the message bus's handlers; when one of them is at its bound for the
 *                             type, the connection stops reading until it has room (backpressure
 *                             down to TCP, nothing refused)
 * </pre>
 * Called on the connection's event loop; never blocks (the bus's handlers must not either). The frames held
 * behind a pending verdict are per connection and touched only on its loop.
 */
final class InboundDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(InboundDispatch.class);
    private final ServiceContext ctx;
    private final DiscoveryLoop discovery;
    private final PlumtreeBridge plumtree;
    private final Reputations reputations;
    private final MessageBus bus;
    private final Map<PeerConnectionHandler, ArrayDeque<Message>> held = new ConcurrentHashMap<>();

    InboundDispatch(ServiceContext ctx, DiscoveryLoop discovery, PlumtreeBridge plumtree, Reputations reputations, MessageBus bus) {
        this.ctx = ctx;
        this.discovery = discovery;
        this.plumtree = plumtree;
        this.reputations = reputations;
        this.bus = bus;
    }

    void received(PeerConnectionHandler connection, Purpose purpose, Message message) {
        if (message.type() == ChiaMessageType.REQUEST_PEERS.code()) {
            ctx.onControl(() -> discovery.answerRequestPeers(connection, message));
        } else if (message.type() == ChiaMessageType.RESPOND_PEERS.code() && purpose == Purpose.PEER) {
            try {
                RespondPeers peersMessage = message.body(WireLimits.DEFAULT, RespondPeers::decode);
                InetSocketAddress sender = PeerTable.listeningAddress(connection);
                ctx.onControl(() -> discovery.takePeerList(sender, peersMessage.peerList()));
            } catch (WireException e) {
                reputations.misbehaved(connection, Misbehaviour.MALFORMED_MESSAGE, e.getMessage());
                connection.disconnect();
                return;
            }
        }
        if (purpose == Purpose.RELAY) {
            ctx.relayInbound().accept(connection, message);
            return;
        }
        if (ctx.hook().handle(connection, message) || purpose != Purpose.PEER) {
            return;
        }
        if (message.type() != ChiaMessageType.REQUEST_PEERS.code()) {
            connection.markUseful(ctx.clock.millis());
        }
        if (PlumtreeDriver.routes(message) || plumtree.erlayRoutes(message)) {
            plumtree.message(connection.peerId(), message);
            return;
        }
        ArrayDeque<Message> waiting = held.get(connection);
        if (waiting != null) {
            waiting.add(message);
            return;
        }
        direct(connection, message);
    }

    /** A message for the bus: validated first if its type has a validator, then delivered. */
    private void direct(PeerConnectionHandler connection, Message message) {
        if (!bus.validates(message.type())) {
            deliver(connection, message);
            return;
        }
        CompletableFuture<Verdict> verdict = validate(connection, message);
        if (verdict.isDone()) {
            apply(connection, message, verdict);
            return;
        }
        held.put(connection, new ArrayDeque<>());
        connection.pauseReads();
        verdict.whenComplete((v, e) -> connection.channel().eventLoop().execute(() -> {
            apply(connection, message, verdict);
            ArrayDeque<Message> later = held.remove(connection);
            connection.resumeReads(); // runs after this task: the held messages go first
            for (Message next : later) {
                ArrayDeque<Message> again = held.get(connection);
                if (again != null) {
                    again.add(next);
                } else {
                    direct(connection, next);
                }
            }
        }));
    }

    private CompletableFuture<Verdict> validate(PeerConnectionHandler connection, Message message) {
        try {
            return bus.validator().validate(connection.peerId(), message).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void apply(PeerConnectionHandler connection, Message message, CompletableFuture<Verdict> done) {
        Verdict verdict = done.isCompletedExceptionally() ? Verdict.IGNORE : done.join();
        switch (verdict.outcome()) {
            case ACCEPT -> deliver(connection, message);
            case REJECT -> {
                LOG.debug("message_rejected: rejected message type {} from {}: {}", message.type(),
                        connection.peerId().shortHex(), verdict.penalty());
                reputations.penalize(connection.peerId(), verdict.penalty());
            }
            case IGNORE -> { }
        }
    }

    private void deliver(PeerConnectionHandler connection, Message message) {
        if (bus.deliverPausing(connection.peerId(), message) == MessageBus.Delivery.HANDED_PAUSE) {
            connection.pauseReads();
            bus.whenRoom(message.type(), connection::resumeReads);
        }
    }
}
