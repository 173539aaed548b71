package net.dig.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import net.dig.gossip.AddressRelay;
import net.dig.gossip.DiscoveryPlanner;
import net.dig.gossip.OnionAddress;
import net.dig.gossip.PeerAddress;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.RegisterAck;
import net.dig.wire.RegisterPeer;
import net.dig.wire.RequestPeers;
import net.dig.wire.RequestPeersIntroducer;
import net.dig.wire.RespondPeers;
import net.dig.wire.RespondPeersIntroducer;
import net.dig.wire.TimestampedPeerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery loop of the seed (bootstrap peers, introducer, peer exchange, DNS seeds): executes what
 * dig-gossip's {@link DiscoveryPlanner} asks for every {@code peer_connect_interval}, registers with the
 * introducer, tops the outbound count up when the planner has nobody to dial, answers RequestPeers and takes
 * in peer lists, and keeps the planner informed of connections opening and closing.
 *
 * <h2>Concurrency</h2>
 * {@link Discovery} and the planner are not thread-safe: every method that touches them runs on the control
 * event loop (callers on other loops go through {@link ServiceContext#onControl}). Nothing here blocks that
 * loop: names (introducer, DNS seeds) are resolved on {@link ServiceContext#blocking} (the introducer's by
 * {@link Dialer}), and the address book is encoded on the loop and written there too.
 *
 * <h2>Failure modes</h2>
 * A failed dial, introducer exchange or DNS round is reported to the planner or backs off (doubling from
 * {@code peer_connect_interval} to the introducer backoff ceiling); none stops the loop.
 */
final class DiscoveryLoop {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryLoop.class);
    static final Duration DEFAULT_REDIAL_INTERVAL = Duration.ofMinutes(30);
    static final Duration DEFAULT_INTRODUCER_BACKOFF_MAX = Duration.ofSeconds(300);

    private final ServiceContext ctx;
    private final GossipConfig config;
    private final PeerTable peers;
    private final Dialer dialer;
    private volatile Discovery discovery;
    private Duration backoffMax = DEFAULT_INTRODUCER_BACKOFF_MAX;
    private long nextTopUpMillis;
    private long topUpBackoffMillis = 1000;
    private boolean dnsBusy;
    private long nextDnsMillis;
    private long dnsBackoffMillis;
    private int nextDnsSeed;
    private final Map<PeerConnectionHandler, PeerAddress> plannedDials = new ConcurrentHashMap<>();
    private final AtomicBoolean registered = new AtomicBoolean();
    private final AtomicBoolean introducerBusy = new AtomicBoolean();

    DiscoveryLoop(ServiceContext ctx, PeerTable peers, Dialer dialer) {
        this.ctx = ctx;
        this.config = ctx.config;
        this.peers = peers;
        this.dialer = dialer;
        this.discovery = new Discovery(config, ctx.clock, ctx.random, DEFAULT_REDIAL_INTERVAL, DEFAULT_INTRODUCER_BACKOFF_MAX);
    }

    /** Discovery timing for tests and devnets, before start. */
    void tune(Duration redialInterval, Duration introducerBackoffMax) {
        this.discovery = new Discovery(config, ctx.clock, ctx.random, redialInterval, introducerBackoffMax);
        this.backoffMax = introducerBackoffMax;
    }

    int knownAddresses() {
        return discovery.knownAddresses();
    }

    /** Encodes the book on the control loop and writes it on the calling thread (shutdown). */
    void saveOnStop() {
        if (config.targetOutboundCount() > 0 && ctx.control() != null) {
            EventLoopBlocking.check("wait for the address book");
            io.netty.util.concurrent.Future<byte[]> encoded = ctx.control().submit(discovery::encode);
            if (encoded.awaitUninterruptibly(5, TimeUnit.SECONDS) && encoded.isSuccess()) {
                discovery.write(encoded.getNow());
            }
        }
    }

    /**
     * One round: registers with the introducer until it acknowledges, then executes the planner's actions:
     * dials (feelers are closed once their handshake succeeds), introducer queries, address-book saves,
     * self-advertisement; DNS seeds while the book is empty ({@link #askDnsSeeds}). On the control loop.
     */
    void runRound() {
        if (!ctx.isRunning()) {
            return;
        }
        if (config.introducer().isPresent() && !registered.get() && introducerBusy.compareAndSet(false, true)) {
            registerWithIntroducer().whenComplete((ack, e) -> {
                registered.set(e == null && ack.success());
                introducerBusy.set(false);
            });
        }
        askDnsSeeds();
        List<DiscoveryPlanner.Action> actions = discovery.tick();
        Set<InetSocketAddress> connected = new HashSet<>();
        for (PeerConnectionHandler c : peers.live()) {
            connected.add(PeerTable.listeningAddress(c));
        }
        boolean dialling = false;
        for (DiscoveryPlanner.Action action : actions) {
            switch (action) {
                case DiscoveryPlanner.Dial d -> {
                    InetSocketAddress target = Discovery.socketAddress(d.address());
                    if (connected.contains(target) || dialer.isOwnAddress(target)) {
                        // already a peer (it dialled us) or ourselves: nothing to dial
                        discovery.planner().onDialFailed(d.address(), ctx.clock.millis());
                    } else {
                        dialling = true;
                        dialPlanned(d.address(), d.feeler());
                    }
                }
                case DiscoveryPlanner.QueryIntroducer q -> queryIntroducer().whenCompleteAsync((added, e) ->
                        discovery.planner().onIntroducerAnswer(e == null ? added : 0, ctx.clock.millis()), ctx.control());
                case DiscoveryPlanner.SaveAddressBook s -> discovery.saveInBackground(ctx.blocking);
                case DiscoveryPlanner.AdvertiseSelf a -> advertiseSelf();
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
        long now = ctx.clock.millis();
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
        topUpBackoffMillis = Math.min(topUpBackoffMillis * 2, backoffMax.toMillis());
        List<PeerConnectionHandler> live = peers.live();
        if (!live.isEmpty()) {
            requestPeersFrom(live.get(ctx.random.nextInt(live.size()))).exceptionally(e -> null);
        }
        if (config.introducer().isPresent() && introducerBusy.compareAndSet(false, true)) {
            queryIntroducer().whenComplete((added, e) -> introducerBusy.set(false));
        }
    }

    /**
     * Dials what the planner chose, after checking it against every live outbound connection (the planner
     * knows only its own): a second outbound into one AS or /16 is refused with
     * {@link GossipError.ConnectionFiltered}. Feelers are exempt, as in the planner.
     */
    private void dialPlanned(PeerAddress address, boolean feeler) {
        java.util.Optional<String> conflict = feeler ? java.util.Optional.empty()
                : discovery.diversityConflict(address, peers.live().stream().filter(PeerConnectionHandler::isOutbound)
                        .map(PeerConnectionHandler::remoteAddress).filter(java.util.Objects::nonNull).toList());
        CompletableFuture<PeerConnectionHandler> dial = conflict.isPresent()
                ? CompletableFuture.failedFuture(new GossipException(new GossipError.ConnectionFiltered(conflict.get())))
                : dialer.dial(Discovery.socketAddress(address), Purpose.PEER);
        conflict.ifPresent(why -> LOG.debug("dial_filtered: {}", why));
        dial.whenCompleteAsync((connection, error) -> {
            if (error != null) {
                discovery.planner().onDialFailed(address, ctx.clock.millis());
                return;
            }
            discovery.planner().onDialSucceeded(address, ctx.clock.millis());
            if (feeler) {
                connection.disconnect();
            } else if (connection.phase() == PeerConnectionHandler.Phase.CLOSED) {
                discovery.planner().onOutboundClosed(address);
            } else {
                plannedDials.put(connection, address);
            }
        }, ctx.control());
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
        Message self = new RespondPeers(List.of(new TimestampedPeerInfo(host.getHostAddress(), ctx.listenPort(),
                ctx.clock.epochSeconds()))).toMessage();
        for (PeerConnectionHandler c : peers.fullNodes().values()) {
            c.send(self);
        }
    }

    /** Peer list intake on the control loop, then the address relay it calls for. */
    void takePeerList(InetSocketAddress sender, List<TimestampedPeerInfo> list) {
        Map<InetSocketAddress, PeerConnectionHandler> neighbours = peers.fullNodes();
        for (AddressRelay.Relay relay : discovery.onPeerList(sender, list, List.copyOf(neighbours.keySet()))) {
            Message forward = new RespondPeers(List.of(relay.entry())).toMessage();
            for (PeerAddress to : relay.to()) {
                PeerConnectionHandler c = neighbours.get(Discovery.socketAddress(to));
                if (c != null && (takesOnions(c) || !OnionAddress.looksLikeOnion(relay.entry().host()))) {
                    c.send(forward);
                }
            }
        }
    }

    /**
     * Whether {@code c} may be sent onion hosts in peer lists: only this implementation parses them; Chia's
     * address manager expects IP literals (as Bitcoin sends Tor addresses only to ADDRv2 peers).
     */
    private static boolean takesOnions(PeerConnectionHandler c) {
        Handshake h = c.remoteHandshake();
        return h != null && DigDialect.speaksNodeMessages(h.softwareVersion());
    }

    /** Answers a peer's RequestPeers from the address book; on the control loop. */
    void answerRequestPeers(PeerConnectionHandler connection, Message request) {
        List<TimestampedPeerInfo> share = discovery.peersToShare();
        if (!takesOnions(connection)) {
            share = share.stream().filter(p -> !OnionAddress.looksLikeOnion(p.host())).toList();
        }
        RespondPeers answer = new RespondPeers(share);
        connection.send(request.id().isPresent() ? answer.toMessage(request.id().getAsInt()) : answer.toMessage());
    }

    /** Sends RequestPeers to a peer and takes its answer in (peer exchange). */
    CompletableFuture<RespondPeers> requestPeersFrom(PeerConnectionHandler c) {
        return c.request(new RequestPeers().toMessage())
                .thenApply(reply -> ServiceHandle.decodeReply(c.peerId(), reply, RespondPeers::decode))
                .thenApply(answer -> {
                    InetSocketAddress sender = PeerTable.listeningAddress(c);
                    ctx.onControl(() -> takePeerList(sender, answer.peerList()));
                    return answer;
                });
    }

    // ---- connection bookkeeping (called from connections' loops) ------------------------------------

    /** A peer was admitted. */
    void opened(PeerConnectionHandler connection, boolean outbound) {
        if (outbound) {
            return;
        }
        Handshake remote = connection.remoteHandshake();
        InetSocketAddress listening = new InetSocketAddress(connection.remoteAddress().getAddress(), remote.serverPort());
        // a relayed peer's address is the relay's: nothing to learn about where it listens
        boolean fullNode = !connection.relayed() && remote.nodeType() == NodeType.FULL_NODE.code() && remote.serverPort() > 0;
        ctx.onControl(() -> {
            discovery.planner().onInboundOpened();
            if (fullNode) {
                discovery.onInboundFullNode(listening);
            }
        });
    }

    /** An admitted peer's connection closed. */
    void closed(PeerConnectionHandler connection, boolean outbound) {
        PeerAddress planned = plannedDials.remove(connection);
        InetSocketAddress gone = connection.remoteHandshake() == null ? null : PeerTable.listeningAddress(connection);
        ctx.onControl(() -> {
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

    // ---- introducer --------------------------------------------------------------------------------

    /** Asks the introducer for peers (Chia 63 -> 64) and adds them to the book on the control loop. */
    CompletableFuture<List<TimestampedPeerInfo>> discoverFromIntroducer() {
        return askIntroducer().thenComposeAsync(list -> {
            discovery.onIntroducerPeers(list);
            return CompletableFuture.completedFuture(list);
        }, ctx.control());
    }

    private CompletableFuture<List<TimestampedPeerInfo>> askIntroducer() {
        return withIntroducer(link -> link.request(new RequestPeersIntroducer().toMessage())
                .thenApply(reply -> ServiceHandle.decodeReply(link.peerId(), reply, RespondPeersIntroducer::decode).peerList()));
    }

    /** Registers this node's listen address with the introducer (DIG 218 -> 219). */
    CompletableFuture<RegisterAck> registerWithIntroducer() {
        return withIntroducer(link -> {
            InetAddress host = config.listenAddr().getAddress();
            String ip = host.isAnyLocalAddress() ? "" : host.getHostAddress();
            Message register = new RegisterPeer(ip, ctx.listenPort(), NodeType.FULL_NODE.code()).toMessage();
            GossipError refused = PlumtreeBridge.digGate(link, register);
            return (refused != null ? CompletableFuture.<Message>failedFuture(new GossipException(refused)) : link.request(register))
                    .thenApply(reply -> ServiceHandle.decodeReply(link.peerId(), reply, RegisterAck::decode));
        });
    }

    /** Asks the introducer for peers; completes with how many new addresses the book gained. */
    private CompletableFuture<Integer> queryIntroducer() {
        return askIntroducer().thenApplyAsync(list -> discovery.onIntroducerPeers(list), ctx.control());
    }

    private <T> CompletableFuture<T> withIntroducer(Function<PeerConnectionHandler, CompletableFuture<T>> exchange) {
        if (!ctx.isRunning()) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.ServiceNotStarted()));
        }
        if (config.introducer().isEmpty()) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.NotConfigured("introducer")));
        }
        InetSocketAddress target = config.introducer().get().address();
        return dialer.dial(target, Purpose.INTRODUCER)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new GossipException(new GossipError.DiscoveryError(
                        "introducer " + target + ": " + (e instanceof CompletionException && e.getCause() != null ? e.getCause() : e).getMessage()))))
                .thenCompose(link -> exchange.apply(link).whenComplete((r, e) -> link.disconnect()));
    }

    // ---- DNS seeds ---------------------------------------------------------------------------------

    /**
     * DNS seeds (Chia's and Bitcoin's bootstrap): while the address book is empty, the next
     * {@code dns_seed_batch_size} seeds (round robin) are resolved on the blocking executor, bounded by
     * {@code dns_seed_timeout}, and every address they return enters the book through the same intake
     * as an introducer's answer, on the seed's port (or the network's default). A round that adds
     * nothing backs off, doubling from {@code peer_connect_interval} to the introducer ceiling.
     */
    private void askDnsSeeds() {
        List<String> seeds = config.dnsSeeds();
        long now = ctx.clock.millis();
        if (seeds.isEmpty() || dnsBusy || now < nextDnsMillis || discovery.knownAddresses() > 0) {
            return;
        }
        dnsBusy = true;
        List<InetSocketAddress> batch = new ArrayList<>();
        for (int i = 0; i < Math.min(config.dnsSeedBatchSize(), seeds.size()); i++) {
            batch.add(GossipConfig.dnsSeedHostPort(seeds.get((nextDnsSeed + i) % seeds.size()), config.dnsSeedDefaultPort()));
        }
        nextDnsSeed = (nextDnsSeed + batch.size()) % seeds.size();
        long nowSeconds = ctx.clock.epochSeconds();
        CompletableFuture.supplyAsync(() -> resolve(batch, nowSeconds), ctx.blocking)
                .orTimeout(config.dnsSeedTimeout().toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((found, e) -> {
                    dnsBusy = false;
                    int added = e == null ? discovery.onIntroducerPeers(found) : 0;
                    if (added > 0) {
                        dnsBackoffMillis = 0;
                        nextDnsMillis = ctx.clock.millis();
                    } else {
                        long start = config.peerConnectInterval().toMillis();
                        dnsBackoffMillis = dnsBackoffMillis == 0 ? start : Math.min(dnsBackoffMillis * 2, backoffMax.toMillis());
                        nextDnsMillis = ctx.clock.millis() + dnsBackoffMillis;
                    }
                }, ctx.control());
    }

    /** Blocking name resolution of each seed; a seed that does not resolve contributes nothing. */
    private static List<TimestampedPeerInfo> resolve(List<InetSocketAddress> seeds, long nowSeconds) {
        EventLoopBlocking.check("resolve DNS seeds " + seeds);
        List<TimestampedPeerInfo> found = new ArrayList<>();
        for (InetSocketAddress seed : seeds) {
            try {
                for (InetAddress a : InetAddress.getAllByName(seed.getHostString())) {
                    found.add(new TimestampedPeerInfo(a.getHostAddress(), seed.getPort(), nowSeconds));
                }
            } catch (UnknownHostException e) {
                LOG.debug("dns_seed_unresolved: DNS seed {} did not resolve: {}", seed.getHostString(), e.getMessage());
            }
        }
        return found;
    }
}
