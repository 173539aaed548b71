package net.dig.net;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import net.dig.core.Bytes32;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.DhtContact;
import net.dig.gossip.DhtLookupResult;
import net.dig.gossip.DhtMessage;
import net.dig.gossip.DhtOutput;
import net.dig.gossip.DhtViolation;
import net.dig.gossip.KademliaNode;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.gossip.PeerReputation;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.ProviderRecord;
import net.dig.gossip.ProviderSigner;
import net.dig.gossip.Verdict;
import net.dig.wire.Message;
import net.dig.wire.WireException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives this node's {@link KademliaNode} over the P2P connections (docs/architecture.md §9.1, docs/decisions.md
 * D40a): DHT messages travel as opcode-241 frames ({@link DhtCodec}) to peers whose handshake says
 * {@code dig-node/}.
 *
 * <h2>What it does</h2>
 * Every admitted connection becomes a routing-table contact at the address the peer listens on; the first one
 * after none makes the node join through it and announce again what it provides. Peers known only from the
 * address book carry no PeerId, so they enter the table once discovery connects to them. A message for a peer
 * goes over its connection; for a peer this node is not connected to, the service dials the addresses the DHT
 * learnt for it in turn until one connects (at most {@link #MAX_CONCURRENT_DIALS} dials at once, never itself)
 * and sends the queued messages once the handshake is admitted. An address is a listening socket or a relay
 * ({@link DhtAddress#KIND_RELAY}): a node registered with a relay announces it first in its provider records,
 * and a dial to it goes through the relay ({@link RelayTunnels}), so a node behind a NAT is found and reached. Requests are correlated by the DHT's own u64 request id,
 * not by the Chia request id, so the same state machine runs here and in the simulator and owns its timeouts.
 *
 * <p>At most {@link #MAX_ANNOUNCING} announcements run at once (a quarter of the DHT's lookup limit if that is
 * less) and the rest queue, so a node holding many datastores stays within the lookup limit when it starts;
 * the DHT spreads and paces the republishes itself ({@link KademliaNode}).
 *
 * <p>After a PeerId rotation ({@link #rekey}) the DHT's id and signing key are the new leaf's, so provider
 * records name the new PeerId. Over a connection opened before the rotation the peer still knows this node by
 * the old PeerId; records are not stored there (they would be refused as announced for someone else), lookups
 * and answers still are.
 *
 * <p>Inbound frames pass the bus validator first ({@link #validate}): a body that does not decode, or an
 * {@code ADD_PROVIDER} whose record is not signed by the sender, is REJECTed and penalised before the DHT sees
 * it; records in answers are checked by the DHT itself. Peers at or below the reputation floor are not used.
 *
 * <h2>Concurrency</h2>
 * The DHT is confined to one thread ({@code dig-dht}): inbound messages, lookups started through this API, and
 * a tick every {@link #TICK_MILLIS} that hands the injected clock's time to {@link KademliaNode#onTick}. Public
 * methods are thread-safe and return futures completed on that thread; {@link #stats} reads a snapshot.
 *
 * <h2>Failure modes</h2>
 * A send to a gone peer, a dial that fails, a full dial budget or an unknown address drops the message; the
 * DHT's request times out and its lookup moves on. A bad frame costs its sender the penalty above. When the
 * gossip service stops, the thread stops and pending futures are left to their lookups' deadlines.
 */
public final class DhtService {
    private static final Logger LOG = LoggerFactory.getLogger(DhtService.class);
    static final int MAX_CONCURRENT_DIALS = 8;
    static final int MAX_QUEUED_PER_DIAL = 32;
    static final int MAX_LEARNT_ADDRESSES = 4096;
    static final long TICK_MILLIS = 250;
    /** Announcements (each a node lookup, then k stores) in flight at most; more wait their turn. */
    static final int MAX_ANNOUNCING = 16;

    private static final ProviderSigner NO_SIGNER = bytes -> {
        throw new IllegalStateException("this node's TLS key cannot sign provider records");
    };

    /** Live numbers for status pages and metrics. */
    public record Stats(int routingTableSize, int storedRecords, int providedKeys, long messagesIn, long messagesOut,
                        long rejected, long dials, long dialFailures) {}

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final Reputations reputations;
    private final Dialer dialer;
    private final Function<RelayAddress, CompletableFuture<PeerConnectionHandler>> relayDialer;
    private final DhtConfig config;
    private final Supplier<List<DhtAddress>> ownAddresses;
    private volatile boolean canSign;
    /** Set by a rekey: the first connection admitted on which this node presents that id makes it rejoin. */
    private PeerId rejoinWhenAdmittedAs;
    private final ScheduledExecutorService thread;
    private final KademliaNode node;
    private final Map<PeerId, ArrayDeque<DhtMessage>> dialing = new HashMap<>();
    private final Map<Bytes32, Boolean> provided = new LinkedHashMap<>();
    private final ArrayDeque<Runnable> announceQueue = new ArrayDeque<>();
    private int announcing;
    /** {@link #MAX_ANNOUNCING}, or a quarter of the DHT's lookup limit if that is less, leaving room for lookups. */
    private final int announceLimit;
    private final LinkedHashMap<PeerId, List<DhtAddress>> learnt = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, List<DhtAddress>> eldest) {
            return size() > MAX_LEARNT_ADDRESSES;
        }
    };
    /** The addresses providers listed in their own signed records, as lookups returned them; bounded as {@link #learnt}. */
    private final LinkedHashMap<PeerId, List<DhtAddress>> announced = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, List<DhtAddress>> eldest) {
            return size() > MAX_LEARNT_ADDRESSES;
        }
    };
    private final AtomicLong in = new AtomicLong();
    private final AtomicLong out = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong dials = new AtomicLong();
    private final AtomicLong dialFailures = new AtomicLong();
    /** Routing-table size, records held and keys provided, as the DHT thread last left them. */
    private volatile int[] confined = new int[3];

    DhtService(ServiceContext ctx, PeerTable peers, Reputations reputations, Dialer dialer,
               Function<RelayAddress, CompletableFuture<PeerConnectionHandler>> relayDialer, MessageBus bus,
               DhtConfig config, Optional<ProviderSigner> signer, Supplier<List<DhtAddress>> ownAddresses) {
        this.ctx = ctx;
        this.peers = peers;
        this.reputations = reputations;
        this.dialer = dialer;
        this.relayDialer = relayDialer;
        this.config = config;
        this.ownAddresses = ownAddresses;
        this.canSign = signer.isPresent();
        this.announceLimit = Math.max(1, Math.min(MAX_ANNOUNCING, config.maxConcurrentLookups() / 4));
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("dig-dht").daemon().factory());
        this.node = new KademliaNode(ctx.ownPeerId, config, new Output(), DhtRecordKeys.VERIFIER, signer.orElse(NO_SIGNER),
                this::reputation,
                ctx.random, ctx.clock.millis());
        bus.registerValidator(DhtCodec.OPCODE, this::validate);
        bus.subscribe(DhtCodec.OPCODE, this::received);
        ctx.onAdmitted.add(this::admitted);
    }

    void start() {
        thread.scheduleWithFixedDelay(() -> run(() -> node.onTick(now())), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        thread.shutdownNow();
    }

    // ---------------------------------------------------------------- API

    /** Joins through the peers connected now (a self lookup, then one per far bucket); gives the routing table's size. */
    public CompletableFuture<Integer> join() {
        return call(() -> node.join(List.of(), now()));
    }

    /** Providers of {@code key}; the lookup stops once {@code wanted} distinct providers are known. */
    public CompletableFuture<DhtLookupResult> findProviders(Bytes32 key, int wanted) {
        return call(() -> node.findProviders(key, wanted, now()));
    }

    /**
     * Announces this node as a provider of {@code key} at its own addresses, now and every republish interval
     * until {@link #withdraw}; gives how many nodes stored the record. Fails with
     * {@link GossipError.ClientError} when the TLS leaf key cannot sign records (not P-256).
     */
    public CompletableFuture<Integer> provide(Bytes32 key) {
        if (!canSign) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.ClientError(
                    "this node's TLS leaf key is not P-256 and cannot sign DHT provider records")));
        }
        return call(() -> {
            provided.put(key, Boolean.TRUE);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            announceQueue.add(() -> announce(key, done));
            pumpAnnouncements();
            return done;
        });
    }

    /** Stops announcing {@code key} (the copies held elsewhere run out at their expiry). */
    public CompletableFuture<Boolean> withdraw(Bytes32 key) {
        return call(() -> {
            provided.remove(key);
            return CompletableFuture.completedFuture(node.withdraw(key));
        });
    }

    /**
     * This node's PeerId changed (a PeerId rotation): the DHT takes {@code fresh} as its id and signs with
     * {@code signer} (the new leaf key), keeping its contacts, and announces what it provides again under the new
     * id ({@link KademliaNode#rekey}). Peers know the new id only over connections opened after the rotation
     * (the reconnect of {@code reconnect_on_rotation}, or new ones), and records are stored only there, so the
     * first connection admitted under the new id makes the node join again and announce once more. A new leaf
     * that cannot sign withdraws every key.
     */
    CompletableFuture<Void> rekey(PeerId fresh, Optional<ProviderSigner> signer) {
        return call(() -> {
            canSign = signer.isPresent();
            node.rekey(fresh, signer.orElse(NO_SIGNER), now());
            if (!canSign) {
                for (Bytes32 key : List.copyOf(provided.keySet())) {
                    node.withdraw(key);
                }
                provided.clear();
                LOG.warn("dht_announce_unavailable: the new TLS leaf key is not P-256: this node no longer announces itself");
            }
            learnt.remove(fresh);
            rejoinWhenAdmittedAs = fresh;
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Runs one tick now with the clock's time (the scheduler does this every {@link #TICK_MILLIS} as well). */
    public CompletableFuture<Void> tick() {
        return call(() -> {
            node.onTick(now());
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Where the DHT last heard {@code peer} can be reached: its routing-table entry or an address learnt in a lookup. */
    public CompletableFuture<List<DhtAddress>> addressesOf(PeerId peer) {
        return call(() -> CompletableFuture.completedFuture(knownAddresses(peer)));
    }

    /** Unexpired records this node holds for {@code key}. */
    public CompletableFuture<List<ProviderRecord>> storedProviders(Bytes32 key) {
        return call(() -> CompletableFuture.completedFuture(node.storedProviders(key, now())));
    }

    public PeerId self() {
        return node.self();
    }

    public DhtConfig config() {
        return config;
    }

    public Stats stats() {
        int[] c = confined;
        return new Stats(c[0], c[1], c[2], in.get(), out.get(), rejected.get(), dials.get(), dialFailures.get());
    }

    /** Starts queued announcements while fewer than the limit run (a node with many datastores paces its start). */
    private void pumpAnnouncements() {
        while (announcing < announceLimit && !announceQueue.isEmpty()) {
            announcing++;
            announceQueue.poll().run();
        }
    }

    private void announce(Bytes32 key, CompletableFuture<Integer> done) {
        if (!provided.containsKey(key)) {
            announcing--;
            done.complete(0);
            return;
        }
        CompletableFuture<Integer> stored;
        try {
            stored = node.provide(key, ownAddresses.get(), now());
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        stored.whenComplete((n, e) -> {
            announcing--;
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                done.complete(n);
            }
            pumpAnnouncements();
        });
    }

    // ---------------------------------------------------------------- inbound

    /** The bus validator of opcode 241 (docs/formats/wire.md "DHT messages", validation). */
    private CompletableFuture<Verdict> validate(PeerId from, Message message) {
        DhtMessage m;
        try {
            m = DhtCodec.decode(message.data());
        } catch (WireException e) {
            rejected.incrementAndGet();
            return CompletableFuture.completedFuture(Verdict.reject(PenaltyReason.MALFORMED_MESSAGE));
        }
        if (m instanceof DhtMessage.AddProvider add) {
            if (!add.record().provider().equals(from)) {
                rejected.incrementAndGet();
                return CompletableFuture.completedFuture(Verdict.reject(PenaltyReason.PROTOCOL_VIOLATION));
            }
            if (!DhtRecordKeys.verify(add.record())) {
                rejected.incrementAndGet();
                return CompletableFuture.completedFuture(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
            }
        }
        return CompletableFuture.completedFuture(Verdict.ACCEPT);
    }

    private CompletableFuture<Void> received(PeerId from, Message message) {
        DhtMessage m;
        try {
            m = DhtCodec.decode(message.data());
        } catch (WireException e) {
            return CompletableFuture.completedFuture(null);
        }
        in.incrementAndGet();
        return call(() -> {
            learn(m);
            node.onMessage(from, m, now());
            return CompletableFuture.completedFuture(null);
        });
    }

    private void admitted(PeerConnectionHandler connection) {
        if (connection.remoteHandshake() == null
                || !DigDialect.speaksNodeMessages(connection.remoteHandshake().softwareVersion())) {
            return;
        }
        PeerId peer = connection.peerId();
        List<DhtAddress> addresses = contactAddresses(connection);
        run(() -> {
            learnt.put(peer, addresses);
            boolean alone = node.routingTableSize() == 0;
            node.addContact(new DhtContact(peer, addresses), now());
            boolean underNewId = rejoinWhenAdmittedAs != null
                    && connection.localPeerId().map(rejoinWhenAdmittedAs::equals).orElse(false);
            if ((alone || underNewId) && node.routingTableSize() > 0) {
                rejoinWhenAdmittedAs = null;
                rejoin();
            }
            ArrayDeque<DhtMessage> queued = dialing.remove(peer);
            if (queued != null) {
                queued.forEach(m -> sendNow(connection, m));
            }
        });
    }

    /**
     * The first contact after none (at start, or after every peer left): the node joins through it and announces
     * again what it provides, since announcements made alone reached nobody.
     */
    private void rejoin() {
        node.join(List.of(), now()).whenComplete((size, e) -> announceAgain());
    }

    /** Announces again every key this node provides, at its addresses now (on the DHT thread). */
    private void announceAgain() {
        for (Bytes32 key : List.copyOf(provided.keySet())) {
            announceQueue.add(() -> announce(key, new CompletableFuture<>()));
        }
        pumpAnnouncements();
    }

    /**
     * This node's own addresses changed (it registered with a relay): what it provides is announced again at them,
     * without waiting for the republish interval.
     */
    void readvertise() {
        run(this::announceAgain);
    }

    private void learn(DhtMessage m) {
        List<DhtContact> contacts = switch (m) {
            case DhtMessage.Nodes n -> n.closer();
            case DhtMessage.Providers p -> p.closer();
            default -> List.of();
        };
        for (DhtContact c : contacts) {
            if (!c.addresses().isEmpty() && !c.id().equals(ctx.ownPeerId)) {
                learnt.put(c.id(), c.addresses());
            }
        }
        if (m instanceof DhtMessage.Providers p) {
            for (ProviderRecord r : p.providers()) {
                if (!r.addresses().isEmpty() && !r.provider().equals(ctx.ownPeerId) && DhtRecordKeys.VERIFIER.verify(r)) {
                    announced.put(r.provider(), r.addresses());
                }
            }
        }
    }

    // ---------------------------------------------------------------- outbound

    private final class Output implements DhtOutput {
        @Override
        public void send(PeerId to, DhtMessage message) {
            if (to.equals(ctx.ownPeerId)) {
                return;
            }
            Optional<PeerConnectionHandler> connection = peers.get(to);
            if (connection.isPresent()) {
                sendNow(connection.get(), message);
                return;
            }
            ArrayDeque<DhtMessage> queued = dialing.get(to);
            if (queued != null) {
                if (queued.size() < MAX_QUEUED_PER_DIAL) {
                    queued.add(message);
                }
                return;
            }
            dial(to, message);
        }

        @Override
        public void penalize(PeerId peer, DhtViolation violation) {
            rejected.incrementAndGet();
            reputations.penalize(peer, switch (violation) {
                case INVALID_RECORD, UNEXPECTED_RESPONSE -> PenaltyReason.PROTOCOL_VIOLATION;
                case REQUEST_RATE_EXCEEDED -> PenaltyReason.RATE_LIMIT_EXCEEDED;
            });
        }
    }

    /**
     * Sends {@code message} over {@code connection}, except a provider record under a PeerId other than the one
     * this node presented on that connection (one opened before a PeerId rotation): the peer knows this node by
     * the old PeerId and would refuse the record as announced for someone else, so the store fails here at once.
     */
    private void sendNow(PeerConnectionHandler connection, DhtMessage message) {
        if (message instanceof DhtMessage.AddProvider add
                && connection.localPeerId().filter(own -> !own.equals(add.record().provider())).isPresent()) {
            PeerId to = connection.peerId();
            run(() -> node.unsent(to, add.requestId(), now()));
            return;
        }
        Message frame = DhtCodec.toMessage(message);
        if (PlumtreeBridge.digGate(connection, frame) != null) {
            return;
        }
        out.incrementAndGet();
        connection.send(frame).exceptionally(e -> {
            LOG.debug("dht_send_failed: DHT message to {} not sent: {}", connection.peerId().shortHex(), e.toString());
            return null;
        });
    }

    private void dial(PeerId to, DhtMessage first) {
        if (knownAddresses(to).isEmpty() || dialing.size() >= MAX_CONCURRENT_DIALS) {
            return;
        }
        ArrayDeque<DhtMessage> queue = new ArrayDeque<>();
        queue.add(first);
        dialing.put(to, queue);
        dialNext(to, new HashSet<>());
    }

    /**
     * Dials {@code to} at the first address known for it now and not {@code tried}, and on failure at the next, so an
     * address learnt while an earlier one was being dialled (a provider record naming a relay) is tried too; when none
     * is left the queued messages are dropped.
     */
    private void dialNext(PeerId to, Set<DhtAddress> tried) {
        Optional<DhtAddress> next = knownAddresses(to).stream().filter(a -> !tried.contains(a)).findFirst();
        if (next.isEmpty()) {
            dialing.remove(to);
            return;
        }
        DhtAddress a = next.get();
        tried.add(a);
        dials.incrementAndGet();
        InetSocketAddress at = InetSocketAddress.createUnresolved(a.host(), a.port());
        CompletableFuture<PeerConnectionHandler> dialled = a.kind() == DhtAddress.KIND_RELAY
                ? relayDialer.apply(new RelayAddress(at, to)) : dialer.dial(at, Purpose.PEER);
        dialled.whenComplete((connection, error) -> run(() -> {
            if (error != null) {
                dialFailures.incrementAndGet();
                LOG.debug("dht_dial_failed: DHT dial to {} at {} failed: {}", to.shortHex(), a, error.toString());
                if (dialing.containsKey(to)) {
                    dialNext(to, tried);
                }
                return;
            }
            ArrayDeque<DhtMessage> waiting = dialing.remove(to);
            if (waiting == null) {
                return;
            }
            if (!connection.peerId().equals(to)) {
                LOG.debug("dht_dial_reached: DHT dial to {} at {} reached {}", to.shortHex(), a, connection.peerId().shortHex());
                return;
            }
            waiting.forEach(m -> sendNow(connection, m));
        }));
    }

    /**
     * Where {@code peer} may be dialled, best first: the addresses of its own signed provider records (a node
     * behind a relay lists the relay), then its routing-table contact's, then those other nodes' answers named;
     * only the kinds this node can dial ({@link DhtAddress#KIND_DIRECT}, {@link DhtAddress#KIND_RELAY}).
     */
    private List<DhtAddress> knownAddresses(PeerId peer) {
        LinkedHashSet<DhtAddress> all = new LinkedHashSet<>(announced.getOrDefault(peer, List.of()));
        node.contact(peer).ifPresent(c -> all.addAll(c.addresses()));
        all.addAll(learnt.getOrDefault(peer, List.of()));
        all.removeIf(a -> a.kind() != DhtAddress.KIND_DIRECT && a.kind() != DhtAddress.KIND_RELAY);
        return List.copyOf(all);
    }

    // ---------------------------------------------------------------- the DHT thread

    private double reputation(PeerId peer) {
        PeerReputation r = reputations.reputationOf(peer);
        int threshold = GossipConstants.PENALTY_BAN_THRESHOLD;
        // (threshold - points) / threshold, not 1 - points / threshold: 1 - 0.7 is a hair above 0.3, the floor
        return r.banned() ? 0 : (double) Math.max(0, threshold - r.penaltyPoints()) / threshold;
    }

    private long now() {
        return ctx.clock.millis();
    }

    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    work.get().whenComplete((v, e) -> {
                        if (e != null) {
                            result.completeExceptionally(e);
                        } else {
                            result.complete(v);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    snapshot();
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new GossipException(new GossipError.ServiceNotStarted()));
        }
        return result;
    }

    private void run(Runnable task) {
        call(() -> {
            task.run();
            return CompletableFuture.completedFuture(null);
        });
    }

    private void snapshot() {
        confined = new int[] {node.routingTableSize(), node.storedRecords(), provided.size()};
    }

    /**
     * The addresses this node announces in its provider records: first the relay it is registered with, if any (a
     * node that registers with a relay is one that may not be reachable otherwise), then its listener unless it
     * listens on a wildcard address.
     */
    static List<DhtAddress> ownAddresses(ServiceContext ctx, Optional<RelayAddress> relayed) {
        List<DhtAddress> own = new ArrayList<>(2);
        relayed.ifPresent(r -> own.add(new DhtAddress(r.relay().getHostString(), r.relay().getPort(), DhtAddress.KIND_RELAY)));
        InetSocketAddress bound = ctx.config.listenAddr();
        if (bound.getAddress() != null && !bound.getAddress().isAnyLocalAddress() && ctx.listenPort() != 0) {
            own.add(new DhtAddress(bound.getAddress().getHostAddress(), ctx.listenPort(), DhtAddress.KIND_DIRECT));
        }
        return own;
    }

    /**
     * Where a peer on {@code connection} can be dialled again: the address it listens on; for a session this node
     * opened through a relay, that relay; nothing for one the peer opened through a relay (where the peer listens
     * is not known from it).
     */
    private static List<DhtAddress> contactAddresses(PeerConnectionHandler connection) {
        if (connection.relayed()) {
            if (!connection.isOutbound()) {
                return List.of();
            }
            InetSocketAddress via = connection.remoteAddress();
            return List.of(new DhtAddress(via.getHostString(), via.getPort(), DhtAddress.KIND_RELAY));
        }
        InetSocketAddress at = PeerTable.listeningAddress(connection);
        return at == null ? List.of() : List.of(new DhtAddress(at.getAddress().getHostAddress(), at.getPort(), DhtAddress.KIND_DIRECT));
    }
}
