package net.dig.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntPredicate;
import net.dig.gossip.MessageBus;
import net.dig.gossip.MessageHandler;
import net.dig.gossip.MessageValidator;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.PlumtreeRouter;
import net.dig.gossip.PlumtreeStats;
import net.dig.wire.Message;
import net.dig.wire.ProtocolMessage;
import net.dig.wire.RegisterAck;
import net.dig.wire.RespondPeers;
import net.dig.wire.StreamableReader;
import net.dig.wire.TimestampedPeerInfo;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GossipHandle} of one {@link GossipService}: checks that the service runs, finds the peer's
 * connection, refuses DIG opcodes to peers that do not speak DIG ({@link PlumtreeBridge#digGate}), and
 * hands the operation to the part that owns it. Never blocks; thread-safe.
 */
final class ServiceHandle implements GossipHandle {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHandle.class);

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final Reputations reputations;
    private final Dialer dialer;
    private final DiscoveryLoop discovery;
    private final PlumtreeBridge plumtree;
    private final MessageBus bus;
    private final Admission admission;
    private final BooleanSupplier listening;
    private final CopyOnWriteArrayList<InboundReceiver> receivers = new CopyOnWriteArrayList<>();

    private final java.util.function.Supplier<java.util.Optional<RelayStats>> relay;
    private final java.util.function.Supplier<net.dig.gossip.CompactBlockStats> compactBlocks;
    private final java.util.function.Supplier<net.dig.gossip.DandelionStats> dandelion;

    ServiceHandle(ServiceContext ctx, PeerTable peers, Reputations reputations, Dialer dialer, DiscoveryLoop discovery,
            PlumtreeBridge plumtree, MessageBus bus, Admission admission, BooleanSupplier listening,
            java.util.function.Supplier<java.util.Optional<RelayStats>> relay,
            java.util.function.Supplier<net.dig.gossip.CompactBlockStats> compactBlocks,
            java.util.function.Supplier<net.dig.gossip.DandelionStats> dandelion) {
        this.ctx = ctx;
        this.relay = relay;
        this.compactBlocks = compactBlocks;
        this.dandelion = dandelion;
        this.peers = peers;
        this.reputations = reputations;
        this.dialer = dialer;
        this.discovery = discovery;
        this.plumtree = plumtree;
        this.bus = bus;
        this.admission = admission;
        this.listening = listening;
    }

    /** Closes every polling receiver (the service stops). */
    void closeReceivers() {
        for (InboundReceiver r : receivers) {
            r.close();
        }
    }

    private <T> Optional<CompletableFuture<T>> notRunning() {
        if (ctx.isRunning()) {
            return Optional.empty();
        }
        return Optional.of(CompletableFuture.failedFuture(new GossipException(new GossipError.ServiceNotStarted())));
    }

    /** {@link #live(PeerId)}, refusing a DIG opcode to a peer that does not speak DIG. */
    private CompletableFuture<PeerConnectionHandler> live(PeerId peer, Message message) {
        return live(peer).thenCompose(c -> {
            GossipError refused = PlumtreeBridge.digGate(c, message);
            return refused == null ? CompletableFuture.completedFuture(c) : CompletableFuture.failedFuture(new GossipException(refused));
        });
    }

    private CompletableFuture<PeerConnectionHandler> live(PeerId peer) {
        return peers.get(peer).map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.failedFuture(new GossipException(new GossipError.PeerNotConnected(peer))));
    }

    @Override
    public CompletableFuture<Void> healthCheck() {
        return this.<Void>notRunning().orElseGet(() -> listening.getAsBoolean()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new GossipException(new GossipError.ChannelClosed())));
    }

    @Override
    public CompletableFuture<GossipStats> stats() {
        return this.<GossipStats>notRunning().orElseGet(() -> {
            PeerTable.Totals t = peers.totals();
            PlumtreeStats plumtreeStats = plumtree.lastStats();
            java.util.Optional<RelayStats> relayStats = relay.get();
            int connected = t.inbound() + t.outbound();
            return CompletableFuture.completedFuture(new GossipStats(connected + admission.inflight(), connected, t.inbound(),
                    t.outbound(), t.messagesSent(), t.messagesReceived(), t.bytesSent(), t.bytesReceived(),
                    discovery.knownAddresses(), plumtreeStats.seenMessages(), relayStats.map(RelayStats::connected).orElse(false),
                    relayStats.map(RelayStats::relayPeerCount).orElse(0), reputations.bannedPeers(),
                    reputations.bannedIps(), admission.refused(), admission.inflight(), t.lanes(), plumtreeStats,
                    plumtree.lastErlayStats(), compactBlocks.get(), dandelion.get()));
        });
    }

    @Override
    public InboundReceiver inboundReceiver() {
        if (!ctx.isRunning()) {
            throw new GossipException(new GossipError.ServiceNotStarted());
        }
        AtomicReference<InboundReceiver> self = new AtomicReference<>();
        InboundReceiver receiver = new InboundReceiver(bus, () -> receivers.remove(self.get()));
        self.set(receiver);
        receivers.add(receiver);
        return receiver;
    }

    @Override
    public void registerValidator(int type, MessageValidator validator) {
        bus.registerValidator(type, validator);
    }

    @Override
    public MessageBus.Subscription subscribe(IntPredicate types, MessageHandler handler) {
        return bus.subscribe(types, handler);
    }

    @Override
    public MessageBusStats messageBusStats() {
        return new MessageBusStats(bus.stats(), plumtree.lastValidationStats());
    }

    @Override
    public CompletableFuture<Integer> broadcast(Message message, Optional<PeerId> excludePeer) {
        return this.<Integer>notRunning().orElseGet(() -> {
            if (PlumtreeRouter.isControl(message.type()) || message.id().isPresent()) {
                return CompletableFuture.failedFuture(new GossipException(new GossipError.MessageRejected(
                        "type " + message.type() + (message.id().isPresent() ? " with a request id" : " is Plumtree control")
                                + " cannot be broadcast")));
            }
            return plumtree.broadcast(message, excludePeer);
        });
    }

    @Override
    public CompletableFuture<Integer> broadcastTyped(ProtocolMessage body, Optional<PeerId> excludePeer) {
        return broadcast(body.toMessage(), excludePeer);
    }

    @Override
    public CompletableFuture<Void> sendTo(PeerId peer, ProtocolMessage body) {
        return sendTo(peer, body.toMessage());
    }

    @Override
    public CompletableFuture<Void> sendTo(PeerId peer, Message message) {
        return this.<Void>notRunning().orElseGet(() -> live(peer, message).thenCompose(c -> c.send(message)));
    }

    @Override
    public <T> CompletableFuture<T> request(PeerId peer, ProtocolMessage body, Function<StreamableReader, T> replyDecoder) {
        return request(peer, body.toMessage()).thenApply(reply -> decodeReply(peer, reply, replyDecoder));
    }

    @Override
    public CompletableFuture<Message> request(PeerId peer, Message message) {
        return this.<Message>notRunning().orElseGet(() -> live(peer, message).thenCompose(c -> c.request(message)));
    }

    @Override
    public CompletableFuture<PeerId> connectTo(InetSocketAddress address) {
        return dialer.dial(address, Purpose.PEER).thenApply(PeerConnectionHandler::peerId);
    }

    @Override
    public CompletableFuture<Void> disconnect(PeerId peer) {
        return this.<Void>notRunning().orElseGet(() -> live(peer).thenAccept(PeerConnectionHandler::disconnect));
    }

    @Override
    public CompletableFuture<Void> banPeer(PeerId peer, PenaltyReason reason) {
        return this.<Void>notRunning().orElseGet(() -> {
            reputations.ban(peer);
            LOG.info("peer_banned: banned {} ({})", peer.shortHex(), reason);
            return CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public CompletableFuture<Void> penalizePeer(PeerId peer, PenaltyReason reason) {
        return this.<Void>notRunning().orElseGet(() -> {
            reputations.penalize(peer, reason);
            return CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public CompletableFuture<List<PeerConnection>> connectedPeers() {
        return this.<List<PeerConnection>>notRunning().orElseGet(() ->
                CompletableFuture.completedFuture(peers.live().stream().map(PeerConnectionHandler::snapshot).toList()));
    }

    @Override
    public double standing(PeerId peer) {
        return reputations.standing(peer);
    }

    @Override
    public CompletableFuture<Integer> peerCount() {
        return this.<Integer>notRunning().orElseGet(() -> CompletableFuture.completedFuture(peers.size()));
    }

    @Override
    public CompletableFuture<List<TimestampedPeerInfo>> discoverFromIntroducer() {
        return this.<List<TimestampedPeerInfo>>notRunning().orElseGet(discovery::discoverFromIntroducer);
    }

    @Override
    public CompletableFuture<RegisterAck> registerWithIntroducer() {
        return this.<RegisterAck>notRunning().orElseGet(discovery::registerWithIntroducer);
    }

    @Override
    public CompletableFuture<RespondPeers> requestPeersFrom(PeerId peer) {
        return this.<RespondPeers>notRunning().orElseGet(() -> live(peer).thenCompose(discovery::requestPeersFrom));
    }

    static <T> T decodeReply(PeerId peer, Message reply, Function<StreamableReader, T> decoder) {
        try {
            return reply.body(WireLimits.DEFAULT, decoder);
        } catch (WireException | IllegalArgumentException e) {
            throw new GossipException(new GossipError.UnexpectedReply(peer, reply.type(), e.getMessage()));
        }
    }
}
