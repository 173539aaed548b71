package net.dig.service;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.ReplicaRepair;
import net.dig.storage.DatastoreVersion;

/**
 * Runs this node's {@link ReplicaRepair} against the network (docs/decisions.md D65a): each {@link #tick} counts
 * the holders of every datastore the network announced and this node does not hold, tells the machine, and
 * fetches what it says is due once a fresh count confirms the shortfall. Fetches go through the node's one
 * {@link FetchService} ({@link FetchService#begin}: the staging area outside the store, verified landing), so a
 * re-replicated datastore is served only once it landed whole, and a fetch a crash interrupted is resumed from its
 * staging area by {@link ReplicationService#tick} like any other.
 *
 * <p>What the network tells it comes through {@link Network} (in the node: DHT provider records, holdings
 * announcements, a holder's signed manifest); whether this node takes copies at all, and its room, through
 * {@link Volunteering}, where a node-mode policy (archive, selective) plugs in.
 *
 * <p>A node that just started has not heard every holder yet (holdings announcements arrive as peers connect,
 * DHT lookups improve as the routing table fills), so it counts nothing for {@code settleMillis} after it is made
 * and would otherwise take copies of datastores that are not short.
 *
 * <p>Concurrency and failure modes: {@link #tick} is called from one thread and blocks (lookups bounded by
 * {@link #LOOKUP_WAIT}, the index); the machine is only touched there. A lookup that fails or times out skips the
 * datastore until the next tick. A refused begin (bad signature, stale version) or a failed fetch is reported to
 * the machine as failed, which backs off. Signed records learnt are cached per datastore (at most
 * {@link #MAX_RECORDS}), the newest version kept.
 */
public final class ReReplicationService<P> {
    /** How long one holder lookup or record fetch may take before the datastore is skipped this tick. */
    public static final long LOOKUP_WAIT = 10_000;
    static final int MAX_RECORDS = 65_536;
    static final long ARCHIVE_FIRST_RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final long ARCHIVE_MAX_RETRY_NANOS = TimeUnit.HOURS.toNanos(1);

    /**
     * A version record a holder gave, and the datastore name it gave with it: believed by the policy only when it hashes
     * to the record's owner-signed name hash ({@link ReplicationService#keeps(DatastoreVersion, String)}).
     */
    public record Signed(DatastoreVersion version, String name) {
        public Signed {
            java.util.Objects.requireNonNull(version, "version");
            java.util.Objects.requireNonNull(name, "name");
        }
    }

    /** What re-replication needs from the network. */
    public interface Network<P> {
        /** The datastores peers announced they hold. */
        Collection<Bytes32> known();

        /** The holders the network knows for {@code datastoreId} (provider records), this node excluded. */
        CompletionStage<List<P>> holders(Bytes32 datastoreId);

        /** How many nodes, this one included, could take a copy of a datastore with {@code holders} holders. */
        int candidates(int holders);

        /** The owner-signed latest version record of {@code datastoreId}, with its name, asked of {@code holders}. */
        CompletionStage<Optional<Signed>> record(Bytes32 datastoreId, List<P> holders);

        /** A fetch link whose answers go to {@code sink}. */
        PeerLink<P> link(BiConsumer<P, FetchResponse> sink);
    }

    /** Whether, and with how much room, this node takes copies (the replication switch, a mode policy). */
    public interface Volunteering {
        boolean replicates();

        long roomBytes();

        /**
         * Whether the operating mode keeps this version of a datastore a holder says is named {@code name} (archive,
         * selective); one it refuses is never volunteered for.
         */
        boolean keeps(DatastoreVersion version, String name);

        /** Whether the mode takes a copy of everything it hears of, however many holders ({@link HoldingPolicy#takesEverything}). */
        default boolean takesEverything() {
            return false;
        }

        /**
         * A fetch of {@code version} began from the {@code holders} holders counted last ({@link ReplicationService#replicating}:
         * once landed, it was taken from peers).
         */
        default void fetching(DatastoreVersion version, int holders) {
        }
    }

    private final DatastoreService datastores;
    private final FetchService fetches;
    private final ReplicaRepair repair;
    private final Network<P> network;
    private final Volunteering volunteering;
    private final Executor workers;
    private final Clock clock;
    private final Map<Bytes32, Signed> records = new HashMap<>();
    private final Map<Bytes32, FetchDriver<P>> running = new HashMap<>();
    /** Datastores fetched because the mode takes everything, not because the repair machine asked. */
    private final java.util.Set<Bytes32> archiving = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When a failed archive copy may be tried again, and the wait that led there (doubled at the next failure). */
    private record Retry(long notBeforeNanos, long waitNanos) {}

    private final Map<Bytes32, Retry> archiveRetry = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long landed;
    private volatile long failed;
    private volatile long rounds;
    private final long settleUntilNanos;

    public ReReplicationService(DatastoreService datastores, FetchService fetches, ReplicaRepair repair, Network<P> network,
                                Volunteering volunteering, Executor workers, Clock clock, long settleMillis) {
        this.datastores = Objects.requireNonNull(datastores, "datastores");
        this.fetches = Objects.requireNonNull(fetches, "fetches");
        this.repair = Objects.requireNonNull(repair, "repair");
        this.network = Objects.requireNonNull(network, "network");
        this.volunteering = Objects.requireNonNull(volunteering, "volunteering");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (settleMillis < 0) {
            throw new IllegalArgumentException("settle time must be >= 0");
        }
        this.settleUntilNanos = clock.nanos() + settleMillis * 1_000_000;
    }

    /** One round: ended fetches reported, holders counted, due datastores confirmed and fetched. Blocking; one thread. */
    public void tick() {
        collectEnded();
        if (!volunteering.replicates() || clock.nanos() - settleUntilNanos < 0) {
            return;
        }
        for (Bytes32 id : network.known()) {
            if (datastores.manifest(id).isPresent()) {
                repair.forget(id);
                archiveRetry.remove(id);
                continue;
            }
            if (running.containsKey(id)) {
                continue;
            }
            Optional<List<P>> holders = await(network.holders(id));
            if (holders.isEmpty()) {
                continue;
            }
            int count = holders.get().size();
            if (count >= repair.settings().targetHolders() && volunteering.takesEverything()) {
                archive(id, holders.get());
                continue;
            }
            if (count >= repair.settings().targetHolders()) {
                repair.observe(id, records.containsKey(id) ? records.get(id).version().totalSize() : 0, count,
                        network.candidates(count));
                continue;
            }
            Optional<Signed> record = record(id, holders.get());
            if (record.isPresent() && !volunteering.keeps(record.get().version(), record.get().name())) {
                repair.forget(id);
            } else if (record.isPresent()) {
                repair.observe(id, record.get().version().totalSize(), count, network.candidates(count));
            }
        }
        rounds++;
        for (Bytes32 id : repair.due(volunteering.roomBytes())) {
            Optional<List<P>> holders = await(network.holders(id));
            if (holders.isEmpty()) {
                repair.confirm(id, 0);
                repair.finished(id, false);
                continue;
            }
            if (repair.confirm(id, holders.get().size())) {
                begin(id, holders.get());
            }
        }
    }

    /**
     * A mode that takes everything ({@link Volunteering#takesEverything}) fetches a datastore held widely enough that
     * re-replication would leave it alone: at most {@code max_concurrent} such fetches at once, within the room, a
     * failed one waiting twice as long each time before it is tried again. The repair machine does not see these.
     */
    private void archive(Bytes32 id, List<P> holders) {
        Retry retry = archiveRetry.get(id);
        if (retry != null && clock.nanos() - retry.notBeforeNanos() < 0 || archiving.size() >= repair.settings().maxConcurrent()) {
            return;
        }
        Optional<Signed> record = record(id, holders);
        if (record.isEmpty() || !volunteering.keeps(record.get().version(), record.get().name())
                || record.get().version().totalSize() > volunteering.roomBytes()) {
            return;
        }
        archiving.add(id);
        begin(id, holders);
    }

    /** Fetches landed and failed since start (for status and tests). */
    public long landed() {
        return landed;
    }

    public long failed() {
        return failed;
    }

    /** Rounds ({@link #tick} calls that counted holders) completed since start. */
    public long rounds() {
        return rounds;
    }

    /** The re-replication fetch running for a datastore, if any. */
    public synchronized Optional<FetchSession<P>> fetching(Bytes32 datastoreId) {
        return Optional.ofNullable(running.get(datastoreId)).map(FetchDriver::session);
    }

    @SuppressWarnings("unchecked")
    private void begin(Bytes32 id, List<P> holders) {
        DatastoreVersion v = records.get(id).version();
        BiConsumer<P, FetchResponse>[] sink = new BiConsumer[1];
        PeerLink<P> link = network.link((p, r) -> sink[0].accept(p, r));
        FetchSession<P> session;
        try {
            session = fetches.begin(v, holders, link);
        } catch (ServiceException e) {
            ended(id, e.code() == ErrorCode.STALE_VERSION);
            return;
        }
        volunteering.fetching(v, holders.size());
        FetchDriver<P> driver = FetchDriver.of(session, workers, clock);
        sink[0] = driver::onResponse;
        synchronized (this) {
            running.put(id, driver);
        }
        driver.start();
    }

    private synchronized void collectEnded() {
        var it = running.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            Optional<FetchSession.Outcome> outcome = e.getValue().session().outcome();
            if (outcome.isEmpty()) {
                e.getValue().tick();
                continue;
            }
            it.remove();
            boolean ok = outcome.get().state() == FetchSession.State.LANDED
                    || outcome.get().state() == FetchSession.State.ALREADY_HELD;
            if (ok) {
                landed++;
            } else {
                failed++;
            }
            ended(e.getKey(), ok);
        }
    }

    /** A fetch of {@code id} ended: the repair machine hears of its own; a failed archive copy backs off. */
    private void ended(Bytes32 id, boolean ok) {
        if (!archiving.remove(id)) {
            repair.finished(id, ok);
            return;
        }
        if (ok) {
            archiveRetry.remove(id);
            return;
        }
        Retry last = archiveRetry.get(id);
        long wait = last == null ? ARCHIVE_FIRST_RETRY_NANOS : Math.min(ARCHIVE_MAX_RETRY_NANOS, last.waitNanos() * 2);
        archiveRetry.put(id, new Retry(clock.nanos() + wait, wait));
    }

    private Optional<Signed> record(Bytes32 id, List<P> holders) {
        Signed cached = records.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (holders.isEmpty()) {
            return Optional.empty();
        }
        Optional<Signed> found = await(network.record(id, holders)).flatMap(r -> r).filter(r -> r.version().datastoreId()
                .equals(id) && r.version().idDerivationValid() && r.version().signatureValid());
        found.ifPresent(v -> {
            if (records.size() >= MAX_RECORDS) {
                records.keySet().stream().findAny().ifPresent(records::remove);
            }
            records.put(id, v);
        });
        return found;
    }

    private static <T> Optional<T> await(CompletionStage<T> stage) {
        try {
            return Optional.ofNullable(stage.toCompletableFuture().get(LOOKUP_WAIT, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
