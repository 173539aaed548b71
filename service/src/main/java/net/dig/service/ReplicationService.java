package net.dig.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.Manifest;
import net.dig.storage.StorageEvents;

/**
 * Push propagation of datastore versions between nodes (docs/decisions.md D40b): store and forward.
 *
 * <h2>Announcing</h2>
 * When a version becomes current here (a storage event: ingest, a push, a fetch that landed), it is offered,
 * with its owner-signed record and its datastore's name, to every peer the {@link Transport} lists except
 * those known to hold it already (the peers that offered it to this node). Only stored versions are offered,
 * so only verified bytes travel on. {@link #announced} gives the answers ({@link Propagation}): the peers
 * that accepted, the free space they reported, and the storage estimate: the latest time by which an
 * accepting peer expects to hold the version, each peer estimating from the rate its own past fetches
 * achieved.
 *
 * <p>A version counts as offered once a peer answered its offer; that mark is kept across restarts
 * ({@link OfferedVersions}, {@link #keepOfferedIn}). {@link #tick} offers every latest version held here
 * that is not marked, once peers are connected: a version added while the node was stopped, or committed
 * while no peer answered, reaches the peers on the next start.
 *
 * <h2>Receiving an offer</h2>
 * {@link #onOffer} answers before anything is fetched: declined with {@link Decline#OPTED_OUT} when this node
 * does not replicate ({@code network.replicate}), {@link ErrorCode#BAD_SIGNATURE} when the record's owner
 * signature or id does not verify, {@link ErrorCode#OWNER_MISMATCH} for another owner's version of a
 * datastore held here, {@link Decline#ALREADY_HELD} for the version held, {@link ErrorCode#STALE_VERSION} for
 * an older one. A newer version that does not fit the free space is declined with
 * {@link ErrorCode#INSUFFICIENT_STORAGE} (a full node takes nothing new), and one the node's {@link HoldingPolicy}
 * (its operating mode) does not keep with the policy's {@link HoldingPolicy.Reason} name: both without a byte
 * fetched and without penalty. The policy sees the offered name only when its SHA-256 is the record's
 * owner-signed name hash (else no name, as for an offer that names none), so a peer cannot rename a datastore
 * past a name glob (docs/decisions.md D62c). Otherwise it is accepted: its fetch begins (through
 * {@link FetchService}, which supersedes an older fetch of the same datastore) from the peer that offered it and
 * every other peer known to hold it; a peer that offers the version being fetched joins that fetch as a
 * provider. The fetch's own checks (signed root, chunk hashes, file table) decide what lands.
 *
 * <h2>Holdings under a policy</h2>
 * A version a fetch of this node landed is marked as taken from peers ({@link #keepTakenIn}); only those are
 * re-evaluated by {@link #reviewHoldings} when the policy changes ({@link #usePolicy}), and a landed one is
 * checked once more with its name, now known ({@link HoldingReview}). The default policy keeps every
 * offered version.
 *
 * <h2>Resume</h2>
 * A fetch whose staging area survived a restart ({@link FetchService#staged}) is begun again by {@link #tick}
 * once peers are connected, if the policy still keeps it (else its staging area is deleted; a staged
 * version's name is not known, so {@link HoldingPolicy.Reason#NAME_UNKNOWN} resumes it and the review of the
 * landed version decides), asking every connected peer (one that does not hold the version refuses and is
 * dropped without penalty); it continues from the windows already staged.
 *
 * <h2>Concurrency and failure modes</h2>
 * Thread-safe. {@link #onOffer} blocks (SQLite, the staging area): call it from a worker. Fetch sessions
 * run on the injected executor through a {@link FetchDriver} stamped by the injected clock; {@link #tick}
 * lets them time out stalled providers. A peer that does not answer an offer counts as not accepting.
 * Offers of one version that arrive together begin one fetch and are all accepted; a version committed
 * here is offered once per peer, by the commit or by the tick, whichever comes first.
 * The holders remembered per version are bounded ({@code MAX_VERSIONS} versions, oldest forgotten).
 */
public final class ReplicationService<P> implements StorageEvents {
    /**
     * Why an offer is declined when no error-table row and no {@link HoldingPolicy.Reason} says it (those
     * travel by their names too).
     */
    public enum Decline {
        /** This node does not take versions from peers. */
        OPTED_OUT,
        /** This node holds exactly that version. */
        ALREADY_HELD
    }

    /**
     * A peer's answer to an offer: accepted, or why not (an {@link ErrorCode} or {@link Decline} name); on
     * accept, its free space once it holds the version and when it expects to (Unix millis).
     */
    public record Reply(boolean accepted, String reason, long freeBytes, long storedByMillis) {
        public Reply {
            Objects.requireNonNull(reason, "reason");
        }

        static Reply decline(String reason) {
            return new Reply(false, reason, 0, 0);
        }
    }

    /**
     * What the peers answered to one version's offer: the peers that accepted, the sum of the free space
     * they reported ({@code freeBytes}), and {@code storedByMillis}, the latest time by which they expect
     * to hold it (the commit time here when none accepted).
     */
    public record Propagation(Bytes32 datastoreId, long version, List<String> acceptedBy, long freeBytes, long storedByMillis) {
        public Propagation {
            acceptedBy = List.copyOf(acceptedBy);
        }
    }

    /** What replication needs from the peer network. */
    public interface Transport<P> {
        /** The peers to offer versions to. */
        Collection<P> peers();

        /**
         * Offers {@code version}, whose datastore is named {@code name}, to {@code peer}; completes with its answer
         * (exceptionally: no answer).
         */
        CompletableFuture<Reply> offer(P peer, DatastoreVersion version, String name);

        /** A fetch link whose answers go to {@code sink}. */
        PeerLink<P> link(BiConsumer<P, FetchResponse> sink);

        /** How a peer is named to clients (the API's peer ids). */
        default String name(P peer) {
            return String.valueOf(peer);
        }
    }

    static final int MAX_VERSIONS = 4096;
    /** The fetch rate assumed before any fetch landed: the default per-peer upload cap. */
    static final double INITIAL_FETCH_RATE = 8 << 20;

    private final DatastoreService datastores;
    private final FetchService fetches;
    private final Transport<P> transport;
    private final Executor workers;
    private final Clock clock;
    private final boolean replicate;
    private final LongSupplier freeBytes;
    /** Peers known to hold each version (they offered it); insertion order, oldest dropped past MAX_VERSIONS. */
    private final Map<String, Set<P>> holders = new LinkedHashMap<>();
    private final Map<Bytes32, FetchDriver<P>> drivers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Propagation>> propagations = new ConcurrentHashMap<>();
    private final Map<Bytes32, Long> began = new ConcurrentHashMap<>();
    /** Bytes per second the fetches of this node achieved (a moving average), what its stored-by estimates use. */
    private volatile double fetchRate = INITIAL_FETCH_RATE;
    private final Set<String> offering = ConcurrentHashMap.newKeySet();
    /** Held from "is a fetch of it running?" to "it is": two offers of one version begin one fetch. */
    private final Object beginning = new Object();
    private volatile OfferedVersions offered = OfferedVersions.inMemory();
    private volatile HoldingPolicy policy;
    private volatile HoldingFacts facts = HoldingFacts.NONE;
    private volatile HoldingReview review;
    private final byte[] ownKey;
    /** Tests see each offer this node sends and each version it starts fetching. */
    volatile Consumer<String> steps = s -> { };

    ReplicationService(DatastoreService datastores, FetchService fetches, Transport<P> transport, Executor workers, Clock clock,
            boolean replicate, LongSupplier freeBytes, byte[] ownKey) {
        this.datastores = Objects.requireNonNull(datastores, "datastores");
        this.fetches = Objects.requireNonNull(fetches, "fetches");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replicate = replicate;
        this.freeBytes = Objects.requireNonNull(freeBytes, "freeBytes");
        this.ownKey = ownKey.clone();
        this.policy = SelectivePolicy.keepingAll(clock);
        this.review = new HoldingReview(datastores, ownKey, OfferedVersions.inMemory(), facts);
    }

    /** The fetch service the accepted versions are fetched through. */
    public FetchService fetches() {
        return fetches;
    }

    /** Keeps the offered marks in {@code marks} (crash-safe) rather than in memory; call before the first tick. */
    public void keepOfferedIn(OfferedVersions marks) {
        this.offered = Objects.requireNonNull(marks, "marks");
    }

    /**
     * Keeps the marks of the versions taken from peers in {@code marks} (crash-safe), and reads demand,
     * handles and tiers from {@code known}; call before the first tick.
     */
    public void keepTakenIn(OfferedVersions marks, HoldingFacts known) {
        this.facts = Objects.requireNonNull(known, "known");
        this.review = new HoldingReview(datastores, ownKey, Objects.requireNonNull(marks, "marks"), known);
    }

    /** Decides offers, from now on, by {@code next} (a mode switch); call {@link #reviewHoldings} to apply it to holdings. */
    public void usePolicy(HoldingPolicy next) {
        this.policy = Objects.requireNonNull(next, "next");
    }

    /** The policy offers are decided by. */
    public HoldingPolicy policy() {
        return policy;
    }

    /** {@link #keeps(DatastoreVersion, String)} knowing no name beyond the held version's. */
    public boolean keeps(DatastoreVersion v) {
        return keeps(v, "");
    }

    /**
     * Whether the current policy keeps {@code v}, asked before any fetch this node starts on its own; {@code name} is
     * what a holder said the datastore is named, trusted only when it hashes to the record's signed name hash.
     */
    public boolean keeps(DatastoreVersion v, String name) {
        return policy.decide(candidate(v, datastores.manifest(v.datastoreId()), name)).keep();
    }

    /** Evicts the datastores taken from peers that the current policy no longer keeps (see {@link HoldingReview}). Blocks. */
    public List<HoldingReview.Evicted> reviewHoldings() {
        return review.review(policy);
    }

    /**
     * A fetch of {@code v} this service did not begin, begun for replication all the same (re-replication, an archive
     * copy): once it lands it counts as taken from peers, as one this service began does (marked, reviewed by the
     * policy, evicted by a mode that no longer keeps it), and its rate feeds the stored-by estimate.
     */
    public void replicating(DatastoreVersion v) {
        began.put(v.datastoreId(), clock.nanos());
    }

    /** Whether a peer has answered an offer of this version (after which {@link #tick} offers it to nobody new). */
    public boolean offered(Bytes32 datastoreId, long version) {
        return offered.offered(datastoreId, version);
    }

    /** Whether this node takes versions offered by peers. */
    public boolean replicates() {
        return replicate;
    }

    @Override
    public void onVersionCommitted(Manifest manifest) {
        DatastoreVersion v = manifest.version();
        if (propagations.size() >= MAX_VERSIONS) {
            propagations.keySet().stream().findAny().ifPresent(propagations::remove);
        }
        CompletableFuture<Propagation> result = propagations.computeIfAbsent(key(v.datastoreId(), v.version()),
                k -> new CompletableFuture<>());
        boolean fetchedHere = landed(v);
        long now = clock.millis();
        if (fetchedHere) {
            HoldingReview r = review;
            r.taken().mark(v.datastoreId(), v.version());
            HoldingPolicy p = policy;
            workers.execute(() -> r.reviewLanded(p, manifest).ifPresent(e -> steps.accept("evicted " + e.reason())));
        }
        String key = key(v.datastoreId(), v.version());
        if (!offering.add(key)) {
            return; // the tick is offering this version already, and completes the same result
        }
        workers.execute(() -> announce(manifest).whenComplete((p, e) -> {
            offering.remove(key);
            result.complete(p != null ? p : new Propagation(v.datastoreId(), v.version(), List.of(), 0, now));
        }));
    }

    /**
     * The answers to the offer of a version stored here (completes once every peer answered or failed to);
     * empty when that version was never committed here. Kept for the versions of {@link #MAX_VERSIONS}.
     */
    public Optional<CompletableFuture<Propagation>> announced(Bytes32 datastoreId, long version) {
        return Optional.ofNullable(propagations.get(key(datastoreId, version)));
    }

    /** Offers {@code m}'s version to every peer not known to hold it. */
    CompletableFuture<Propagation> announce(Manifest m) {
        DatastoreVersion v = m.version();
        Set<P> skip = holdersOf(v);
        List<P> targets = transport.peers().stream().filter(p -> !skip.contains(p)).toList();
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (P p : targets) {
            steps.accept("offer " + p);
            replies.add(transport.offer(p, v, m.name()).exceptionally(e -> Reply.decline(ErrorCode.UNAVAILABLE.name())));
        }
        long now = clock.millis();
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<String> accepted = new ArrayList<>();
            long free = 0;
            long by = now;
            for (int i = 0; i < targets.size(); i++) {
                Reply r = replies.get(i).join();
                if (!r.reason().equals(ErrorCode.UNAVAILABLE.name())) {
                    offered.mark(v.datastoreId(), v.version());
                }
                if (r.accepted()) {
                    accepted.add(transport.name(targets.get(i)));
                    free += r.freeBytes();
                    by = Math.max(by, r.storedByMillis());
                }
            }
            return new Propagation(v.datastoreId(), v.version(), accepted, free, by);
        });
    }

    /** {@link #onOffer(Object, DatastoreVersion, String)} of an offer that names no datastore. */
    public Reply onOffer(P from, DatastoreVersion v) {
        return onOffer(from, v, "");
    }

    /**
     * Answers {@code from}'s offer of {@code v}, which says the datastore is named {@code offeredName}, and, on
     * accept, fetches it (see the class note). Blocks.
     */
    public Reply onOffer(P from, DatastoreVersion v, String offeredName) {
        remember(v, from);
        if (!replicate) {
            return Reply.decline(Decline.OPTED_OUT.name());
        }
        if (!v.idDerivationValid() || !v.signatureValid()) {
            return Reply.decline(ErrorCode.BAD_SIGNATURE.name());
        }
        Optional<Manifest> held = datastores.manifest(v.datastoreId());
        if (held.isPresent()) {
            DatastoreVersion h = held.get().version();
            if (!Arrays.equals(h.ownerPublicKey(), v.ownerPublicKey())) {
                return Reply.decline(ErrorCode.OWNER_MISMATCH.name());
            }
            if (h.version() == v.version()) {
                return Reply.decline(Decline.ALREADY_HELD.name());
            }
            if (h.version() > v.version()) {
                return Reply.decline(ErrorCode.STALE_VERSION.name());
            }
        }
        long growth = v.totalSize() - held.map(m -> m.version().totalSize()).orElse(0L);
        if (growth > freeBytes.getAsLong()) {
            return Reply.decline(ErrorCode.INSUFFICIENT_STORAGE.name());
        }
        HoldingPolicy.Verdict verdict = policy.decide(candidate(v, held, offeredName));
        if (!verdict.keep()) {
            steps.accept("refuse " + verdict.reason());
            return Reply.decline(verdict.reason().name());
        }
        Reply accept = new Reply(true, "", Math.max(0, freeBytes.getAsLong() - v.totalSize()),
                clock.millis() + (long) Math.ceil(v.totalSize() * 1000.0 / fetchRate));
        synchronized (beginning) {
            FetchDriver<P> running = drivers.get(v.datastoreId());
            if (running != null && running.session().version().version() == v.version()
                    && running.session().outcome().isEmpty()) {
                running.addProviders(List.of(from));
                return accept;
            }
            try {
                begin(v, holdersOf(v));
            } catch (ServiceException e) {
                return Reply.decline(e.code().name());
            }
        }
        return accept;
    }

    /**
     * What the policy sees of a version: its name when a name offered with it, or the held version's, is the one the
     * owner signed (its SHA-256 is the record's name hash); otherwise no name.
     */
    private HoldingCandidate candidate(DatastoreVersion v, Optional<Manifest> held, String offeredName) {
        Optional<String> name = java.util.stream.Stream.concat(java.util.stream.Stream.of(offeredName),
                held.map(Manifest::name).stream()).filter(n -> DatastoreVersion.nameSha256(n).equals(v.nameSha256()))
                .findFirst();
        HoldingFacts known = facts;
        return known.withHandles(HoldingCandidate.of(v, name, held.isPresent(), known.demand(v.datastoreId())));
    }

    @SuppressWarnings("unchecked")
    private void begin(DatastoreVersion v, Collection<P> providers) {
        BiConsumer<P, FetchResponse>[] sink = new BiConsumer[1];
        PeerLink<P> link = transport.link((p, r) -> sink[0].accept(p, r));
        FetchSession<P> session = fetches.begin(v, providers, link);
        FetchDriver<P> driver = FetchDriver.of(session, workers, clock);
        sink[0] = driver::onResponse;
        drivers.put(v.datastoreId(), driver);
        began.put(v.datastoreId(), clock.nanos());
        steps.accept("fetch " + v.version());
        driver.start();
    }

    /** Whether {@code v} was landed by a fetch begun here; if so its rate feeds the stored-by estimate. */
    private boolean landed(DatastoreVersion v) {
        Long start = began.remove(v.datastoreId());
        if (start == null) {
            return false;
        }
        long elapsed = clock.nanos() - start;
        if (elapsed > 0 && v.totalSize() > 0) {
            double rate = v.totalSize() * 1e9 / elapsed;
            fetchRate = 0.5 * fetchRate + 0.5 * rate;
        }
        return true;
    }

    /**
     * Lets running fetches time out stalled providers and forgets ended ones; once peers are connected,
     * offers the versions not yet offered and begins again the fetches a restart left staged. Blocking
     * (the index, the staging area); call periodically from one thread.
     */
    public void tick() {
        drivers.values().removeIf(d -> d.session().outcome().isPresent());
        drivers.values().forEach(FetchDriver::tick);
        Collection<P> peers = transport.peers();
        if (peers.isEmpty()) {
            return;
        }
        offerUnoffered();
        if (replicate) {
            resumeStaged(peers);
        }
    }

    private void offerUnoffered() {
        for (var d : datastores.datastores()) {
            String key = key(d.datastoreId(), d.version());
            if (offered.offered(d.datastoreId(), d.version()) || !offering.add(key)) {
                continue;
            }
            Optional<Manifest> m = datastores.manifest(d.datastoreId());
            if (m.isEmpty() || m.get().version().version() != d.version()) {
                offering.remove(key);
                continue;
            }
            CompletableFuture<Propagation> result = propagations.computeIfAbsent(key, k -> new CompletableFuture<>());
            announce(m.get()).whenComplete((p, e) -> {
                offering.remove(key);
                if (p != null) {
                    result.complete(p);
                }
            });
        }
    }

    private void resumeStaged(Collection<P> peers) {
        for (DatastoreVersion v : fetches.staged()) {
            if (fetchRunning(v.datastoreId())) {
                continue;
            }
            HoldingPolicy.Verdict verdict = policy.decide(candidate(v, datastores.manifest(v.datastoreId()), ""));
            if (!verdict.keep() && verdict.reason() != HoldingPolicy.Reason.NAME_UNKNOWN) {
                fetches.discard(v);
                steps.accept("resume refused " + verdict.reason());
                continue;
            }
            synchronized (beginning) {
                if (fetchRunning(v.datastoreId())) {
                    continue;
                }
                try {
                    begin(v, peers);
                } catch (ServiceException e) {
                    steps.accept("resume refused " + e.code());
                }
            }
        }
    }

    private boolean fetchRunning(Bytes32 datastoreId) {
        FetchDriver<P> d = drivers.get(datastoreId);
        return d != null && d.session().outcome().isEmpty();
    }

    /** The fetch this node runs for a datastore it accepted, if any. */
    public Optional<FetchSession<P>> fetching(Bytes32 datastoreId) {
        return Optional.ofNullable(drivers.get(datastoreId)).map(FetchDriver::session);
    }

    private synchronized void remember(DatastoreVersion v, P holder) {
        holders.computeIfAbsent(key(v.datastoreId(), v.version()), k -> new LinkedHashSet<>()).add(holder);
        while (holders.size() > MAX_VERSIONS) {
            String oldest = holders.keySet().iterator().next();
            holders.remove(oldest);
            propagations.remove(oldest);
        }
    }

    private synchronized Set<P> holdersOf(DatastoreVersion v) {
        return Set.copyOf(holders.getOrDefault(key(v.datastoreId(), v.version()), Set.of()));
    }

    private static String key(Bytes32 id, long version) {
        return id.toHex() + "/" + version;
    }
}
