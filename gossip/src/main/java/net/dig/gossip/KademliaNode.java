package net.dig.gossip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.gossip.DhtMessage.AddProvider;
import net.dig.gossip.DhtMessage.AddProviderAck;
import net.dig.gossip.DhtMessage.FindNode;
import net.dig.gossip.DhtMessage.FindProviders;
import net.dig.gossip.DhtMessage.Nodes;
import net.dig.gossip.DhtMessage.Ping;
import net.dig.gossip.DhtMessage.Pong;
import net.dig.gossip.DhtMessage.Providers;

/**
 * One node of the Kademlia DHT that finds who provides a content key ({@link ProviderRecord#storeKey}): a sans-I/O
 * state machine over a {@link KademliaRoutingTable}, a {@link DhtProviderStore} and iterative
 * {@link KademliaLookup}s (docs/architecture.md §9.1).
 *
 * <h2>What it does</h2>
 * Ids are PeerIds, 256 bits under the XOR metric. A lookup asks the closest known contacts, alpha at a time, for
 * contacts closer to the target ({@link FindNode}) or for providers ({@link FindProviders}) until the k closest
 * have answered. {@link #join} looks the node itself up, then one random id per bucket beyond its nearest
 * neighbour's. {@link #provide} looks up the k nodes closest to the key and sends each an {@link AddProvider}
 * with a record signed by this node; the node re-announces every republish interval until {@link #withdraw},
 * after which the records left on other nodes run out at their expiry. A key's first republish comes at a random
 * point of the second half of the interval, so keys announced together (a node starting with many) are republished
 * spread out rather than in one burst an hour later; due republishes wait in a queue ordered by time, and at most
 * {@link #MAX_REPUBLISHING} run at once, the others starting on later ticks. Every refresh interval the node pings
 * the contacts it has not heard from in that time and looks itself up. When the node's id changes (a PeerId
 * rotation), {@link #rekey} keeps its contacts and announces everything again under the new id.
 *
 * <h2>Trust</h2>
 * A record is stored only if its provider is the peer that sent the {@link AddProvider}, its signature verifies
 * ({@link ProviderVerifier}) and it expires within the provider TTL (plus one RPC timeout of skew); a record
 * learnt from a lookup answer must verify and name the key asked for. Invalid records are dropped and their sender
 * penalised ({@link DhtViolation}). Every list a peer sends is capped by {@link DhtMessage}; each peer's requests
 * draw on a token bucket; peers at or below the reputation floor are not stored, asked, or answered.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe: one thread drives {@link #onMessage}, {@link #onTick} and the lookup methods, with the time as
 * an argument. Effects go out through {@link DhtOutput} and futures complete on that thread, inside the call that
 * decided them; a callback may call back into the node.
 *
 * <h2>Failure modes</h2>
 * A request that gets no answer within the RPC timeout fails ({@link #onTick} notices); a lookup treats the peer as
 * failed and goes on, and the peer is pinged: only a failed ping evicts it from the routing table. A response
 * whose id is unknown (late, or never asked) is ignored; a response of the wrong kind counts as a failure and a
 * penalty. More than {@link DhtConfig#maxConcurrentLookups()} lookups at once fail with {@link TooManyLookups}.
 */
public final class KademliaNode {
    /** Peers whose inbound budgets are remembered (least recently active forgotten first). */
    static final int MAX_BUDGETED_PEERS = 4096;
    /** Republish announcements {@link #onTick} keeps running at once; further due keys wait for a later tick. */
    static final int MAX_REPUBLISHING = 16;
    /** Provider records held at most, over all keys (a bound on the store's memory below keys × records per key). */
    static final int MAX_STORED_RECORDS = 1 << 17;

    /** A lookup was refused because {@link DhtConfig#maxConcurrentLookups()} are running. */
    public static final class TooManyLookups extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyLookups(int limit) {
            super(limit + " DHT lookups are already running");
        }
    }

    private enum Kind { PING, FIND_NODE, FIND_PROVIDERS, ADD_PROVIDER }

    private static final class Pending {
        final long id;
        final PeerId peer;
        final Kind kind;
        final long deadline;
        KademliaLookup lookup;
        int round;
        Announce announce;
        CompletableFuture<Boolean> pong;

        Pending(long id, PeerId peer, Kind kind, long deadline) {
            this.id = id;
            this.peer = peer;
            this.kind = kind;
            this.deadline = deadline;
        }

        boolean answeredBy(DhtMessage m) {
            return switch (kind) {
                case PING -> m instanceof Pong;
                case FIND_NODE -> m instanceof Nodes;
                case FIND_PROVIDERS -> m instanceof Providers;
                case ADD_PROVIDER -> m instanceof AddProviderAck;
            };
        }
    }

    private static final class Announce {
        final CompletableFuture<Integer> future = new CompletableFuture<>();
        int remaining;
        int stored;

        void outcome(boolean ok) {
            if (ok) {
                stored++;
            }
            if (--remaining == 0) {
                future.complete(stored);
            }
        }
    }

    private static final class Provided {
        final Bytes32 key;
        final List<DhtAddress> addresses;
        long nextRepublishMillis;

        Provided(Bytes32 key, List<DhtAddress> addresses, long nextRepublishMillis) {
            this.key = key;
            this.addresses = addresses;
            this.nextRepublishMillis = nextRepublishMillis;
        }
    }

    /** A republish due at {@code at}; stale once its key was withdrawn or provided again. */
    private record Due(long at, Provided provided) {}

    /** Former ids of this node kept so that contacts naming them are not taken for other nodes. */
    static final int MAX_FORMER_IDS = 8;

    private PeerId self;
    private final DhtConfig config;
    private final DhtOutput output;
    private final ProviderVerifier verifier;
    private ProviderSigner signer;
    private final ToDoubleFunction<PeerId> reputation;
    private final RandomGenerator random;
    private KademliaRoutingTable table;
    private final ArrayDeque<PeerId> formerIds = new ArrayDeque<>();
    private final DhtProviderStore store;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final PriorityQueue<Pending> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private final Set<PeerId> pinging = new HashSet<>();
    private final Map<Bytes32, Provided> provided = new HashMap<>();
    private final PriorityQueue<Due> republishes = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private int republishing;
    private final LinkedHashMap<PeerId, RequestBudget> budgets = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, RequestBudget> eldest) {
            return size() > MAX_BUDGETED_PEERS;
        }
    };
    private int runningLookups;
    private long nextRefreshMillis;
    private long now;

    /**
     * @param reputation a peer's reputation in [0, 1]; at or below {@link DhtConfig#minReputation()} it is not used
     * @param nowMillis  the time the node starts; the first refresh is one interval later
     */
    public KademliaNode(PeerId self, DhtConfig config, DhtOutput output, ProviderVerifier verifier, ProviderSigner signer,
                        ToDoubleFunction<PeerId> reputation, RandomGenerator random, long nowMillis) {
        this.self = self;
        this.config = config;
        this.output = output;
        this.verifier = verifier;
        this.signer = signer;
        this.reputation = reputation;
        this.random = random;
        this.table = new KademliaRoutingTable(self, config.k(), config.replacementCacheSize());
        this.store = new DhtProviderStore(config.maxProviderKeys(), config.maxProvidersPerKey(), MAX_STORED_RECORDS);
        this.now = nowMillis;
        this.nextRefreshMillis = nowMillis + config.refreshIntervalMillis();
    }

    public PeerId self() {
        return self;
    }

    // ---------------------------------------------------------------- API

    /** A contact learnt out of band (a bootstrap peer, an authenticated connection). */
    public void addContact(DhtContact contact, long nowMillis) {
        now = nowMillis;
        if (usable(contact.id())) {
            noteAlive(contact);
        }
    }

    /**
     * Joins the DHT through {@code seeds}: the node looks itself up, then looks up a random id in every bucket
     * farther than its nearest neighbour's, so that its far buckets fill as well as its own neighbourhood. The
     * future gives the routing table's size once all those lookups have ended.
     */
    public CompletableFuture<Integer> join(List<DhtContact> seeds, long nowMillis) {
        now = nowMillis;
        for (DhtContact seed : seeds) {
            addContact(seed, nowMillis);
        }
        CompletableFuture<Integer> joined = new CompletableFuture<>();
        findNode(self.value(), now).whenComplete((result, error) -> {
            if (error != null) {
                joined.completeExceptionally(error);
                return;
            }
            int nearest = result.closest().isEmpty() ? KademliaRoutingTable.BUCKETS - 1
                    : KademliaRoutingTable.bucketIndex(self.value(), result.closest().getFirst().id().value());
            List<CompletableFuture<DhtLookupResult>> refreshes = new ArrayList<>();
            for (int bucket = nearest + 1; bucket < KademliaRoutingTable.BUCKETS; bucket++) {
                refreshes.add(startLookup(KademliaLookup.Kind.NODES,
                        KademliaRoutingTable.randomIdInBucket(self.value(), bucket, random), config.k()));
            }
            CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new))
                    .whenComplete((done, failed) -> joined.complete(table.size()));
        });
        return joined;
    }

    /** The k closest live nodes to {@code target}. */
    public CompletableFuture<DhtLookupResult> findNode(Bytes32 target, long nowMillis) {
        now = nowMillis;
        return startLookup(KademliaLookup.Kind.NODES, target, config.k());
    }

    /** Providers of {@code key}: the lookup stops once {@code wanted} distinct providers are known. */
    public CompletableFuture<DhtLookupResult> findProviders(Bytes32 key, int wanted, long nowMillis) {
        if (wanted < 1) {
            throw new IllegalArgumentException("a provider lookup wants at least one provider, got " + wanted);
        }
        now = nowMillis;
        return startLookup(KademliaLookup.Kind.PROVIDERS, key, wanted);
    }

    /**
     * Announces that this node provides {@code key} at {@code addresses}, now and every republish interval until
     * {@link #withdraw}. The future gives how many of the k closest nodes stored the record.
     */
    public CompletableFuture<Integer> provide(Bytes32 key, List<DhtAddress> addresses, long nowMillis) {
        now = nowMillis;
        List<DhtAddress> copy = List.copyOf(addresses);
        long interval = config.republishIntervalMillis();
        Provided p = new Provided(key, copy, now + interval - random.nextLong(interval / 2 + 1));
        provided.put(key, p);
        queue(p);
        return announce(key, copy);
    }

    /** Stops announcing {@code key}; records on other nodes expire. False if the node did not provide it. */
    public boolean withdraw(Bytes32 key) {
        store.remove(key, self);
        return provided.remove(key) != null;
    }

    /**
     * This node's id changed (a PeerId rotation): from now on it is {@code newSelf} and signs its records with
     * {@code newSigner}. The routing table is rebuilt around the new id with the same contacts and liveness; the
     * records this node held of its own under the old id are dropped (the copies elsewhere run out at their
     * expiry); every key it provides is announced again under the new id on the next {@link #onTick}, and then
     * every republish interval from then on. Running lookups and requests go on. The old id is never taken for a
     * contact afterwards.
     */
    public void rekey(PeerId newSelf, ProviderSigner newSigner, long nowMillis) {
        now = nowMillis;
        if (newSelf.equals(self)) {
            signer = newSigner;
            return;
        }
        for (Bytes32 key : provided.keySet()) {
            store.remove(key, self);
        }
        formerIds.addLast(self);
        if (formerIds.size() > MAX_FORMER_IDS) {
            formerIds.removeFirst();
        }
        formerIds.remove(newSelf);
        self = newSelf;
        signer = newSigner;
        table = table.rekeyed(newSelf);
        for (Provided p : provided.values()) {
            p.nextRepublishMillis = now;
            queue(p);
        }
    }

    /**
     * The transport did not send request {@code requestId} to {@code to} (it had no way to deliver it as this node
     * is now): the request fails at once instead of at its deadline.
     */
    public void unsent(PeerId to, long requestId, long nowMillis) {
        now = nowMillis;
        Pending p = pending.get(requestId);
        if (p != null && p.peer.equals(to)) {
            pending.remove(requestId);
            failed(p);
        }
    }

    /** Pings {@code peer}; true if it answered in time. A failed ping evicts it from the routing table. */
    public CompletableFuture<Boolean> ping(PeerId peer, long nowMillis) {
        now = nowMillis;
        CompletableFuture<Boolean> pong = new CompletableFuture<>();
        Pending p = track(peer, Kind.PING);
        p.pong = pong;
        output.send(peer, new Ping(p.id));
        return pong;
    }

    // ---------------------------------------------------------------- events

    public void onMessage(PeerId from, DhtMessage message, long nowMillis) {
        now = nowMillis;
        if (!usable(from)) {
            return;
        }
        if (message.isRequest()) {
            if (!withinBudget(from)) {
                output.penalize(from, DhtViolation.REQUEST_RATE_EXCEEDED);
                return;
            }
            noteAlive(DhtContact.of(from));
            answer(from, message);
            return;
        }
        Pending p = pending.get(message.requestId());
        if (p == null || !p.peer.equals(from)) {
            return;
        }
        pending.remove(p.id);
        if (!p.answeredBy(message)) {
            output.penalize(from, DhtViolation.UNEXPECTED_RESPONSE);
            failed(p);
            return;
        }
        noteAlive(DhtContact.of(from));
        switch (message) {
            case Pong ignored -> {
                pinging.remove(from);
                if (p.pong != null) {
                    p.pong.complete(true);
                }
            }
            case Nodes n -> answered(p, n.closer());
            case Providers pr -> {
                for (ProviderRecord r : pr.providers()) {
                    if (recordValid(r, p.lookup.target)) {
                        p.lookup.addProvider(r);
                    } else {
                        output.penalize(from, DhtViolation.INVALID_RECORD);
                    }
                }
                answered(p, pr.closer());
            }
            case AddProviderAck ack -> p.announce.outcome(ack.stored());
            default -> throw new IllegalStateException("not a response: " + message);
        }
    }

    /** Times out requests, refreshes the routing table and republishes what is due. */
    public void onTick(long nowMillis) {
        now = nowMillis;
        while (!deadlines.isEmpty() && deadlines.peek().deadline <= now) {
            Pending p = deadlines.poll();
            if (pending.get(p.id) == p) {
                pending.remove(p.id);
                failed(p);
            }
        }
        if (now >= nextRefreshMillis) {
            nextRefreshMillis = now + config.refreshIntervalMillis();
            store.expire(now);
            for (PeerId stale : table.notSeenSince(now - config.refreshIntervalMillis())) {
                checkLiveness(stale);
            }
            startLookup(KademliaLookup.Kind.NODES, self.value(), config.k());
        }
        while (republishing < MAX_REPUBLISHING && !republishes.isEmpty() && republishes.peek().at <= now) {
            Due due = republishes.poll();
            Provided p = due.provided;
            if (stale(due)) {
                continue;
            }
            p.nextRepublishMillis = now + config.republishIntervalMillis();
            queue(p);
            republishing++;
            announce(p.key, p.addresses).whenComplete((stored, error) -> republishing--);
        }
    }

    /** A republish whose key was withdrawn or provided again, or whose schedule moved. */
    private boolean stale(Due d) {
        return provided.get(d.provided.key) != d.provided || d.at != d.provided.nextRepublishMillis;
    }

    private void queue(Provided p) {
        if (republishes.size() > 2 * provided.size() + 64) {
            republishes.removeIf(this::stale);
        }
        republishes.add(new Due(p.nextRepublishMillis, p));
    }

    /**
     * When {@link #onTick} next has work: the earliest request deadline, refresh or republish (a due republish
     * waiting for a free slot counts only once a running one has ended, which a message or a deadline decides).
     */
    public long nextWakeupMillis() {
        long next = nextRefreshMillis;
        while (!deadlines.isEmpty() && pending.get(deadlines.peek().id) != deadlines.peek()) {
            deadlines.poll();
        }
        if (!deadlines.isEmpty()) {
            next = Math.min(next, deadlines.peek().deadline);
        }
        while (!republishes.isEmpty() && stale(republishes.peek())) {
            republishes.poll();
        }
        if (!republishes.isEmpty() && republishing < MAX_REPUBLISHING) {
            next = Math.min(next, republishes.peek().at);
        }
        return next;
    }

    // ---------------------------------------------------------------- inspection

    public int routingTableSize() {
        return table.size();
    }

    public boolean knows(PeerId peer) {
        return table.contains(peer);
    }

    public Optional<DhtContact> contact(PeerId peer) {
        return table.contact(peer);
    }

    /** Provider records held for others (and this node's own), counting expired ones not yet swept. */
    public int storedRecords() {
        return store.recordCount();
    }

    /** Unexpired records this node holds for {@code key}. */
    public List<ProviderRecord> storedProviders(Bytes32 key, long nowMillis) {
        return store.get(key, nowMillis);
    }

    int bucketSize(int index) {
        return table.bucketSize(index);
    }

    int replacementCount(int index) {
        return table.replacementCount(index);
    }

    int pendingRequests() {
        return pending.size();
    }

    // ---------------------------------------------------------------- internals

    private boolean usable(PeerId peer) {
        return !peer.equals(self) && !formerIds.contains(peer) && reputation.applyAsDouble(peer) > config.minReputation();
    }

    private boolean withinBudget(PeerId peer) {
        RequestBudget b = budgets.computeIfAbsent(peer, p -> new RequestBudget(config.inboundBurst(), now));
        b.refill(now, config.inboundRequestsPerSecond(), config.inboundBurst());
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    private void noteAlive(DhtContact contact) {
        table.seen(contact, now).ifPresent(this::checkLiveness);
    }

    private void checkLiveness(PeerId peer) {
        if (pinging.add(peer)) {
            Pending p = track(peer, Kind.PING);
            output.send(peer, new Ping(p.id));
        }
    }

    private void answer(PeerId from, DhtMessage request) {
        switch (request) {
            case Ping p -> output.send(from, new Pong(p.requestId()));
            case FindNode f -> output.send(from, new Nodes(f.requestId(), closestFor(f.target(), from)));
            case FindProviders f -> {
                List<ProviderRecord> held = store.get(f.key(), now);
                List<ProviderRecord> some = held.size() <= config.maxProvidersPerKey() ? held
                        : held.subList(0, config.maxProvidersPerKey());
                output.send(from, new Providers(f.requestId(), some, closestFor(f.key(), from)));
            }
            case AddProvider a -> {
                boolean valid = a.record().provider().equals(from) && recordValid(a.record(), a.record().contentKey());
                if (!valid) {
                    output.penalize(from, DhtViolation.INVALID_RECORD);
                }
                output.send(from, new AddProviderAck(a.requestId(), valid && store.put(a.record(), now)));
            }
            default -> throw new IllegalStateException("not a request: " + request);
        }
    }

    private List<DhtContact> closestFor(Bytes32 target, PeerId requester) {
        return table.closest(target, config.k(), p -> !p.equals(requester) && usable(p));
    }

    private boolean recordValid(ProviderRecord r, Bytes32 key) {
        return r.contentKey().equals(key) && r.expiresAtMillis() > now
                && r.expiresAtMillis() <= now + config.providerTtlMillis() + config.rpcTimeoutMillis()
                && verifier.verify(r);
    }

    private Pending track(PeerId peer, Kind kind) {
        long id;
        do {
            id = random.nextLong();
        } while (pending.containsKey(id));
        Pending p = new Pending(id, peer, kind, now + config.rpcTimeoutMillis());
        pending.put(id, p);
        deadlines.add(p);
        return p;
    }

    private void failed(Pending p) {
        switch (p.kind) {
            case PING -> {
                pinging.remove(p.peer);
                table.failed(p.peer);
                if (p.pong != null) {
                    p.pong.complete(false);
                }
            }
            case FIND_NODE, FIND_PROVIDERS -> {
                p.lookup.onOutcome(p.peer, false);
                if (table.contains(p.peer)) {
                    checkLiveness(p.peer);
                }
                advance(p.lookup);
            }
            case ADD_PROVIDER -> p.announce.outcome(false);
        }
    }

    private void answered(Pending p, List<DhtContact> closer) {
        for (DhtContact c : closer) {
            if (usable(c.id())) {
                p.lookup.offer(c, p.round);
            }
        }
        p.lookup.onOutcome(p.peer, true);
        advance(p.lookup);
    }

    private CompletableFuture<DhtLookupResult> startLookup(KademliaLookup.Kind kind, Bytes32 target, int wanted) {
        if (runningLookups >= config.maxConcurrentLookups()) {
            return CompletableFuture.failedFuture(new TooManyLookups(config.maxConcurrentLookups()));
        }
        KademliaLookup lookup = new KademliaLookup(kind, target, self, config.k(), config.alpha(), wanted);
        if (kind == KademliaLookup.Kind.PROVIDERS) {
            store.get(target, now).forEach(lookup::addProvider);
        }
        for (DhtContact c : table.closest(target, config.k(), this::usable)) {
            lookup.offer(c, 0);
        }
        runningLookups++;
        advance(lookup);
        return lookup.future;
    }

    private void advance(KademliaLookup lookup) {
        if (lookup.future.isDone()) {
            return;
        }
        if (!lookup.done()) {
            for (KademliaLookup.Ask ask : lookup.next()) {
                Pending p = track(ask.contact().id(),
                        lookup.kind == KademliaLookup.Kind.NODES ? Kind.FIND_NODE : Kind.FIND_PROVIDERS);
                p.lookup = lookup;
                p.round = ask.round();
                output.send(ask.contact().id(), lookup.kind == KademliaLookup.Kind.NODES
                        ? new FindNode(p.id, lookup.target) : new FindProviders(p.id, lookup.target));
            }
        }
        if (lookup.done()) {
            runningLookups--;
            lookup.future.complete(lookup.result());
        }
    }

    private CompletableFuture<Integer> announce(Bytes32 key, List<DhtAddress> addresses) {
        ProviderRecord record = ProviderRecord.signed(key, self, addresses, now + config.providerTtlMillis(), signer);
        store.put(record, now);
        Announce announce = new Announce();
        findNode(key, now).whenComplete((result, error) -> {
            if (error != null) {
                announce.future.completeExceptionally(error);
                return;
            }
            List<DhtContact> targets = new ArrayList<>(result.closest());
            if (targets.isEmpty()) {
                announce.future.complete(0);
                return;
            }
            announce.remaining = targets.size();
            for (DhtContact c : targets) {
                Pending p = track(c.id(), Kind.ADD_PROVIDER);
                p.announce = announce;
                output.send(c.id(), new AddProvider(p.id, record));
            }
        });
        return announce.future;
    }
}
