package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.gossip.BanPolicy;
import net.dig.gossip.HandshakeRules;
import net.dig.gossip.PeerId;
import net.dig.gossip.PeerReputations;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.RateLimitTable;
import net.dig.gossip.RateLimiter;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.ProtocolMessage;
import net.dig.wire.RegisterAck;
import net.dig.wire.RegisterPeer;
import net.dig.wire.RequestPeers;
import net.dig.wire.RequestPeersIntroducer;
import net.dig.wire.RespondPeers;
import net.dig.wire.RespondPeersIntroducer;
import net.dig.wire.StreamableReader;
import net.dig.wire.TimestampedPeerInfo;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gossip service of the dig-gossip seed: binds the P2P listener, dials peers, keeps the peer
 * table, and hands out a {@link GossipHandle}.
 *
 * <h2>What</h2>
 * One listener ({@link PeerChannels} pipelines: admission before TLS, mTLS 1.3, WebSocket at
 * {@code /ws}, frame cap) and any number of dialled connections, each driven by a
 * {@link PeerConnectionHandler}. The service owns the policies the connections consult:
 * {@link HandshakeRules} (network id, versions, node type, self, duplicate, banned),
 * {@link PeerReputations} (penalties, 100 points = ban for 3600 s, short IP bans after a refused
 * handshake, enforced when dialling, at the WebSocket upgrade (HTTP 403) and at the handshake),
 * per-connection {@link RateLimiter}s, {@code max_connections} and the in-flight handshake cap.
 * {@link Discovery} (dig-gossip's AddressManager, PeerIntake and DiscoveryPlanner) answers
 * RequestPeers, takes in RespondPeers and introducer answers, and decides whom to dial; the
 * service executes the planner's actions every {@code peer_connect_interval}. Broadcasts and
 * inbound gossip ({@link #GOSSIP_TYPES} without id, and Plumtree control 214-217) go through
 * dig-gossip's {@code PlumtreeRouter}, which dedups, forwards along the tree and delivers first copies
 * to the application; everything else is delivered directly.
 *
 * <h2>API style</h2>
 * {@link #start()} and {@link #stop()} block (binding and shutting down take milliseconds and
 * callers want to know they happened); every {@link GossipHandle} operation returns a
 * {@link CompletableFuture} and never blocks. Failures are {@link GossipException}s carrying a
 * {@link GossipError}.
 *
 * <h2>Concurrency</h2>
 * Each connection's state belongs to its Netty event loop. Shared state is: the peer table (a
 * concurrent map; admission uses {@code putIfAbsent}), the reputations (not thread-safe by design,
 * so every access holds its monitor; critical sections are a few map operations, never I/O), and
 * the receivers list (copy-on-write). The Plumtree router and the discovery state belong to the
 * control event loop; connection loops hand them events with {@code execute}. Periodic work
 * (keepalive rounds, ban expiry, discovery, Plumtree timers every 50 ms) runs
 * on one control event loop and reads time from the injected {@link Clock}; tests call
 * {@link #runKeepaliveRound()} after moving a {@code ManualClock} instead of sleeping.
 *
 * <h2>Failure modes</h2>
 * A misbehaving peer costs penalty points (mapped from {@link Misbehaviour}) and its connection;
 * nothing a peer sends can throw out of an event loop or stop the listener. A refused handshake
 * bans the address for a short time (Chia: 10 s), a rate-limit violation for 300 s; addresses in
 * {@code transport.ipBanExempt} are only banned by PeerId.
 */
public final class GossipService {
    private static final Logger LOG = LoggerFactory.getLogger(GossipService.class);
    private static final int RATE_LIMIT_BAN_SECONDS = 300;
    static final Duration DEFAULT_REDIAL_INTERVAL = Duration.ofMinutes(30);

    private static net.dig.gossip.PlumtreeConfig plumtreeConfig(GossipConfig config) {
        return net.dig.gossip.PlumtreeConfig.defaults().withGossipFanout(config.gossipFanout())
                .withMaxSeenMessages(config.maxSeenMessages());
    }

    /**
     * Null when {@code message} may go to {@code c}; otherwise why not: a DIG opcode (200..255) to a
     * peer whose handshake did not show it speaks DIG ({@link DigDialect}), which a Chia node would
     * answer by closing the connection. Broadcasts skip such peers; sendTo and request fail.
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

    /** Executes the router's effects; called on the control loop from inside router methods. */
    private final class RouterOutput implements net.dig.gossip.PlumtreeOutput {
        @Override
        public void send(PeerId to, Message message) {
            PeerConnectionHandler c = peers.get(to);
            if (c != null && digGate(c, message) == null) {
                c.send(message);
            }
        }

        @Override
        public void deliver(PeerId from, Message message) {
            bus.deliver(from, message);
        }

        @Override
        public void rejected(PeerId from, Message message, PenaltyReason reason) {
            PeerConnectionHandler c = peers.get(from);
            String ip = c == null || c.remoteAddress() == null ? null : c.remoteAddress().getAddress().getHostAddress();
            LOG.debug("validator rejected type {} from {}: {}", message.type(), from.shortHex(), reason);
            GossipService.this.penalize(from, ip, reason);
        }

        @Override
        public void penalize(PeerId peer, net.dig.gossip.PlumtreeViolation violation, String detail) {
            PenaltyReason reason = switch (violation) {
                case MALFORMED_CONTROL -> PenaltyReason.MALFORMED_MESSAGE;
                case INVALID_ANNOUNCEMENT -> PenaltyReason.PROTOCOL_VIOLATION;
                case BROKEN_PROMISE -> PenaltyReason.SPAM;
                case REQUEST_RATE_EXCEEDED -> PenaltyReason.RATE_LIMIT_EXCEEDED;
            };
            PeerConnectionHandler c = peers.get(peer);
            String ip = c == null || c.remoteAddress() == null ? null : c.remoteAddress().getAddress().getHostAddress();
            LOG.debug("plumtree: {} from {}: {}", violation, peer.shortHex(), detail);
            GossipService.this.penalize(peer, ip, reason);
        }
    }
    static final Duration DEFAULT_INTRODUCER_BACKOFF_MAX = Duration.ofSeconds(300);

    private enum State { NEW, RUNNING, STOPPED }

    final GossipConfig config;
    final Clock clock;
    final RandomGenerator random;
    final TlsIdentity identity;
    final PeerId ownPeerId;
    private Discovery discovery;
    private Duration discoveryBackoffMax = DEFAULT_INTRODUCER_BACKOFF_MAX;
    private long nextTopUpMillis;
    // DNS seed state; owned by the control loop like the rest of discovery.
    private boolean dnsBusy;
    private long nextDnsMillis;
    private long dnsBackoffMillis;
    private int nextDnsSeed;
    private long topUpBackoffMillis = 1000;
    private final Map<PeerConnectionHandler, net.dig.gossip.PeerAddress> plannedDials = new ConcurrentHashMap<>();
    private final HandshakeRules rules;
    private final PeerReputations reputations;
    private final SslContext serverTls;
    private final SslContext clientTls;
    private final ConcurrentHashMap<PeerId, PeerConnectionHandler> peers = new ConcurrentHashMap<>();
    private final Set<PeerConnectionHandler> links = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<InboundReceiver> receivers = new CopyOnWriteArrayList<>();
    private final net.dig.gossip.MessageBus bus;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicInteger pendingDials = new AtomicInteger();
    /**
     * Guards the totals of closed connections ({@code closed*}) together with the removal from
     * {@link #peers}: stats() sees a closing connection either among the peers or in the totals, never
     * both or neither, so the counters built on it (Prometheus counters) never go down.
     */
    private final Object closedTotalsLock = new Object();
    private long closedMessagesSent;
    private long closedMessagesReceived;
    private long closedBytesSent;
    private long closedBytesReceived;
    private net.dig.gossip.LaneStats closedLanes = net.dig.gossip.LaneStats.NONE;
    private final Admission admission;
    private volatile MessageHook hook = MessageHook.NONE;
    private final java.util.concurrent.atomic.AtomicBoolean registered = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean introducerBusy = new java.util.concurrent.atomic.AtomicBoolean();

    private final EventLoopGroup sharedIo;
    private final List<java.util.concurrent.Future<?>> periodic = new CopyOnWriteArrayList<>();
    private volatile net.dig.gossip.PlumtreeDriver router;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private EventLoop control;
    private Channel listener;
    private volatile int listenPort;
    private final Handle handle = new Handle();

    /** Production wiring: the machine's clock and a fresh random generator. */
    public GossipService(GossipConfig config) {
        this(config, Clock.system(), RandomGenerator.getDefault());
    }

    /**
     * Loads (or creates) the TLS identity and validates the configuration; binds nothing yet.
     *
     * @throws GossipException with {@link GossipError.ClientError} if the certificate files cannot be used
     */
    public GossipService(GossipConfig config, Clock clock, RandomGenerator random) {
        this(config, clock, random, null);
    }

    /**
     * As {@link #GossipService(GossipConfig, Clock, RandomGenerator)}, but connections run on
     * {@code sharedIo}, which {@link #stop()} leaves running (many services in one process, e.g.
     * benchmarks and simulations).
     */
    public GossipService(GossipConfig config, Clock clock, RandomGenerator random, EventLoopGroup sharedIo) {
        this(config, clock, random, sharedIo, net.dig.gossip.MessageBusConfig.defaults());
    }

    /** As above, with the bounds of the message bus (validations in flight, undelivered messages per type). */
    public GossipService(GossipConfig config, Clock clock, RandomGenerator random, EventLoopGroup sharedIo,
            net.dig.gossip.MessageBusConfig busConfig) {
        this.bus = new net.dig.gossip.MessageBus(busConfig);
        this.sharedIo = sharedIo;
        this.config = config;
        this.clock = clock;
        this.random = random;
        TransportSettings t = config.transport();
        try {
            TlsIdentity loaded;
            if (!config.certPath().isEmpty()) {
                List<Path> cas = new ArrayList<>(t.extraTrustedCas());
                t.networkCa().ifPresent(ca -> cas.add(ca.certificate()));
                loaded = TlsIdentity.fromFiles(Path.of(config.certPath()), Path.of(config.keyPath()), cas);
            } else if (t.identityDir().isPresent()) {
                loaded = TlsIdentity.loadOrCreate(t.identityDir().get(), t.networkCa(), clock);
            } else {
                loaded = TlsIdentity.ephemeral(clock);
            }
            if (!t.extraTrustedCas().isEmpty() && config.certPath().isEmpty()) {
                loaded = loaded.alsoTrusting(t.extraTrustedCas().stream().map(PemFiles::readCertificate).toList());
            }
            this.identity = loaded;
        } catch (TlsIdentityException e) {
            throw new GossipException(new GossipError.ClientError(e.getMessage()));
        }
        this.ownPeerId = new PeerId(identity.peerId());
        if (config.peerId().isPresent() && !config.peerId().get().equals(ownPeerId)) {
            throw new GossipException(new GossipError.ClientError("configured peer_id " + config.peerId().get()
                    + " does not match the certificate's PeerId " + ownPeerId));
        }
        this.rules = new HandshakeRules(HandshakeRules.Settings.of(config.networkId()));
        this.reputations = new PeerReputations(new BanPolicy(GossipConstants.PENALTY_BAN_THRESHOLD,
                GossipConstants.BAN_DURATION, t.ipBanExempt(), 10));
        this.serverTls = identity.serverContext(t.peerTrust());
        this.clientTls = identity.clientContext(t.peerTrust());
        this.discovery = new Discovery(config, clock, random, DEFAULT_REDIAL_INTERVAL, DEFAULT_INTRODUCER_BACKOFF_MAX);
        this.admission = new Admission(config.maxConnections(), t.maxInflightHandshakes(), peers::size,
                address -> ipBanned(address.getHostAddress()));
    }

    /** Binds the listener and starts the periodic tasks. Blocks until bound. */
    public GossipHandle start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new GossipException(state.get() == State.RUNNING ? new GossipError.AlreadyStarted() : new GossipError.ServiceNotStarted());
        }
        if (sharedIo != null) {
            acceptGroup = sharedIo;
            ioGroup = sharedIo;
        } else {
            acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("dig-p2p-accept", true), NioIoHandler.newFactory());
            ioGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("dig-p2p-io", true), NioIoHandler.newFactory());
        }
        control = ioGroup.next();
        try {
            listener = new ServerBootstrap().group(acceptGroup, ioGroup).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            PeerChannels.accepting(ch, serverTls, config.transport(), admission, newConnection(false, Purpose.PEER));
                        }
                    })
                    .bind(config.listenAddr()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            state.set(State.STOPPED);
            throw new GossipException(new GossipError.Io(new java.io.IOException("cannot bind " + config.listenAddr() + ": " + e.getMessage(), e)));
        }
        listenPort = ((InetSocketAddress) listener.localAddress()).getPort();
        periodic.add(control.scheduleAtFixedRate(this::runKeepaliveRound, 1, 1, TimeUnit.SECONDS));
        periodic.add(control.scheduleAtFixedRate(this::expireBans, 10, 10, TimeUnit.SECONDS));
        EventLoop loop = control;
        router = new net.dig.gossip.PlumtreeDriver(plumtreeConfig(config), clock, loop, (task, delayMillis) -> {
            java.util.concurrent.ScheduledFuture<?> f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }, new RouterOutput(), bus.validator(), bus.config().maxValidationsInFlight());
        if (config.targetOutboundCount() > 0) {
            long every = config.peerConnectInterval().toMillis();
            periodic.add(control.scheduleWithFixedDelay(this::runDiscoveryRound, 0, every, TimeUnit.MILLISECONDS));
        }
        LOG.info("gossip listening on {} as {}", listener.localAddress(), ownPeerId.shortHex());
        return handle;
    }

    /** Disconnects every peer, closes the listener and stops the event loops. Blocks until done. */
    public void stop() {
        if (state.getAndSet(State.STOPPED) != State.RUNNING) {
            return;
        }
        for (java.util.concurrent.Future<?> task : periodic) {
            task.cancel(false);
        }
        router.close();
        for (InboundReceiver r : receivers) {
            r.close();
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        for (PeerConnectionHandler link : links) {
            if (link.channel() != null) {
                link.channel().close();
            }
        }
        if (config.targetOutboundCount() > 0 && control != null) {
            control.submit(discovery::saveNow).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        shutdownGroups();
    }

    private void shutdownGroups() {
        if (sharedIo != null) {
            return;
        }
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The handle (usable only while running). */
    public GossipHandle handle() {
        return handle;
    }

    /** The bound address (resolves port 0). */
    public InetSocketAddress listenAddress() {
        return new InetSocketAddress(config.listenAddr().getAddress(), listenPort);
    }

    public PeerId peerId() {
        return ownPeerId;
    }

    // ---- connections -----------------------------------------------------------------------

    /** Why a connection exists: a peer in the table, or a short-lived link to an introducer. */
    enum Purpose { PEER, INTRODUCER }

    private PeerConnectionHandler newConnection(boolean outbound, Purpose purpose) {
        RateLimiter outboundLimits = new RateLimiter(RateLimiter.Direction.OUTBOUND,
                (int) Math.max(1, Math.min(100, Math.round(RateLimiter.DEFAULT_OUTBOUND_PERCENT * config.peerOptions().rateLimitFactor()))), RateLimitTable.standard());
        PeerConnectionHandler handler = new PeerConnectionHandler(outbound, new ConnectionEvents(outbound, purpose),
                config.transport(), clock, outboundLimits);
        links.add(handler);
        return handler;
    }

    CompletableFuture<PeerConnectionHandler> dial(InetSocketAddress target, Purpose purpose) {
        CompletableFuture<PeerConnectionHandler> result = new CompletableFuture<>();
        if (state.get() != State.RUNNING) {
            result.completeExceptionally(new GossipException(new GossipError.ServiceNotStarted()));
            return result;
        }
        InetSocketAddress resolved = target.isUnresolved() ? new InetSocketAddress(target.getHostString(), target.getPort()) : target;
        if (resolved.isUnresolved()) {
            result.completeExceptionally(new GossipException(new GossipError.ClientError("cannot resolve " + target.getHostString())));
            return result;
        }
        if (isOwnAddress(resolved)) {
            result.completeExceptionally(new GossipException(new GossipError.SelfConnection()));
            return result;
        }
        if (ipBanned(resolved.getAddress().getHostAddress())) {
            result.completeExceptionally(new GossipException(new GossipError.ConnectionFiltered(
                    resolved.getAddress().getHostAddress() + " is banned")));
            return result;
        }
        if (purpose == Purpose.PEER && peers.size() + pendingDials.get() >= config.maxConnections()) {
            result.completeExceptionally(new GossipException(new GossipError.MaxConnectionsReached(config.maxConnections())));
            return result;
        }
        if (purpose == Purpose.PEER) {
            pendingDials.incrementAndGet();
        }
        PeerConnectionHandler handler = newConnection(true, purpose);
        ChannelFuture connect = new Bootstrap().group(ioGroup).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.transport().tlsHandshakeTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PeerChannels.dialing(ch, clientTls, config.transport(), resolved, handler);
                    }
                })
                .connect(resolved);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                links.remove(handler);
                if (purpose == Purpose.PEER) {
                    pendingDials.decrementAndGet();
                }
                result.completeExceptionally(new GossipException(new GossipError.ClientError(
                        "cannot connect to " + resolved + ": " + f.cause().getMessage())));
            }
        });
        handler.established().whenComplete((peer, error) -> {
            if (connect.isSuccess() && purpose == Purpose.PEER) {
                pendingDials.decrementAndGet();
            }
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(handler);
            }
        });
        return result;
    }

    private boolean isOwnAddress(InetSocketAddress target) {
        if (target.getPort() != listenPort) {
            return false;
        }
        InetAddress bound = config.listenAddr().getAddress();
        InetAddress address = target.getAddress();
        return address.equals(bound) || (bound.isAnyLocalAddress() && (address.isLoopbackAddress() || isLocalInterface(address)));
    }

    private static boolean isLocalInterface(InetAddress address) {
        try {
            return java.net.NetworkInterface.getByInetAddress(address) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    /** This node's view of a peer's reputation (tests). */
    net.dig.gossip.PeerReputation reputationOf(PeerId peer) {
        synchronized (reputations) {
            return reputations.reputation(peer, clock.millis());
        }
    }

    boolean ipBanned(String ip) {
        synchronized (reputations) {
            return reputations.isIpBanned(ip, clock.millis());
        }
    }

    /** One keepalive step on every connection: ping when due, close the silent ones. */
    void runKeepaliveRound() {
        for (PeerConnectionHandler link : links) {
            Channel ch = link.channel();
            if (ch != null) {
                ch.eventLoop().execute(() -> link.onKeepaliveTick(config.pingInterval(), config.peerTimeout()));
            }
        }
    }

    /**
     * Discovery timing for tests and devnets (before {@link #start()}): the minimum time between two
     * dials of one address (Chia: 30 min) and the ceiling of the introducer backoff (300 s).
     */
    void tuneDiscovery(Duration redialInterval, Duration introducerBackoffMax) {
        if (state.get() != State.NEW) {
            throw new IllegalStateException("tune discovery before start");
        }
        this.discovery = new Discovery(config, clock, random, redialInterval, introducerBackoffMax);
        this.discoveryBackoffMax = introducerBackoffMax;
    }

    /**
     * One round of the discovery loop (seed: bootstrap peers, introducer, peer exchange): registers
     * with the introducer until it acknowledges, then executes what dig-gossip's
     * {@link net.dig.gossip.DiscoveryPlanner} asks for: dials (feelers are closed once their handshake
     * succeeds), introducer queries, address-book saves; DNS seeds while the book is
     * empty ({@link #askDnsSeeds}). Runs on the control loop; never blocks.
     */
    void runDiscoveryRound() {
        if (state.get() != State.RUNNING) {
            return;
        }
        if (config.introducer().isPresent() && !registered.get() && introducerBusy.compareAndSet(false, true)) {
            handle.registerWithIntroducer().whenComplete((ack, e) -> {
                registered.set(e == null && ack.success());
                introducerBusy.set(false);
            });
        }
        askDnsSeeds();
        List<net.dig.gossip.DiscoveryPlanner.Action> actions = discovery.tick();
        Set<InetSocketAddress> connected = new java.util.HashSet<>();
        for (PeerConnectionHandler c : peers.values()) {
            connected.add(senderAddress(c));
        }
        boolean dialling = false;
        for (net.dig.gossip.DiscoveryPlanner.Action action : actions) {
            switch (action) {
                case net.dig.gossip.DiscoveryPlanner.Dial d -> {
                    InetSocketAddress target = Discovery.socketAddress(d.address());
                    if (connected.contains(target) || isOwnAddress(target)) {
                        // already a peer (it dialled us) or ourselves: nothing to dial
                        discovery.planner().onDialFailed(d.address(), clock.millis());
                    } else {
                        dialling = true;
                        dialPlanned(d.address(), d.feeler());
                    }
                }
                case net.dig.gossip.DiscoveryPlanner.QueryIntroducer q -> queryIntroducer().whenCompleteAsync((added, e) ->
                        discovery.planner().onIntroducerAnswer(e == null ? added : 0, clock.millis()), control);
                case net.dig.gossip.DiscoveryPlanner.SaveAddressBook s -> discovery.saveInBackground();
                case net.dig.gossip.DiscoveryPlanner.AdvertiseSelf a -> advertiseSelf();
            }
        }
        topUp(dialling);
    }

    /**
     * The planner asks the introducer only while the address book is empty. A node whose book holds
     * nothing but peers already connected to it (typically inbound ones) would then stay below its
     * outbound target for good. When a round dials nobody and the target is not met, this asks one
     * random live peer for its addresses (peer exchange) and, if configured, the introducer, with a
     * backoff doubling from {@code peer_connect_interval} to the introducer backoff ceiling.
     */
    private void topUp(boolean dialling) {
        long now = clock.millis();
        int outbound = discovery.planner().outboundCount() + discovery.planner().inFlightCount();
        if (dialling || outbound >= config.targetOutboundCount()) {
            topUpBackoffMillis = config.peerConnectInterval().toMillis();
            nextTopUpMillis = now;
            return;
        }
        if (now < nextTopUpMillis) {
            return;
        }
        nextTopUpMillis = now + topUpBackoffMillis;
        topUpBackoffMillis = Math.min(topUpBackoffMillis * 2, discoveryBackoffMax.toMillis());
        List<PeerConnectionHandler> live = List.copyOf(peers.values());
        if (!live.isEmpty()) {
            handle.requestPeersFrom(live.get(random.nextInt(live.size())).peerId()).exceptionally(e -> null);
        }
        if (config.introducer().isPresent() && introducerBusy.compareAndSet(false, true)) {
            queryIntroducer().whenComplete((added, e) -> introducerBusy.set(false));
        }
    }

    private void dialPlanned(net.dig.gossip.PeerAddress address, boolean feeler) {
        InetSocketAddress target = Discovery.socketAddress(address);
        if (isOwnAddress(target)) {
            discovery.planner().onDialFailed(address, clock.millis());
            return;
        }
        dial(target, Purpose.PEER).whenCompleteAsync((connection, error) -> {
            if (error != null) {
                discovery.planner().onDialFailed(address, clock.millis());
                return;
            }
            discovery.planner().onDialSucceeded(address, clock.millis());
            if (feeler) {
                connection.disconnect();
            } else if (connection.phase() == PeerConnectionHandler.Phase.CLOSED) {
                discovery.planner().onOutboundClosed(address);
            } else {
                plannedDials.put(connection, address);
            }
        }, control);
    }

    /**
     * Sends {@code RespondPeers([our ip:port, now])} to every connected full node (Chia's daily
     * self-advertisement). Skipped when the node listens on a wildcard address: it does not know
     * which of its addresses others can reach.
     */
    private void advertiseSelf() {
        discovery.forgetDailyRelays();
        InetAddress host = config.listenAddr().getAddress();
        if (host.isAnyLocalAddress()) {
            return;
        }
        Message self = new RespondPeers(List.of(new TimestampedPeerInfo(host.getHostAddress(), listenPort, clock.epochSeconds()))).toMessage();
        for (PeerConnectionHandler c : peers.values()) {
            if (c.remoteHandshake() != null && c.remoteHandshake().nodeType() == NodeType.FULL_NODE.code()) {
                c.send(self);
            }
        }
    }

    /** Peer list intake on the control loop, then the address relay it calls for. */
    private void takePeerList(InetSocketAddress sender, List<TimestampedPeerInfo> list) {
        Map<InetSocketAddress, PeerConnectionHandler> neighbours = new java.util.HashMap<>();
        for (PeerConnectionHandler c : peers.values()) {
            if (c.remoteHandshake() != null && c.remoteHandshake().nodeType() == NodeType.FULL_NODE.code()) {
                neighbours.put(senderAddress(c), c);
            }
        }
        for (net.dig.gossip.AddressRelay.Relay relay : discovery.onPeerList(sender, list, List.copyOf(neighbours.keySet()))) {
            Message forward = new RespondPeers(List.of(relay.entry())).toMessage();
            for (net.dig.gossip.PeerAddress to : relay.to()) {
                PeerConnectionHandler c = neighbours.get(Discovery.socketAddress(to));
                if (c != null) {
                    c.send(forward);
                }
            }
        }
    }

    /** Asks the introducer for peers; completes with how many new addresses the book gained. */
    /**
     * DNS seeds (Chia's and Bitcoin's bootstrap): while the address book is empty, the next
     * {@code dns_seed_batch_size} seeds (round robin) are resolved on a virtual thread, bounded by
     * {@code dns_seed_timeout}, and every address they return enters the book through the same intake
     * as an introducer's answer, on the seed's port (or the network's default). A round that adds
     * nothing backs off, doubling from {@code peer_connect_interval} to the introducer ceiling.
     */
    private void askDnsSeeds() {
        List<String> seeds = config.dnsSeeds();
        long now = clock.millis();
        if (seeds.isEmpty() || dnsBusy || now < nextDnsMillis || discovery.knownAddresses() > 0) {
            return;
        }
        dnsBusy = true;
        List<InetSocketAddress> batch = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(config.dnsSeedBatchSize(), seeds.size()); i++) {
            batch.add(GossipConfig.dnsSeedHostPort(seeds.get((nextDnsSeed + i) % seeds.size()), config.dnsSeedDefaultPort()));
        }
        nextDnsSeed = (nextDnsSeed + batch.size()) % seeds.size();
        CompletableFuture<List<TimestampedPeerInfo>> answer = new CompletableFuture<>();
        Thread.ofVirtual().name("dns-seeds").start(() -> answer.complete(resolve(batch, clock.epochSeconds())));
        answer.orTimeout(config.dnsSeedTimeout().toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((peers, e) -> {
            dnsBusy = false;
            int added = e == null ? discovery.onIntroducerPeers(peers) : 0;
            if (added > 0) {
                dnsBackoffMillis = 0;
                nextDnsMillis = clock.millis();
            } else {
                long start = config.peerConnectInterval().toMillis();
                dnsBackoffMillis = dnsBackoffMillis == 0 ? start : Math.min(dnsBackoffMillis * 2, discoveryBackoffMax.toMillis());
                nextDnsMillis = clock.millis() + dnsBackoffMillis;
            }
        }, control);
    }

    /** Blocking name resolution of each seed; a seed that does not resolve contributes nothing. */
    private static List<TimestampedPeerInfo> resolve(List<InetSocketAddress> seeds, long nowSeconds) {
        List<TimestampedPeerInfo> found = new java.util.ArrayList<>();
        for (InetSocketAddress seed : seeds) {
            try {
                for (java.net.InetAddress a : java.net.InetAddress.getAllByName(seed.getHostString())) {
                    found.add(new TimestampedPeerInfo(a.getHostAddress(), seed.getPort(), nowSeconds));
                }
            } catch (java.net.UnknownHostException e) {
                LOG.debug("DNS seed {} did not resolve: {}", seed.getHostString(), e.getMessage());
            }
        }
        return found;
    }

    private CompletableFuture<Integer> queryIntroducer() {
        return handle.discoverFromIntroducerRaw().thenApplyAsync(discovery::onIntroducerPeers, control);
    }

    private void expireBans() {
        synchronized (reputations) {
            reputations.expire(clock.millis());
        }
    }

    /** Runs {@code task} on the control loop (the owner of discovery state); dropped once stopped. */
    void onControl(Runnable task) {
        EventLoop loop = control;
        if (loop != null && !loop.isShuttingDown()) {
            loop.execute(task);
        }
    }

    /** The address a peer listens on: for dialled peers the address we dialled, else its IP and advertised port. */
    private static InetSocketAddress senderAddress(PeerConnectionHandler c) {
        Handshake h = c.remoteHandshake();
        if (c.isOutbound() || h == null || h.serverPort() == 0) {
            return c.remoteAddress();
        }
        return new InetSocketAddress(c.remoteAddress().getAddress(), h.serverPort());
    }

    /** Runs {@code task} every {@code period} on the control loop until {@link #stop()}. */
    void every(Duration period, Runnable task) {
        periodic.add(control.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS));
    }

    void setHook(MessageHook hook) {
        this.hook = hook;
    }

    Optional<PeerConnectionHandler> connection(PeerId peer) {
        return Optional.ofNullable(peers.get(peer));
    }

    List<PeerConnectionHandler> liveConnections() {
        return List.copyOf(peers.values());
    }

    int listenPort() {
        return listenPort;
    }

    EventLoopGroup ioGroup() {
        return ioGroup;
    }

    EventLoop control() {
        return control;
    }

    boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    /** What a connection needs from the service; one instance per connection. */
    private final class ConnectionEvents implements PeerConnectionHandler.Events {
        private final boolean outbound;
        private final Purpose purpose;

        ConnectionEvents(boolean outbound, Purpose purpose) {
            this.outbound = outbound;
            this.purpose = purpose;
        }

        @Override
        public Handshake localHandshake() {
            return rules.localHandshake(GossipConstants.PROTOCOL_VERSION, config.transport().softwareVersion(),
                    listenPort, NodeType.FULL_NODE);
        }

        @Override
        public Optional<PeerConnectionHandler.Refusal> checkHandshake(PeerConnectionHandler connection, Handshake remote) {
            PeerId remoteId = connection.peerId();
            boolean banned;
            synchronized (reputations) {
                banned = reputations.isBanned(remoteId, clock.millis());
            }
            Set<NodeType> expected = purpose == Purpose.INTRODUCER
                    ? EnumSet.of(NodeType.FULL_NODE, NodeType.INTRODUCER) : EnumSet.of(NodeType.FULL_NODE);
            HandshakeRules.Verdict verdict = rules.evaluate(remote, new HandshakeRules.Context(outbound, expected, ownPeerId,
                    remoteId, purpose == Purpose.PEER && peers.containsKey(remoteId), banned));
            if (verdict instanceof HandshakeRules.Rejected rejected) {
                GossipError error = switch (rejected.reason()) {
                    case SELF_CONNECTION -> new GossipError.SelfConnection();
                    case DUPLICATE_CONNECTION -> new GossipError.DuplicateConnection(remoteId);
                    case BANNED -> new GossipError.PeerBanned(remoteId);
                    default -> new GossipError.HandshakeFailed(rejected.reason().chiaErrorCode(), rejected.detail());
                };
                int ban = rejected.reason().banSeconds() == PeerConnectionHandler.INVALID_PROTOCOL_BAN_SECONDS
                        ? (int) config.transport().shortBan().toSeconds() : rejected.reason().banSeconds();
                LOG.debug("refused handshake from {}: {}", connection.remoteAddress(), rejected.detail());
                return Optional.of(new PeerConnectionHandler.Refusal(error, rejected.reason().chiaErrorCode(), ban));
            }
            return Optional.empty();
        }

        @Override
        public Optional<GossipError> admit(PeerConnectionHandler connection) {
            if (purpose == Purpose.PEER) {
                if (peers.size() >= config.maxConnections()) {
                    return Optional.of(new GossipError.MaxConnectionsReached(config.maxConnections()));
                }
                if (peers.putIfAbsent(connection.peerId(), connection) != null) {
                    return Optional.of(new GossipError.DuplicateConnection(connection.peerId()));
                }
            }
            AdmissionHandler slot = connection.channel().pipeline().get(AdmissionHandler.class);
            if (slot != null) {
                slot.handshakeDone();
            }
            Handshake remote = connection.remoteHandshake();
            if (purpose == Purpose.PEER) {
                PeerId up = connection.peerId();
                router.neighborUp(up);
            }
            if (!outbound && purpose == Purpose.PEER) {
                InetSocketAddress listening = new InetSocketAddress(connection.remoteAddress().getAddress(), remote.serverPort());
                boolean fullNode = remote.nodeType() == NodeType.FULL_NODE.code() && remote.serverPort() > 0;
                onControl(() -> {
                    discovery.planner().onInboundOpened();
                    if (fullNode) {
                        discovery.onInboundFullNode(listening);
                    }
                });
            }
            hook.onAdmitted(connection);
            return Optional.empty();
        }

        @Override
        public void removed(PeerConnectionHandler connection) {
            links.remove(connection);
            PeerConnection last = connection.snapshot();
            synchronized (closedTotalsLock) {
                if (purpose == Purpose.PEER) {
                    peers.remove(connection.peerId(), connection);
                }
                closedMessagesSent += last.messagesSent();
                closedMessagesReceived += last.messagesReceived();
                closedBytesSent += last.bytesSent();
                closedBytesReceived += last.bytesReceived();
                closedLanes = closedLanes.plus(connection.laneStats().counters());
            }
            if (purpose == Purpose.PEER) {
                net.dig.gossip.PeerAddress planned = plannedDials.remove(connection);
                InetSocketAddress gone = connection.remoteHandshake() == null ? null : senderAddress(connection);
                PeerId down = connection.peerId();
                router.neighborDown(down);
                onControl(() -> {
                    if (gone != null) {
                        discovery.onNeighbourGone(gone);
                    }
                    if (planned != null) {
                        discovery.planner().onOutboundClosed(planned);
                    } else if (!outbound) {
                        discovery.planner().onInboundClosed();
                    }
                });
            }
        }

        @Override
        public void received(PeerConnectionHandler connection, Message message) {
            if (message.type() == ChiaMessageType.REQUEST_PEERS.code()) {
                onControl(() -> {
                    RespondPeers answer = new RespondPeers(discovery.peersToShare());
                    connection.send(message.id().isPresent() ? answer.toMessage(message.id().getAsInt()) : answer.toMessage());
                });
            } else if (message.type() == ChiaMessageType.RESPOND_PEERS.code() && purpose == Purpose.PEER) {
                try {
                    RespondPeers peersMessage = message.body(WireLimits.DEFAULT, RespondPeers::decode);
                    InetSocketAddress sender = senderAddress(connection);
                    onControl(() -> takePeerList(sender, peersMessage.peerList()));
                } catch (WireException e) {
                    misbehaved(connection, Misbehaviour.MALFORMED_MESSAGE, e.getMessage());
                    connection.disconnect();
                    return;
                }
            }
            if (hook.handle(connection, message) || purpose != Purpose.PEER) {
                return;
            }
            if (net.dig.gossip.PlumtreeDriver.routes(message)) {
                router.message(connection.peerId(), message);
                return;
            }
            bus.deliver(connection.peerId(), message);
        }

        @Override
        public void misbehaved(PeerConnectionHandler connection, Misbehaviour kind, String detail) {
            PenaltyReason reason = switch (kind) {
                case MALFORMED_MESSAGE -> PenaltyReason.MALFORMED_MESSAGE;
                case OVERSIZE_FRAME, PROTOCOL_VIOLATION -> PenaltyReason.PROTOCOL_VIOLATION;
                case RATE_LIMIT_EXCEEDED -> PenaltyReason.RATE_LIMIT_EXCEEDED;
                case KEEPALIVE_TIMEOUT -> PenaltyReason.CONNECTION_ISSUE;
            };
            LOG.debug("peer {} misbehaved ({}): {}", connection.peerId(), kind, detail);
            String ip = connection.remoteAddress() == null ? null : connection.remoteAddress().getAddress().getHostAddress();
            if (connection.peerId() != null) {
                penalize(connection.peerId(), ip, reason);
            }
            if (kind == Misbehaviour.RATE_LIMIT_EXCEEDED && ip != null) {
                synchronized (reputations) {
                    reputations.banIp(ip, TimeUnit.SECONDS.toMillis(RATE_LIMIT_BAN_SECONDS), clock.millis());
                }
            }
        }

        @Override
        public void handshakeRefused(InetSocketAddress remote, PeerConnectionHandler.Refusal refusal) {
            if (refusal.banSeconds() > 0) {
                synchronized (reputations) {
                    reputations.banIp(remote.getAddress().getHostAddress(), TimeUnit.SECONDS.toMillis(refusal.banSeconds()), clock.millis());
                }
            }
        }

        @Override
        public Optional<GossipError> precheck(PeerConnectionHandler connection) {
            PeerId remote = connection.peerId();
            if (remote.equals(ownPeerId)) {
                return Optional.of(new GossipError.SelfConnection());
            }
            if (purpose == Purpose.PEER && peers.containsKey(remote)) {
                return Optional.of(new GossipError.DuplicateConnection(remote));
            }
            synchronized (reputations) {
                if (reputations.isBanned(remote, clock.millis())) {
                    return Optional.of(new GossipError.PeerBanned(remote));
                }
            }
            return Optional.empty();
        }

        @Override
        public void rttSample(PeerConnectionHandler connection, long rttMillis) {
            synchronized (reputations) {
                reputations.recordRtt(connection.peerId(), rttMillis, clock.millis());
            }
        }
    }

    private void penalize(PeerId peer, String ip, PenaltyReason reason) {
        PeerReputations.PenaltyOutcome outcome;
        synchronized (reputations) {
            outcome = reputations.penalize(peer, ip, reason, clock.millis());
        }
        if (outcome.bannedNow()) {
            PeerConnectionHandler live = peers.get(peer);
            if (live != null) {
                live.disconnect();
            }
        }
    }

    /** Lets a server built on this service (the introducer) see messages before the application. */
    interface MessageHook {
        MessageHook NONE = new MessageHook() { };

        /** True if the hook consumed the message. */
        default boolean handle(PeerConnectionHandler connection, Message message) {
            return false;
        }

        default void onAdmitted(PeerConnectionHandler connection) { }
    }

    // ---- the handle ------------------------------------------------------------------------

    private final class Handle implements GossipHandle {
        private <T> Optional<CompletableFuture<T>> notRunning() {
            if (state.get() == State.RUNNING) {
                return Optional.empty();
            }
            return Optional.of(CompletableFuture.failedFuture(new GossipException(new GossipError.ServiceNotStarted())));
        }

        /** {@link #live(PeerId)}, refusing a DIG opcode to a peer that does not speak DIG. */
        private CompletableFuture<PeerConnectionHandler> live(PeerId peer, Message message) {
            return live(peer).thenCompose(c -> {
                GossipError refused = digGate(c, message);
                return refused == null ? CompletableFuture.completedFuture(c) : CompletableFuture.failedFuture(new GossipException(refused));
            });
        }

        private CompletableFuture<PeerConnectionHandler> live(PeerId peer) {
            PeerConnectionHandler c = peers.get(peer);
            return c == null ? CompletableFuture.failedFuture(new GossipException(new GossipError.PeerNotConnected(peer)))
                    : CompletableFuture.completedFuture(c);
        }

        @Override
        public CompletableFuture<Void> healthCheck() {
            return this.<Void>notRunning().orElseGet(() -> listener != null && listener.isActive()
                    ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new GossipException(new GossipError.ChannelClosed())));
        }

        @Override
        public CompletableFuture<GossipStats> stats() {
            return this.<GossipStats>notRunning().orElseGet(() -> {
                long sent;
                long received;
                long bytesOut;
                long bytesIn;
                int in = 0;
                int out = 0;
                net.dig.gossip.LaneStats lanes;
                synchronized (closedTotalsLock) {
                    sent = closedMessagesSent;
                    received = closedMessagesReceived;
                    bytesOut = closedBytesSent;
                    bytesIn = closedBytesReceived;
                    lanes = closedLanes;
                    for (PeerConnectionHandler c : peers.values()) {
                        PeerConnection s = c.snapshot();
                        sent += s.messagesSent();
                        received += s.messagesReceived();
                        bytesOut += s.bytesSent();
                        bytesIn += s.bytesReceived();
                        lanes = lanes.plus(c.laneStats());
                        if (s.isOutbound()) {
                            out++;
                        } else {
                            in++;
                        }
                    }
                }
                int bannedPeers;
                int bannedIps;
                synchronized (reputations) {
                    bannedPeers = reputations.bannedPeerCount(clock.millis());
                    bannedIps = reputations.bannedIpCount(clock.millis());
                }
                return CompletableFuture.completedFuture(new GossipStats(in + out + admission.inflight(), in + out, in, out,
                        sent, received, bytesOut, bytesIn, discovery.knownAddresses(), router.lastStats().seenMessages(), false, 0, bannedPeers, bannedIps,
                        admission.refused(), admission.inflight(), lanes, router.lastStats()));
            });
        }

        @Override
        public InboundReceiver inboundReceiver() {
            if (state.get() != State.RUNNING) {
                throw new GossipException(new GossipError.ServiceNotStarted());
            }
            AtomicReference<InboundReceiver> self = new AtomicReference<>();
            InboundReceiver receiver = new InboundReceiver(bus, () -> receivers.remove(self.get()));
            self.set(receiver);
            receivers.add(receiver);
            return receiver;
        }

        @Override
        public CompletableFuture<Integer> broadcast(Message message, Optional<PeerId> excludePeer) {
            return this.<Integer>notRunning().orElseGet(() -> {
                if (net.dig.gossip.PlumtreeRouter.isControl(message.type()) || message.id().isPresent()) {
                    return CompletableFuture.failedFuture(new GossipException(new GossipError.MessageRejected(
                            "type " + message.type() + (message.id().isPresent() ? " with a request id" : " is Plumtree control")
                                    + " cannot be broadcast")));
                }
                return router.broadcast(message, excludePeer);
            });
        }

        @Override
        public void registerValidator(int type, net.dig.gossip.MessageValidator validator) {
            bus.registerValidator(type, validator);
        }

        @Override
        public net.dig.gossip.MessageBus.Subscription subscribe(java.util.function.IntPredicate types, net.dig.gossip.MessageHandler handler) {
            return bus.subscribe(types, handler);
        }

        @Override
        public MessageBusStats messageBusStats() {
            net.dig.gossip.PlumtreeDriver r = router;
            return new MessageBusStats(bus.stats(), r == null ? net.dig.gossip.ValidationStats.NONE : r.lastValidationStats());
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
            return dial(address, Purpose.PEER).thenApply(PeerConnectionHandler::peerId);
        }

        @Override
        public CompletableFuture<Void> disconnect(PeerId peer) {
            return this.<Void>notRunning().orElseGet(() -> live(peer).thenAccept(PeerConnectionHandler::disconnect));
        }

        @Override
        public CompletableFuture<Void> banPeer(PeerId peer, PenaltyReason reason) {
            return this.<Void>notRunning().orElseGet(() -> {
                PeerConnectionHandler c = peers.get(peer);
                String ip = c == null || c.remoteAddress() == null ? null : c.remoteAddress().getAddress().getHostAddress();
                synchronized (reputations) {
                    reputations.ban(peer, ip, clock.millis());
                }
                LOG.info("banned {} ({})", peer.shortHex(), reason);
                if (c != null) {
                    c.disconnect();
                }
                return CompletableFuture.completedFuture(null);
            });
        }

        @Override
        public CompletableFuture<Void> penalizePeer(PeerId peer, PenaltyReason reason) {
            return this.<Void>notRunning().orElseGet(() -> {
                PeerConnectionHandler c = peers.get(peer);
                String ip = c == null || c.remoteAddress() == null ? null : c.remoteAddress().getAddress().getHostAddress();
                penalize(peer, ip, reason);
                return CompletableFuture.completedFuture(null);
            });
        }

        @Override
        public CompletableFuture<List<PeerConnection>> connectedPeers() {
            return this.<List<PeerConnection>>notRunning().orElseGet(() ->
                    CompletableFuture.completedFuture(peers.values().stream().map(PeerConnectionHandler::snapshot).toList()));
        }

        @Override
        public CompletableFuture<Integer> peerCount() {
            return this.<Integer>notRunning().orElseGet(() -> CompletableFuture.completedFuture(peers.size()));
        }

        @Override
        public CompletableFuture<List<TimestampedPeerInfo>> discoverFromIntroducer() {
            return discoverFromIntroducerRaw().thenComposeAsync(list -> {
                discovery.onIntroducerPeers(list);
                return CompletableFuture.completedFuture(list);
            }, control);
        }

        CompletableFuture<List<TimestampedPeerInfo>> discoverFromIntroducerRaw() {
            return this.<List<TimestampedPeerInfo>>notRunning().orElseGet(() -> withIntroducer(link ->
                    link.request(new RequestPeersIntroducer().toMessage())
                            .thenApply(reply -> decodeReply(link.peerId(), reply, RespondPeersIntroducer::decode).peerList())));
        }

        @Override
        public CompletableFuture<RegisterAck> registerWithIntroducer() {
            return this.<RegisterAck>notRunning().orElseGet(() -> withIntroducer(link -> {
                InetAddress host = config.listenAddr().getAddress();
                String ip = host.isAnyLocalAddress() ? "" : host.getHostAddress();
                Message register = new RegisterPeer(ip, listenPort, NodeType.FULL_NODE.code()).toMessage();
                GossipError refused = digGate(link, register);
                return (refused != null ? CompletableFuture.<Message>failedFuture(new GossipException(refused)) : link.request(register))
                        .thenApply(reply -> decodeReply(link.peerId(), reply, RegisterAck::decode));
            }));
        }

        @Override
        public CompletableFuture<RespondPeers> requestPeersFrom(PeerId peer) {
            return request(peer, new RequestPeers(), RespondPeers::decode).thenApply(answer -> {
                PeerConnectionHandler c = peers.get(peer);
                if (c != null) {
                    InetSocketAddress sender = senderAddress(c);
                    onControl(() -> takePeerList(sender, answer.peerList()));
                }
                return answer;
            });
        }

        private <T> CompletableFuture<T> withIntroducer(Function<PeerConnectionHandler, CompletableFuture<T>> exchange) {
            if (config.introducer().isEmpty()) {
                return CompletableFuture.failedFuture(new GossipException(new GossipError.NotConfigured("introducer")));
            }
            InetSocketAddress target = config.introducer().get().address();
            return dial(target, Purpose.INTRODUCER)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(new GossipException(new GossipError.DiscoveryError(
                            "introducer " + target + ": " + (e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e).getMessage()))))
                    .thenCompose(link -> exchange.apply(link).whenComplete((r, e) -> link.disconnect()));
        }
    }

    static <T> T decodeReply(PeerId peer, Message reply, Function<StreamableReader, T> decoder) {
        try {
            return reply.body(WireLimits.DEFAULT, decoder);
        } catch (WireException | IllegalArgumentException e) {
            throw new GossipException(new GossipError.UnexpectedReply(peer, reply.type(), e.getMessage()));
        }
    }
}
