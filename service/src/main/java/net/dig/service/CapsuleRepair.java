package net.dig.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.storage.CapsuleDamage;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.Manifest;

/**
 * Self-healing (docs/architecture.md §6 step 5): a capsule this node found bad is fetched again from
 * other holders of the same version, verified as any fetch is, and stored as a new copy.
 *
 * <h2>What is repaired</h2>
 * A capsule of the version held with no copy left that may be served whole
 * ({@link DatastoreService#unavailableCapsules}). Damage is taken in from {@link #onDamage} (the
 * {@link ContentService#onRepairNeeded} listener) and, after a restart, from {@link #scan}; just before
 * each attempt the capsules are checked again, so one served again from another copy, a datastore that
 * moved to a newer version or left the node, is dropped without a fetch. The fetch is a
 * {@link FetchService#repair} session: only those capsules, their prologues proven against the signed
 * merkle_root of the version held, every chunk checked, staged outside the store, rehashed from disk and
 * landed by {@link DatastoreService#repairCapsule} in a new plot; the bad copy stays refused.
 *
 * <h2>Bounds</h2>
 * One session per datastore at a time, so a capsule is never repaired twice at once; at most
 * {@link RepairConfig#maxConcurrent()} capsules under repair across datastores (the rest wait their
 * turn). An attempt that repairs nothing (the {@link Transport} names no provider, every provider was
 * dropped, the store refused) is counted failed and the datastore waits {@link RepairConfig#backoff}
 * (doubling per failure, clock injected) before the next; {@link #tick} starts what is due. A provider
 * whose bytes or proofs fail is penalised by the session through the transport's {@link PeerLink}
 * (counted here) and dropped; the others finish.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. The bookkeeping is guarded by this object's lock, never held across I/O. Checks against
 * the store, session starts and landings run on the injected executor (blocking work: a worker pool);
 * {@link #onDamage} only records and hands off, so the thread that found the damage is not held.
 */
public final class CapsuleRepair<P> implements MeterBinder {
    /** What repairs need from the peer network. */
    public interface Transport<P> {
        /** Peers that may hold {@code datastoreId} (empty: none known now). */
        CompletionStage<? extends Collection<P>> providers(Bytes32 datastoreId);

        /** A fetch link whose answers go to {@code sink}. */
        PeerLink<P> link(BiConsumer<P, FetchResponse> sink);
    }

    /**
     * Capsules awaiting repair ({@code pending}, those being fetched included), being fetched now
     * ({@code running}), repaired since start, attempts that repaired nothing, and providers penalised for
     * bad answers.
     */
    public record Status(int pending, int running, long repaired, long failedAttempts, long providersPenalised) {
        public static final Status NONE = new Status(0, 0, 0, 0, 0);
    }

    private final class Entry {
        final Bytes32 datastoreId;
        final TreeSet<Integer> pending = new TreeSet<>();
        List<Integer> inRepair = List.of();
        boolean busy;
        int failures;
        long notBefore;
        FetchDriver<P> driver;

        Entry(Bytes32 datastoreId) {
            this.datastoreId = datastoreId;
        }
    }

    private final FetchService fetches;
    private final DatastoreService datastores;
    private final Transport<P> transport;
    private final Executor workers;
    private final Clock clock;
    private final RepairConfig config;
    private final Map<Bytes32, Entry> entries = new LinkedHashMap<>();
    private int running;
    private final AtomicLong repaired = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong penalised = new AtomicLong();

    CapsuleRepair(FetchService fetches, DatastoreService datastores, Transport<P> transport, Executor workers, Clock clock,
            RepairConfig config) {
        this.fetches = Objects.requireNonNull(fetches, "fetches");
        this.datastores = Objects.requireNonNull(datastores, "datastores");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The fetch service the repairs run their sessions through. */
    public FetchService fetches() {
        return fetches;
    }

    /**
     * A copy found bad: its capsule is queued for repair; never blocks. While the node shuts down (the
     * workers refuse tasks) it stays queued, and the scan of the next start finds it.
     */
    public void onDamage(CapsuleDamage damage) {
        synchronized (this) {
            entries.computeIfAbsent(damage.datastoreId(), Entry::new).pending.add(damage.capsuleIndex());
        }
        try {
            workers.execute(this::startDue);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            System.getLogger(CapsuleRepair.class.getName()).log(System.Logger.Level.INFO,
                    "repair_deferred: "
                            + "repair of datastore " + damage.datastoreId().toHex() + " waits for the next start: " + e.getMessage());
        }
    }

    /**
     * Blocking: queues every capsule of every datastore held that no copy can serve (damage found before
     * a restart), and deletes the repair staging areas of datastores with nothing left to repair (a crash
     * after a repair landed). Call once at start.
     */
    public void scan() {
        for (DatastoreSummary d : datastores.datastores()) {
            List<Integer> bad;
            try {
                bad = datastores.unavailableCapsules(d.datastoreId());
            } catch (ServiceException e) {
                continue; // evicted meanwhile, or the index is busy: the next damage event or scan finds it
            }
            if (bad.isEmpty()) {
                fetches.discardRepairStaging(d.datastoreId());
            } else {
                synchronized (this) {
                    entries.computeIfAbsent(d.datastoreId(), Entry::new).pending.addAll(bad);
                }
            }
        }
        workers.execute(this::startDue);
    }

    /**
     * Time passed: running sessions time out stalled providers, a session left without providers ends as
     * a failed attempt (what it verified stays staged for the next), and due attempts start. Call it
     * periodically.
     */
    public void tick() {
        List<FetchDriver<P>> drivers = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries.values()) {
                if (e.driver != null) {
                    drivers.add(e.driver);
                }
            }
        }
        for (FetchDriver<P> d : drivers) {
            if (d.session().starved()) {
                workers.execute(() -> d.session().stop(ErrorCode.UNAVAILABLE, "no provider left"));
            } else {
                d.tick();
            }
        }
        workers.execute(this::startDue);
    }

    public synchronized Status status() {
        int pending = 0;
        for (Entry e : entries.values()) {
            pending += e.pending.size();
        }
        return new Status(pending, running, repaired.get(), failed.get(), penalised.get());
    }

    /** The repair session of a datastore running now, if any. */
    public synchronized Optional<FetchSession<P>> session(Bytes32 datastoreId) {
        Entry e = entries.get(datastoreId);
        return e == null || e.driver == null ? Optional.empty() : Optional.of(e.driver.session());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("repair_pending_capsules", this, r -> r.status().pending())
                .description("capsules found bad with no servable copy, awaiting repair").strongReference(true).register(registry);
        Gauge.builder("repair_running_capsules", this, r -> r.status().running())
                .description("capsules being fetched from other holders for repair").strongReference(true).register(registry);
        FunctionCounter.builder("repair_capsules_repaired", repaired, AtomicLong::get)
                .description("capsules repaired from other holders").register(registry);
        FunctionCounter.builder("repair_attempts_failed", failed, AtomicLong::get)
                .description("repair attempts that repaired nothing (no provider, all failed, store refused)").register(registry);
        FunctionCounter.builder("repair_providers_penalised", penalised, AtomicLong::get)
                .description("providers penalised for bad bytes or proofs during repairs").register(registry);
    }

    // ------------------------------------------------------------------ attempts

    /** Starts an attempt for every datastore that is due, idle and fits under the bound. */
    private void startDue() {
        List<Entry> due = new ArrayList<>();
        synchronized (this) {
            long now = clock.nanos();
            for (Entry e : entries.values()) {
                if (!e.busy && !e.pending.isEmpty() && now - e.notBefore >= 0 && running < config.maxConcurrent()) {
                    e.busy = true;
                    due.add(e);
                }
            }
        }
        for (Entry e : due) {
            try {
                attempt(e);
            } catch (RuntimeException ex) {
                failedAttempt(e, ex.getMessage());
            }
        }
    }

    /** Blocking: drops what needs no repair any more, takes what fits, and asks for providers. */
    private void attempt(Entry e) {
        Optional<Manifest> held = datastores.manifest(e.datastoreId);
        List<Integer> unavailable = held.isEmpty() ? List.of() : datastores.unavailableCapsules(e.datastoreId);
        List<Integer> wanted = new ArrayList<>();
        synchronized (this) {
            e.pending.retainAll(unavailable);
            if (e.pending.isEmpty()) {
                e.busy = false;
                entries.remove(e.datastoreId);
                return;
            }
            for (int c : e.pending) {
                if (running + wanted.size() >= config.maxConcurrent()) {
                    break;
                }
                wanted.add(c);
            }
            if (wanted.isEmpty()) {
                e.busy = false;
                return;
            }
            e.inRepair = List.copyOf(wanted);
            running += wanted.size();
        }
        DatastoreVersion version = held.get().version();
        transport.providers(e.datastoreId).whenComplete((providers, error) -> workers.execute(() -> {
            if (error != null || providers == null || providers.isEmpty()) {
                failedAttempt(e, error != null ? "provider lookup failed: " + error.getMessage() : "no provider known");
                return;
            }
            try {
                begin(e, version, providers);
            } catch (RuntimeException ex) {
                failedAttempt(e, ex.getMessage());
            }
        }));
    }

    @SuppressWarnings("unchecked")
    private void begin(Entry e, DatastoreVersion version, Collection<P> providers) {
        BiConsumer<P, FetchResponse>[] sink = new BiConsumer[1];
        PeerLink<P> inner = transport.link((p, r) -> sink[0].accept(p, r));
        PeerLink<P> link = new PeerLink<>() {
            @Override
            public void send(P peer, FetchRequest request) {
                inner.send(peer, request);
            }

            @Override
            public void penalise(P peer, ErrorCode code, String why) {
                penalised.incrementAndGet();
                inner.penalise(peer, code, why);
            }
        };
        FetchSession<P> session = fetches.repair(version, e.inRepair, List.copyOf(providers), link,
                s -> workers.execute(() -> ended(e, s)));
        FetchDriver<P> driver = FetchDriver.of(session, workers, clock);
        sink[0] = driver::onResponse;
        synchronized (this) {
            e.driver = driver;
        }
        driver.start();
    }

    private void ended(Entry e, FetchSession<P> session) {
        FetchSession.Outcome o = session.outcome().orElseThrow();
        switch (o.state()) {
            case LANDED -> {
                synchronized (this) {
                    repaired.addAndGet(e.inRepair.size());
                    e.pending.removeAll(e.inRepair);
                    e.failures = 0;
                    e.notBefore = clock.nanos();
                    release(e);
                }
                workers.execute(this::startDue);
            }
            case SUPERSEDED, ALREADY_HELD -> {
                synchronized (this) {
                    e.notBefore = clock.nanos(); // checked again at once against what is held now
                    release(e);
                }
                workers.execute(this::startDue);
            }
            case FAILED, RUNNING -> failedAttempt(e, o.message());
        }
    }

    private void failedAttempt(Entry e, String why) {
        synchronized (this) {
            failed.incrementAndGet();
            e.failures++;
            e.notBefore = clock.nanos() + config.backoff(e.failures).toNanos();
            release(e);
        }
        System.getLogger(CapsuleRepair.class.getName()).log(System.Logger.Level.INFO,
                "repair_attempt_failed: repair of capsules of datastore "
                + e.datastoreId.toHex() + " did not succeed (" + why + "); next try in " + config.backoff(e.failures));
    }

    /** Under the lock: the entry is idle again; an entry with nothing pending is forgotten. */
    private void release(Entry e) {
        running -= e.inRepair.size();
        e.inRepair = List.of();
        e.driver = null;
        e.busy = false;
        if (e.pending.isEmpty()) {
            entries.remove(e.datastoreId, e);
        }
    }
}
