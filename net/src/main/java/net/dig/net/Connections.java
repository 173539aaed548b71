package net.dig.net;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import net.dig.gossip.HandshakeRules;
import net.dig.gossip.InboundEviction;
import net.dig.gossip.Netgroup;
import net.dig.gossip.PeerId;
import net.dig.gossip.RateLimitTable;
import net.dig.gossip.RateLimiter;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the handler of every new connection and answers what it asks of the service
 * ({@link PeerConnectionHandler.Events}): our handshake, whether the remote one is acceptable
 * ({@link HandshakeRules}, bans, duplicates), admission into the {@link PeerTable}, penalties, RTT samples,
 * and, once admitted, where its messages and its closing go (Plumtree, discovery, {@link InboundDispatch}).
 *
 * <p>When the table is full ({@code max_connections}), an inbound handshake may take the place of an inbound
 * peer chosen by {@link InboundEviction#established} (Bitcoin Core's rules: peers in many network groups, the
 * fastest, the recently useful and the long connected are kept); with nobody to evict it is refused.
 * Outbound handshakes never evict.
 *
 * <p>A connection that supersedes an admitted one of its PeerId ({@link PeerTable#admit}) is a new neighbour:
 * neighbour-down (and the {@code onRemoved} listeners) for the old connection, then neighbour-up for the new
 * one, so per-connection state such as ERLAY salts starts afresh at both ends.
 *
 * <p>Every connection opened here is in the {@link PeerTable}'s links until it is released
 * ({@link PeerConnectionHandler.Events#released}), admitted or not; {@link #liveHandlers()} counts them
 * independently, for leak checks.
 *
 * <p>Concurrency: each {@code Events} instance belongs to one connection and is called on its event loop;
 * what it touches is thread-safe ({@link PeerTable}, {@link Reputations}) or reached through the control loop.
 * Two handshakes admitted at once on two loops may each evict a peer, or both pass a full table by one.
 */
final class Connections implements Dialer.ConnectionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    private final ServiceContext ctx;
    private final HandshakeRules rules;
    private final PeerTable peers;
    private final Reputations reputations;
    private final PlumtreeBridge plumtree;
    private final DiscoveryLoop discovery;
    private final InboundDispatch dispatch;
    private final InboundEviction eviction;
    private final AtomicInteger liveHandlers = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong openedHandlers = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger evictedPeers = new AtomicInteger();

    Connections(ServiceContext ctx, HandshakeRules rules, PeerTable peers, Reputations reputations, PlumtreeBridge plumtree,
            DiscoveryLoop discovery, InboundDispatch dispatch) {
        this.ctx = ctx;
        this.rules = rules;
        this.peers = peers;
        this.reputations = reputations;
        this.plumtree = plumtree;
        this.discovery = discovery;
        this.dispatch = dispatch;
        this.eviction = new InboundEviction(InboundEviction.Settings.DEFAULT, ctx.random.nextLong());
    }

    /** Handlers opened and not yet released. */
    int liveHandlers() {
        return liveHandlers.get();
    }

    /** Handlers ever opened. */
    long openedHandlers() {
        return openedHandlers.get();
    }

    /** Inbound peers disconnected to make room for a newcomer. */
    int evictedPeers() {
        return evictedPeers.get();
    }

    /** Disconnects the inbound peer {@link InboundEviction} picks; false if every inbound peer is protected. */
    private boolean evictInbound() {
        List<InboundEviction.Peer<PeerConnectionHandler>> inbound = new ArrayList<>();
        for (PeerConnectionHandler c : peers.live()) {
            if (!c.isOutbound() && c.remoteAddress() != null) {
                PeerConnection s = c.snapshot();
                inbound.add(new InboundEviction.Peer<>(c, Netgroup.of(c.remoteAddress().getAddress()),
                        s.creationTimeMillis(), s.avgRttMillis().orElse(-1), c.lastUsefulMillis()));
            }
        }
        Optional<PeerConnectionHandler> victim = eviction.established(inbound);
        victim.ifPresent(v -> {
            evictedPeers.incrementAndGet();
            LOG.debug("inbound_peer_evicted: evicting inbound peer {} to make room", v.peerId().shortHex());
            v.disconnect();
        });
        return victim.isPresent();
    }

    @Override
    public PeerConnectionHandler open(boolean outbound, Purpose purpose) {
        GossipConfig config = ctx.config;
        RateLimiter outboundLimits = new RateLimiter(RateLimiter.Direction.OUTBOUND,
                (int) Math.max(1, Math.min(100, Math.round(RateLimiter.DEFAULT_OUTBOUND_PERCENT * config.peerOptions().rateLimitFactor()))),
                RateLimitTable.standard());
        PeerConnectionHandler handler = new PeerConnectionHandler(outbound, new Events(outbound, purpose),
                config.transport(), ctx.clock, outboundLimits);
        peers.track(handler);
        liveHandlers.incrementAndGet();
        openedHandlers.incrementAndGet();
        return handler;
    }

    /** What one connection needs from the service. */
    private final class Events implements PeerConnectionHandler.Events {
        private final boolean outbound;
        private final Purpose purpose;

        Events(boolean outbound, Purpose purpose) {
            this.outbound = outbound;
            this.purpose = purpose;
        }

        @Override
        public Handshake localHandshake() {
            return rules.localHandshake(GossipConstants.PROTOCOL_VERSION, ctx.config.transport().softwareVersion(),
                    ctx.listenPort(), NodeType.FULL_NODE);
        }

        @Override
        public Optional<PeerConnectionHandler.Refusal> checkHandshake(PeerConnectionHandler connection, Handshake remote) {
            PeerId remoteId = connection.peerId();
            Set<NodeType> expected = purpose == Purpose.INTRODUCER
                    ? EnumSet.of(NodeType.FULL_NODE, NodeType.INTRODUCER) : EnumSet.of(NodeType.FULL_NODE);
            HandshakeRules.Verdict verdict = rules.evaluate(remote, new HandshakeRules.Context(outbound, expected, ctx.ownPeerId,
                    remoteId, purpose == Purpose.PEER && peers.duplicate(remoteId, outbound, ctx.ownPeerId),
                    reputations.isBanned(remoteId)));
            if (verdict instanceof HandshakeRules.Rejected rejected) {
                GossipError error = switch (rejected.reason()) {
                    case SELF_CONNECTION -> new GossipError.SelfConnection();
                    case DUPLICATE_CONNECTION -> new GossipError.DuplicateConnection(remoteId);
                    case BANNED -> new GossipError.PeerBanned(remoteId);
                    default -> new GossipError.HandshakeFailed(rejected.reason().chiaErrorCode(), rejected.detail());
                };
                int ban = rejected.reason().banSeconds() == PeerConnectionHandler.INVALID_PROTOCOL_BAN_SECONDS
                        ? (int) ctx.config.transport().shortBan().toSeconds() : rejected.reason().banSeconds();
                LOG.debug("handshake_refused: refused handshake from {}: {}", connection.remoteAddress(), rejected.detail());
                return Optional.of(new PeerConnectionHandler.Refusal(error, rejected.reason().chiaErrorCode(), ban));
            }
            return Optional.empty();
        }

        @Override
        public Optional<GossipError> admit(PeerConnectionHandler connection) {
            PeerConnectionHandler superseded = null;
            if (purpose == Purpose.PEER) {
                if (!peers.contains(connection.peerId()) && peers.size() >= ctx.config.maxConnections()
                        && (outbound || !evictInbound())) {
                    return Optional.of(new GossipError.MaxConnectionsReached(ctx.config.maxConnections()));
                }
                PeerTable.Admission admission = peers.admit(connection, ctx.ownPeerId);
                if (!admission.admitted()) {
                    return Optional.of(new GossipError.DuplicateConnection(connection.peerId()));
                }
                superseded = admission.superseded();
                if (superseded != null) {
                    LOG.debug("simultaneous_dial_resolved: {} dialled both ways at once: keeping the connection {} dialled",
                            connection.peerId().shortHex(), outbound ? "we" : "it");
                    superseded.disconnect();
                }
            }
            AdmissionHandler slot = connection.channel().pipeline().get(AdmissionHandler.class);
            if (slot != null) {
                slot.handshakeDone();
            }
            if (purpose == Purpose.PEER) {
                if (superseded != null) {
                    // the peer's end drew fresh per-connection state (an ERLAY salt) for the new connection
                    plumtree.neighborDown(superseded.peerId());
                    PeerConnectionHandler old = superseded;
                    ctx.onRemoved.forEach(listener -> listener.accept(old));
                }
                plumtree.neighborUp(connection.peerId());
                discovery.opened(connection, outbound);
                ctx.onAdmitted.forEach(listener -> listener.accept(connection));
            }
            ctx.hook().onAdmitted(connection);
            return Optional.empty();
        }

        @Override
        public void removed(PeerConnectionHandler connection) {
            boolean wasAdmitted = peers.closed(connection, purpose == Purpose.PEER);
            if (purpose == Purpose.PEER) {
                if (wasAdmitted) {
                    plumtree.neighborDown(connection.peerId());
                    ctx.onRemoved.forEach(listener -> listener.accept(connection));
                }
                discovery.closed(connection, outbound);
            }
        }

        @Override
        public void released(PeerConnectionHandler connection) {
            peers.untrack(connection);
            liveHandlers.decrementAndGet();
        }

        @Override
        public void received(PeerConnectionHandler connection, Message message) {
            dispatch.received(connection, purpose, message);
        }

        @Override
        public void misbehaved(PeerConnectionHandler connection, Misbehaviour kind, String detail) {
            reputations.misbehaved(connection, kind, detail);
        }

        @Override
        public void handshakeRefused(InetSocketAddress remote, PeerConnectionHandler.Refusal refusal) {
            if (refusal.banSeconds() > 0) {
                reputations.banIp(remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString(),
                        java.time.Duration.ofSeconds(refusal.banSeconds()));
            }
        }

        @Override
        public Optional<GossipError> precheck(PeerConnectionHandler connection) {
            PeerId remote = connection.peerId();
            if (remote.equals(ctx.ownPeerId)) {
                return Optional.of(new GossipError.SelfConnection());
            }
            // a dialer that is connected already never sends a handshake; only a race of two dials
            // (neither side connected when it dialled) reaches the tie-break of checkHandshake and admit
            if (purpose == Purpose.PEER && peers.contains(remote)) {
                return Optional.of(new GossipError.DuplicateConnection(remote));
            }
            if (reputations.isBanned(remote)) {
                return Optional.of(new GossipError.PeerBanned(remote));
            }
            return Optional.empty();
        }

        @Override
        public void rttSample(PeerConnectionHandler connection, long rttMillis) {
            reputations.recordRtt(connection.peerId(), rttMillis);
        }
    }
}
