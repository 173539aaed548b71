package net.dig.net;

import java.net.InetSocketAddress;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PlumtreeDriver;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import net.dig.wire.RespondPeers;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * Where an inbound message that answers none of our requests goes:
 * <pre>
 *  RequestPeers            -> answered from the address book (control loop), then on as below
 *  RespondPeers (peer)     -> peer-list intake and relay (control loop); malformed: penalty + close
 *  the service's hook      -> a server built on the service (the introducer) may consume it
 *  introducer links        -> nothing further
 *  PlumtreeRoutes.routes   -> the Plumtree router (validated there, then delivered to the bus)
 *  anything else           -> the message bus's handlers; when one of them is at its bound for the
 *                             type, the connection stops reading until it has room (backpressure
 *                             down to TCP, nothing refused)
 * </pre>
 * Called on the connection's event loop; never blocks (the bus's handlers must not either).
 */
final class InboundDispatch {
    private final ServiceContext ctx;
    private final DiscoveryLoop discovery;
    private final PlumtreeBridge plumtree;
    private final Reputations reputations;
    private final MessageBus bus;

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
        if (ctx.hook().handle(connection, message) || purpose != Purpose.PEER) {
            return;
        }
        if (message.type() != ChiaMessageType.REQUEST_PEERS.code()) {
            connection.markUseful(ctx.clock.millis());
        }
        if (PlumtreeDriver.routes(message)) {
            plumtree.message(connection.peerId(), message);
            return;
        }
        if (bus.deliverPausing(connection.peerId(), message) == MessageBus.Delivery.HANDED_PAUSE) {
            connection.pauseReads();
            bus.whenRoom(message.type(), connection::resumeReads);
        }
    }
}
