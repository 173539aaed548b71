package net.dig.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.BanPolicy;
import net.dig.gossip.HandshakeRules;
import net.dig.gossip.MessageBus;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PeerId;
import net.dig.gossip.PeerReputation;
import net.dig.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gossip service of the dig-gossip seed: its lifecycle. It loads the TLS identity, assembles the parts,
 * binds the P2P listener, runs the periodic tasks, and hands out a {@link GossipHandle}.
 *
 * <h2>The parts</h2>
 * <pre>
 *  GossipService    lifecycle: identity, event loops, listener, periodic tasks, stop
 *  PeerTable        admitted peers, open links, dials in flight, totals of closed connections
 *  Reputations      the one holder of PeerReputations (lock-free), penalties, bans, RTT
 *  Dialer           outbound connects; names resolved off the event loops
 *  DiscoveryLoop    planner rounds, introducer, peer exchange, DNS seeds (control loop)
 *  PlumtreeBridge   PlumtreeDriver on the control loop, its sends, deliveries and penalties
 *  BlockRelayService  CompactBlockRelay (209/210) on the control loop, fed by the message bus
 *  DandelionService DandelionRouter (213) on the control loop; fluffed transactions announced by Plumtree
 *  InboundDispatch  where an inbound message goes (discovery, hook, Plumtree, message bus)
 *  Connections      each connection's PeerConnectionHandler and the Events it calls
 *  ServiceHandle    the GossipHandle implementation
 *  MessageBus       validators and handlers of the application (dig-gossip)
 *  NodeMessaging    signed node messages (240): validator, directory, announcements (when turned on)
 *  HoldingsExchange holdings (222): the holdings book, this node's own announcements (when turned on)
 *  TlsCredentials   the TLS identity in use and its server and client contexts, replaceable
 *  PeerIdRotation   a fresh certificate every interval, reconnecting under it (when turned on)
 * </pre>
 * One listener ({@link PeerChannels} pipelines: admission before TLS, mTLS 1.3, WebSocket at
 * {@code /ws}, frame cap) and any number of dialled connections, each driven by a
 * {@link PeerConnectionHandler}. Handshakes are checked by {@link HandshakeRules}; penalties of 100 points
 * ban for 3600 s, refused handshakes and rate-limit violations get short IP bans, enforced when dialling,
 * at the WebSocket upgrade (HTTP 403) and at the handshake.
 *
 * <h2>API style</h2>
 * {@link #start()} and {@link #stop()} block (binding and shutting down take milliseconds and
 * callers want to know they happened); every {@link GossipHandle} operation returns a
 * {@link CompletableFuture} and never blocks. Failures are {@link GossipException}s carrying a
 * {@link GossipError}.
 *
 * <h2>Concurrency</h2>
 * Each connection's state belongs to its Netty event loop. Shared state is thread-safe where it lives
 * (the peer table, the reputations, the message bus). The Plumtree router and the discovery state belong
 * to the control event loop; connection loops hand them events with {@code execute}. Blocking work (name
 * resolution, address-book writes) runs on a virtual-thread executor, never on an event loop. Periodic work
 * (keepalive rounds, ban expiry, discovery) runs on the control loop and reads time from the injected
 * {@link Clock}; tests call {@link #runKeepaliveRound()} after moving a {@code ManualClock} instead of
 * sleeping.
 *
 * <h2>Failure modes</h2>
 * A misbehaving peer costs penalty points (mapped from {@link Misbehaviour}) and its connection;
 * nothing a peer sends can throw out of an event loop or stop the listener. A refused handshake
 * bans the address for a short time (Chia: 10 s), a rate-limit violation the address and the PeerId for
 * 300 s; addresses in {@code transport.ipBanExempt} are only banned by PeerId. Connections that never
 * finish their handshake are bounded per source and in time ({@link Admission}, {@link AdmissionLimits}),
 * and every connection, admitted or not, is released when it closes ({@link #liveCounts()}).
 */
public final class GossipService {
    private static final Logger LOG = LoggerFactory.getLogger(GossipService.class);

    final GossipConfig config;
    final Clock clock;
    /** The identity the service started with ({@link #peerId()} is the one in use now). */
    final TlsIdentity identity;
    private final ServiceContext ctx;
    private final ExecutorService blocking;
    private final TlsCredentials tls;
    private final Optional<PeerIdRotation> rotation;
    private final PeerTable peers = new PeerTable();
    private final Reputations reputations;
    private final Admission admission;
    private final MessageBus bus;
    private final PlumtreeBridge plumtree;
    private final BlockRelayService blockRelay;
    private final DandelionService dandelion;
    private final Dialer dialer;
    private final DiscoveryLoop discovery;
    private final Connections connections;
    private final ServiceHandle handle;
    private final RelayTunnels relay;
    private final EventLoopGroup sharedIo;
    private final List<Future<?>> periodic = new CopyOnWriteArrayList<>();
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private volatile Channel listener;
    private volatile NodeMessaging nodeMessaging;
    private volatile DhtService dht;
    private volatile HoldingsExchange holdings;

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
        this(config, clock, random, sharedIo, MessageBusConfig.defaults());
    }

    /** As above, with the bounds of the message bus (validations in flight, undelivered messages per type). */
    public GossipService(GossipConfig config, Clock clock, RandomGenerator random, EventLoopGroup sharedIo,
            MessageBusConfig busConfig) {
        this.sharedIo = sharedIo;
        this.config = config;
        this.clock = clock;
        this.identity = loadIdentity(config, clock);
        PeerId ownPeerId = new PeerId(identity.peerId());
        if (config.peerId().isPresent() && !config.peerId().get().equals(ownPeerId)) {
            throw new GossipException(new GossipError.ClientError("configured peer_id " + config.peerId().get()
                    + " does not match the certificate's PeerId " + ownPeerId));
        }
        TransportSettings t = config.transport();
        this.blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dig-gossip-blocking-", 0).factory());
        this.ctx = new ServiceContext(config, clock, random, ownPeerId, blocking);
        this.reputations = new Reputations(new BanPolicy(GossipConstants.PENALTY_BAN_THRESHOLD,
                GossipConstants.BAN_DURATION, t.ipBanExempt(), 10), clock, peers);
        this.tls = new TlsCredentials(identity, t.peerTrust());
        this.bus = new MessageBus(busConfig);
        this.plumtree = new PlumtreeBridge(ctx, peers, reputations, bus);
        this.blockRelay = new BlockRelayService(ctx, peers, reputations, bus);
        this.dandelion = new DandelionService(ctx, peers, reputations, bus, plumtree);
        this.dialer = new Dialer(ctx, peers, reputations, tls, (outbound, purpose) -> connections().open(outbound, purpose));
        this.discovery = new DiscoveryLoop(ctx, peers, dialer);
        this.connections = new Connections(ctx, new HandshakeRules(HandshakeRules.Settings.of(config.networkId())), peers,
                reputations, plumtree, discovery, new InboundDispatch(ctx, discovery, plumtree, reputations, bus));
        this.admission = new Admission(t.maxInflightHandshakes(), t.admission(),
                address -> reputations.isIpBanned(address.getHostAddress()), clock);
        this.relay = new RelayTunnels(ctx, dialer, (outbound, purpose) -> connections().open(outbound, purpose), tls,
                admission, config.relay());
        this.handle = new ServiceHandle(ctx, peers, reputations, dialer, discovery, plumtree, bus, admission,
                () -> listener != null && listener.isActive(), relay::stats, blockRelay::lastStats, dandelion::lastStats);
        Optional<Path> identityDir = config.certPath().isEmpty() ? t.identityDir() : Optional.empty();
        this.rotation = config.peerIdRotation().map(r -> new PeerIdRotation(ctx, peers, tls, r, identityDir,
                target -> dialer.dial(target, Purpose.PEER).exceptionally(e -> null), this::rotated));
    }

    /** A PeerId rotation took effect: the DHT, when on, takes the new id and leaf key. */
    private void rotated(TlsIdentity next) {
        DhtService d = dht;
        if (d != null) {
            d.rekey(new PeerId(next.peerId()), next.providerSigner());
        }
    }

    /** The Plumtree router's last published counters. */
    net.dig.gossip.PlumtreeStats plumtreeStats() {
        return plumtree.lastStats();
    }

    /** ERLAY's counters when {@code network.erlay} is on; empty otherwise. */
    Optional<net.dig.gossip.ErlayReconciler.Stats> erlayStats() {
        return plumtree.erlayStats();
    }

    /** ERLAY's two salts for the connection with {@code peer}, once both sides have sent theirs. */
    CompletableFuture<Optional<net.dig.gossip.ErlayReconciler.Salts>> erlaySalts(PeerId peer) {
        return plumtree.erlaySalts(peer);
    }

    private Connections connections() {
        return connections;
    }

    private static TlsIdentity loadIdentity(GossipConfig config, Clock clock) {
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
            return loaded;
        } catch (TlsIdentityException e) {
            throw new GossipException(new GossipError.ClientError(e.getMessage()));
        }
    }

    /**
     * Turns on signed node messages (opcode 240, {@link NodeMessaging}): their validator on the bus, and this
     * node's announcement, signed with {@code key}, to every peer after its handshake; the profile is read
     * again every 30 s and announced when it changed. Call once, before {@link #start()}.
     */
    public NodeMessaging nodeMessages(NodeIdentity key, NodeMessageConfig messageConfig, Supplier<NodeProfile> profile) {
        if (ctx.state.get() != ServiceContext.State.NEW || nodeMessaging != null) {
            throw new IllegalStateException("node messages are turned on once, before start");
        }
        nodeMessaging = new NodeMessaging(ctx, peers, reputations, bus, tls, key, messageConfig, profile);
        return nodeMessaging;
    }

    /**
     * Turns on the Kademlia DHT over the P2P connections (opcode 241, {@link DhtService}); provider records are
     * signed with the TLS leaf key in use (a PeerId rotation moves the DHT to the new PeerId and key,
     * {@link DhtService#rekey}). A leaf that is not P-256 cannot sign them: the DHT then looks up but announces nothing ({@link DhtService#provide} fails). Call once, before {@link #start()}.
     */
    public DhtService dht(net.dig.gossip.DhtConfig dhtConfig) {
        if (ctx.state.get() != ServiceContext.State.NEW || dht != null) {
            throw new IllegalStateException("the DHT is turned on once, before start");
        }
        java.util.Optional<net.dig.gossip.ProviderSigner> signer = identity.providerSigner();
        if (signer.isEmpty()) {
            LOG.warn("dht_announce_unavailable: the TLS leaf key is not P-256: this node finds DHT providers but cannot announce itself");
        }
        DhtService service = new DhtService(ctx, peers, reputations, dialer, relay::dial, bus, dhtConfig, signer,
                () -> DhtService.ownAddresses(ctx, relay.advertised()));
        relay.onRegistered(address -> service.readvertise());
        dht = service;
        return dht;
    }

    /**
     * Turns on holdings (opcode 222, {@link HoldingsExchange}): the holdings book as the 222 validator, and
     * this node's holdings ({@code ownHoldings}, read on the blocking executor) announced to each peer after its
     * handshake and to every peer every {@code ttlSeconds / 2}. Call once, before {@link #start()}.
     */
    public HoldingsExchange holdings(net.dig.gossip.HoldingsConfig holdingsConfig, long ttlSeconds,
            Supplier<java.util.Collection<net.dig.core.Bytes32>> ownHoldings) {
        if (ctx.state.get() != ServiceContext.State.NEW || holdings != null) {
            throw new IllegalStateException("holdings are turned on once, before start");
        }
        holdings = new HoldingsExchange(ctx, peers, bus, tls, holdingsConfig, ttlSeconds, ownHoldings);
        return holdings;
    }

    /** Binds the listener and starts the periodic tasks. Blocks until bound. */
    public GossipHandle start() {
        if (!ctx.state.compareAndSet(ServiceContext.State.NEW, ServiceContext.State.RUNNING)) {
            throw new GossipException(ctx.state.get() == ServiceContext.State.RUNNING
                    ? new GossipError.AlreadyStarted() : new GossipError.ServiceNotStarted());
        }
        if (sharedIo != null) {
            acceptGroup = sharedIo;
            ioGroup = sharedIo;
        } else {
            acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("dig-p2p-accept", true), NioIoHandler.newFactory());
            ioGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("dig-p2p-io", true), NioIoHandler.newFactory());
        }
        EventLoop control = ioGroup.next();
        ctx.started(control, ioGroup);
        plumtree.start(control);
        blockRelay.start();
        dandelion.start();
        try {
            listener = new ServerBootstrap().group(acceptGroup, ioGroup).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            PeerChannels.accepting(ch, tls.server(), config.transport(), clock, admission, () -> connections.open(false, Purpose.PEER));
                        }
                    })
                    .bind(config.listenAddr()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            plumtree.stop();
            shutdownGroups();
            blocking.shutdownNow();
            ctx.state.set(ServiceContext.State.STOPPED);
            throw new GossipException(new GossipError.Io(new IOException("cannot bind " + config.listenAddr() + ": " + e.getMessage(), e)));
        }
        ctx.bound(((InetSocketAddress) listener.localAddress()).getPort());
        periodic.add(control.scheduleAtFixedRate(this::runKeepaliveRound, 1, 1, TimeUnit.SECONDS));
        periodic.add(control.scheduleAtFixedRate(reputations::expire, 10, 10, TimeUnit.SECONDS));
        rotation.ifPresent(r -> periodic.add(control.scheduleWithFixedDelay(r::check, 10, 10, TimeUnit.SECONDS)));
        NodeMessaging messaging = nodeMessaging;
        if (messaging != null) {
            periodic.add(control.scheduleWithFixedDelay(messaging::refresh, 30, 30, TimeUnit.SECONDS));
        }
        if (dht != null) {
            dht.start();
        }
        HoldingsExchange holdingsExchange = holdings;
        if (holdingsExchange != null) {
            long half = holdingsExchange.ttlSeconds() / 2;
            periodic.add(control.scheduleWithFixedDelay(holdingsExchange::refreshAll, half, half, TimeUnit.SECONDS));
        }
        relay.start();
        if (config.targetOutboundCount() > 0) {
            long every = config.peerConnectInterval().toMillis();
            periodic.add(control.scheduleWithFixedDelay(discovery::runRound, 0, every, TimeUnit.MILLISECONDS));
        }
        LOG.atInfo().setMessage("gossip_listening").addKeyValue("address", listener.localAddress().toString())
                .addKeyValue("peer_id", ctx.ownPeerId.toHex()).log();
        return handle;
    }

    /** Disconnects every peer, closes the listener and stops the event loops. Blocks until done. */
    public void stop() {
        if (ctx.state.getAndSet(ServiceContext.State.STOPPED) != ServiceContext.State.RUNNING) {
            return;
        }
        for (Future<?> task : periodic) {
            task.cancel(false);
        }
        plumtree.stop();
        blockRelay.stop();
        dandelion.stop();
        if (dht != null) {
            dht.stop();
        }
        handle.closeReceivers();
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        for (PeerConnectionHandler link : peers.links()) {
            if (link.channel() != null) {
                link.channel().close();
            }
        }
        discovery.saveOnStop();
        relay.stop();
        shutdownGroups();
        blocking.shutdown();
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

    /** Compact block relay (209/210): the mempool it rebuilds from, the blocks it receives, the blocks to relay. */
    public BlockRelayService blockRelay() {
        return blockRelay;
    }

    /** Dandelion++ (213): own transactions to stem, and those that fluff here. */
    public DandelionService dandelion() {
        return dandelion;
    }

    /** The handle (usable only while running). */
    public GossipHandle handle() {
        return handle;
    }

    /** The bound address (resolves port 0). */
    public InetSocketAddress listenAddress() {
        return new InetSocketAddress(config.listenAddr().getAddress(), ctx.listenPort());
    }

    /** This node's PeerId now (it changes at each rotation, {@code network.peer_id_rotation}). */
    public PeerId peerId() {
        return ctx.ownPeerId;
    }

    /** The seed's {@code relay_stats()}: empty when no relay is configured (docs/decisions.md D50r). */
    public Optional<RelayStats> relayStats() {
        return relay.stats();
    }

    /** Completes with this node's relayed address once its relay accepted the registration (again after a drop). */
    public CompletableFuture<RelayAddress> relayRegistration() {
        return relay.registration();
    }

    /**
     * Connects to a node behind a NAT through its relay; completes with its PeerId once the handshake inside the
     * relayed session, checked end to end against {@code target.peer()}'s certificate, is admitted. Refusals are
     * {@link GossipError.RelayError}s naming the relay's reason. A node connected to already (another dial, the
     * DHT's, may have reached it first, and the target then refuses the second session) completes at once.
     */
    public CompletableFuture<PeerId> connectViaRelay(RelayAddress target) {
        if (!ctx.isRunning()) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.ServiceNotStarted()));
        }
        if (peers.contains(target.peer())) {
            return CompletableFuture.completedFuture(target.peer());
        }
        return relay.dial(target).exceptionallyCompose(e -> peers.contains(target.peer())
                ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(e)).thenApply(connection -> {
            if (connection == null) {
                return target.peer();
            }
            if (!connection.peerId().equals(target.peer())) {
                connection.disconnect();
                throw new GossipException(new GossipError.RelayError("the relay connected us to " + connection.peerId()
                        + ", not " + target.peer()));
            }
            return connection.peerId();
        });
    }

    // ---- for the introducer server and tests (package) -----------------------------------------

    /** One rotation check ({@link PeerIdRotation#check}) on the control loop; tests call it after moving the clock. */
    void checkRotation() {
        rotation.ifPresent(r -> ctx.onControl(r::check));
    }

    /** One keepalive step on every connection: ping when due, close the silent ones. */
    void runKeepaliveRound() {
        for (PeerConnectionHandler link : peers.links()) {
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
        if (ctx.state.get() != ServiceContext.State.NEW) {
            throw new IllegalStateException("tune discovery before start");
        }
        discovery.tune(redialInterval, introducerBackoffMax);
    }

    /** One round of the discovery loop, on the calling thread (tests call it on the control loop). */
    void runDiscoveryRound() {
        discovery.runRound();
    }

    CompletableFuture<PeerConnectionHandler> dial(InetSocketAddress target, Purpose purpose) {
        return dialer.dial(target, purpose);
    }

    /**
     * What the service holds for connections, for leak checks: links still tracked, admitted peers, handlers
     * not yet released, handshake slots, sources with a slot, addresses with penalty points.
     */
    record LiveCounts(int links, int peers, int handlers, int handshakeSlots, int admissionSources, int penalisedAddresses) {}

    LiveCounts liveCounts() {
        return new LiveCounts(peers.links().size(), peers.size(), connections.liveHandlers(), admission.inflight(),
                admission.trackedSources(), reputations.addressesWithPoints());
    }

    Admission admission() {
        return admission;
    }

    long openedConnections() {
        return connections.openedHandlers();
    }

    int evictedPeers() {
        return connections.evictedPeers();
    }

    boolean ipBanned(String ip) {
        return reputations.isIpBanned(ip);
    }

    /** This node's view of a peer's reputation. */
    PeerReputation reputationOf(PeerId peer) {
        return reputations.reputationOf(peer);
    }

    /** Runs {@code task} on the control loop; dropped once stopped. */
    void onControl(Runnable task) {
        ctx.onControl(task);
    }

    /** Runs {@code task} every {@code period} on the control loop until {@link #stop()}. */
    void every(Duration period, Runnable task) {
        periodic.add(ctx.control().scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS));
    }

    void setHook(MessageHook hook) {
        ctx.hook(hook);
    }

    Optional<PeerConnectionHandler> connection(PeerId peer) {
        return peers.get(peer);
    }

    List<PeerConnectionHandler> liveConnections() {
        return peers.live();
    }

    int listenPort() {
        return ctx.listenPort();
    }

    EventLoopGroup ioGroup() {
        return ioGroup;
    }

    EventLoop control() {
        return ctx.control();
    }

    boolean isRunning() {
        return ctx.isRunning();
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
}
