package net.dig.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.storage.StorageEngine;

/**
 * The application services of one node over one storage engine, built together because they share
 * the content tiers: {@link DatastoreService}, {@link ContentService}, {@link ProofService} and the
 * {@link HandleService}; it also makes the two sides of a fetch from peers ({@link #capsuleWindows},
 * {@link #fetchService}). The transports (HTTP today, the peer network next) are handed this object and
 * never the engine. {@link #bindTo} binds the meters of every service; {@link #close} closes the
 * handle table (the engine belongs to the caller).
 */
public final class NodeServices implements MeterBinder, AutoCloseable {
    /**
     * Where the tiers and the handle table live ({@code l1Bytes}/{@code l2Bytes} 0 turn a tier off), and
     * the validators whose storage challenges are answered (64 lower-case hex digits each).
     */
    public record Settings(long l1Bytes, Path l2Dir, long l2Bytes, Path handlesFile, Set<String> validatorKeys) {
        public Settings {
            Objects.requireNonNull(l2Dir, "l2Dir");
            Objects.requireNonNull(handlesFile, "handlesFile");
            validatorKeys = Set.copyOf(validatorKeys);
        }

        /** Answering no validator. */
        public Settings(long l1Bytes, Path l2Dir, long l2Bytes, Path handlesFile) {
            this(l1Bytes, l2Dir, l2Bytes, handlesFile, Set.of());
        }
    }

    private final StorageEngine storage;
    private final Clock clock;
    private final NodeIdentity identity;
    private final ContentService content;
    private final DatastoreService datastores;
    private final ProofService proofs;
    private final HandleService handles;
    private volatile Holders holders = Holders.NONE;
    private volatile UploadBudget uploads;
    private volatile ReplicationService<?> replication;
    private volatile OfferedVersions taken = OfferedVersions.inMemory();
    private volatile FetchService fetches;
    private volatile TierBalancer tiering;
    private volatile ValidatorService<?> validator;
    private final AttestationBook attestations;
    private volatile RewardTracker rewards;
    private volatile StorageReports reports;
    private final java.util.List<net.dig.storage.StorageEvents> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private NodeServices(StorageEngine storage, Clock clock, NodeIdentity identity, ContentService content,
            DatastoreService datastores, ProofService proofs, HandleService handles) {
        this.storage = storage;
        this.clock = clock;
        this.identity = identity;
        this.content = content;
        this.datastores = datastores;
        this.proofs = proofs;
        this.handles = handles;
        this.attestations = new AttestationBook(clock);
        this.rewards = new RewardTracker(RewardTracker.DEFAULT_PER_TB_DAY, clock);
    }

    /** Opens the services over {@code storage}; {@code identity} signs proofs. */
    public static NodeServices open(StorageEngine storage, NodeIdentity identity, Clock clock, Settings settings) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(clock, "clock");
        CapsuleTiers tiers = new CapsuleTiers(settings.l1Bytes(), settings.l2Dir(), settings.l2Bytes());
        ContentService content = new ContentService(storage, tiers, clock);
        DatastoreService datastores = new DatastoreService(storage, content);
        HandleService handles = new HandleService(new HandleTable(settings.handlesFile()), datastores, clock);
        NodeServices services = new NodeServices(storage, clock, identity, content, datastores,
                new ProofService(storage, identity, clock, settings.validatorKeys()), handles);
        storage.addListener(content.storageEvents());
        return services;
    }

    public NodeIdentity identity() {
        return identity;
    }

    public ContentService content() {
        return content;
    }

    public DatastoreService datastores() {
        return datastores;
    }

    public ProofService proofs() {
        return proofs;
    }

    public HandleService handles() {
        return handles;
    }

    /**
     * What this node knows of a datastore for its holding policy: the HTTP reads of it ({@link ContentService#reads}),
     * {@code holdersKnown} (how many holders its peers' announcements list), and the active handles pointing at it
     * with the lowest tier among them ({@link HandleService#activeFor}).
     */
    public HoldingFacts holdingFacts(java.util.function.ToIntFunction<net.dig.core.Bytes32> holdersKnown) {
        Objects.requireNonNull(holdersKnown, "holdersKnown");
        return new HoldingFacts() {
            @Override
            public HoldingCandidate.Demand demand(net.dig.core.Bytes32 id) {
                return new HoldingCandidate.Demand(content.reads().perHour(id), holdersKnown.applyAsInt(id));
            }

            @Override
            public java.util.List<String> handles(net.dig.core.Bytes32 id) {
                return handles.activeFor(id).stream().map(net.dig.wire.NodePayload.HandleRegistration::label).toList();
            }

            @Override
            public java.util.OptionalInt tier(net.dig.core.Bytes32 id) {
                return handles.activeFor(id).stream().mapToInt(net.dig.wire.NodePayload.HandleRegistration::tier).min();
            }

            @Override
            public HoldingCandidate withHandles(HoldingCandidate c) {
                java.util.List<net.dig.wire.NodePayload.HandleRegistration> active = handles.activeFor(c.datastoreId());
                return c.withHandles(active.stream().map(net.dig.wire.NodePayload.HandleRegistration::label).toList(),
                        active.stream().mapToInt(net.dig.wire.NodePayload.HandleRegistration::tier).min());
            }
        };
    }

    /**
     * The tiering of this node's plots between storage classes by the HTTP read rates ({@link TierBalancer}); one
     * per node, ticked by the caller.
     */
    public TierBalancer tierBalancer(TierBalancer.Settings settings) {
        TierBalancer made = new TierBalancer(storage, content.reads(), settings, clock);
        this.tiering = made;
        return made;
    }

    /** What tiering has done and the plot directories by class ({@link TierBalancer#status}); empty before {@link #tierBalancer}. */
    public java.util.Optional<TierBalancer.Status> tiering() {
        TierBalancer t = tiering;
        return t == null ? java.util.Optional.empty() : java.util.Optional.of(t.status());
    }

    /** Makes {@code validator} this node's validator role, for status and peer reputation. */
    public void useValidator(ValidatorService<?> validator) {
        this.validator = Objects.requireNonNull(validator, "validator");
    }

    /** What this node's validator role has done; empty when the node is no validator. */
    public java.util.Optional<ValidatorService.Status> validation() {
        ValidatorService<?> v = validator;
        return v == null ? java.util.Optional.empty() : java.util.Optional.of(v.status());
    }

    /** The storage attestations this node knows: its validator's and its peers' ({@link AttestationBook}). */
    public AttestationBook attestations() {
        return attestations;
    }

    /** Makes {@code reports} this node's storage reports, for status. */
    public void useReports(StorageReports reports) {
        this.reports = Objects.requireNonNull(reports, "reports");
    }

    /** What this node's storage reports and its checks of its peers' did; empty before {@link #useReports}. */
    public java.util.Optional<StorageReports.Status> reports() {
        StorageReports r = reports;
        return r == null ? java.util.Optional.empty() : java.util.Optional.of(r.status());
    }

    /** Computes earnings at {@code rewardPerTbDay} DIG per attested TB and day ({@link RewardTracker}). */
    public void useRewardRate(double rewardPerTbDay) {
        this.rewards = new RewardTracker(rewardPerTbDay, clock);
    }

    /** What this node earned, from the attestations about it that it knows ({@link RewardTracker}). */
    public RewardTracker.Earnings earnings() {
        net.dig.core.Bytes32 self = net.dig.core.Bytes32.wrap(identity.publicKey());
        return rewards.earnings(self, attestations.about(self));
    }

    /** The reputation the attestations give {@code nodeKey}; empty when none is about it. */
    public java.util.OptionalDouble attestedReputation(net.dig.core.Bytes32 nodeKey) {
        return attestations.reputation(nodeKey);
    }

    /**
     * Keeps the read rates ({@link ContentService#reads}) in {@code file} across restarts: restores them now and saves
     * them on the returned file's ticks and close ({@link ReadRatesFile}). Once, at start, before reads are served.
     */
    public ReadRatesFile keepReadRatesIn(Path file) {
        return ReadRatesFile.open(file, content.reads(), clock);
    }

    /** Bytes of capsule windows uploaded to peers since start (the serving budget's grants; 0 before serving runs). */
    public long capsuleBytesUploaded() {
        UploadBudget u = uploads;
        return u == null ? 0 : u.bytesGranted();
    }

    /** Where readers can get datastores this node does not hold ({@link Holders#NONE} until {@link #useHolders}). */
    public Holders holders() {
        return holders;
    }

    /** The marks of the versions this node took from peers ({@link ReplicationService#keepTakenIn}), for listings. */
    public void useTakenMarks(OfferedVersions marks) {
        this.taken = Objects.requireNonNull(marks, "marks");
    }

    /** Why each held datastore is here ({@link DatastoreListing#byOrigin}). */
    public DatastoreListing.Reason listingReason() {
        return DatastoreListing.byOrigin(datastores, identity.publicKey(), taken);
    }

    /** Sets the holders a miss points readers at; the peer network sets them once its directory runs. */
    public void useHolders(Holders holders) {
        this.holders = java.util.Objects.requireNonNull(holders, "holders");
    }

    /**
     * The provider side of fetches: answers window and metadata requests from this node's store, windows
     * at most {@code windowCap} bytes, uploads paced by {@code budget}. One per node (the budget is shared).
     */
    public CapsuleWindows capsuleWindows(UploadBudget.Settings budget, int windowCap) {
        UploadBudget uploads = new UploadBudget(budget, clock.nanos());
        this.uploads = uploads;
        return new CapsuleWindows(content, uploads, clock, windowCap);
    }

    /** The fetches of this node, staged under {@code <data dir>/fetch}, landing through {@link #datastores()}. One per node. */
    public FetchService fetchService(FetchConfig config, RandomGenerator random) {
        FetchService made = new FetchService(datastores, storage.config().dataDir().resolve("fetch"), config, random);
        this.fetches = made;
        return made;
    }

    /** Bytes of capsule windows fetched from peers and verified since start (0 before the node fetches). */
    public long capsuleBytesDownloaded() {
        FetchService f = fetches;
        return f == null ? 0 : f.bytesFetched();
    }

    /**
     * The repairs of this node: capsules found bad are fetched through {@code fetches} from the peers
     * {@code transport} names and stored again ({@link CapsuleRepair}); registered for the content
     * service's damage events and its {@link ContentService#integrity} status. One per node; call
     * {@link CapsuleRepair#scan} once to take in damage found before a restart.
     */
    public <P> CapsuleRepair<P> capsuleRepair(FetchService fetches, CapsuleRepair.Transport<P> transport,
            java.util.concurrent.Executor workers, RepairConfig config) {
        CapsuleRepair<P> repair = new CapsuleRepair<>(fetches, datastores, transport, workers, clock, config);
        content.onRepairNeeded(repair::onDamage);
        content.repairStatus(repair::status);
        return repair;
    }

    /**
     * Push propagation over {@code transport} (one per node): offers every version committed here to the
     * peers, and answers and fetches their offers through {@code fetches} unless {@code replicate} is off.
     * {@code freeBytes} is this node's free space, what its answers estimate from.
     */
    public <P> ReplicationService<P> replication(FetchService fetches, ReplicationService.Transport<P> transport,
            java.util.concurrent.Executor workers, boolean replicate, java.util.function.LongSupplier freeBytes) {
        ReplicationService<P> r = new ReplicationService<>(datastores, fetches, transport, workers, clock, replicate, freeBytes,
                identity.publicKey());
        storage.addListener(r);
        listeners.add(r);
        replication = r;
        return r;
    }

    /** The push propagation of this node, once {@link #replication} made it. */
    public Optional<ReplicationService<?>> replicationService() {
        return Optional.ofNullable(replication);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        content.tiers().bindTo(registry);
        content.bindTo(registry);
        datastores.bindTo(registry);
        proofs.bindTo(registry);
        bindTiering(registry);
        io.micrometer.core.instrument.Gauge.builder("validation_success_rate", this, s -> s.earnings().successRate())
                .description("attested storage challenges this node passed, over all attested (the last 7 days)")
                .strongReference(true).register(registry);
        io.micrometer.core.instrument.Gauge.builder("earnings_per_tb", this, s -> s.earnings().earningsPerTbDay())
                .description("DIG per attested TB per day, the last completed day").strongReference(true).register(registry);
        io.micrometer.core.instrument.Gauge.builder("pending_rewards", this, s -> s.earnings().pendingDig())
                .description("DIG earned today so far, not yet in a completed day").strongReference(true).register(registry);
    }

    /** Tiering's meters, zero until {@link #tierBalancer} made it (a node with one storage class shows zeros). */
    private void bindTiering(MeterRegistry registry) {
        io.micrometer.core.instrument.FunctionCounter.builder("storage_tier_promotions", this,
                s -> s.tiering().map(TierBalancer.Status::promoted).orElse(0L)).description("plots moved to a faster storage class")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("storage_tier_demotions", this,
                s -> s.tiering().map(TierBalancer.Status::demoted).orElse(0L)).description("plots moved to a slower storage class")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("storage_tier_move_failures", this,
                s -> s.tiering().map(TierBalancer.Status::failed).orElse(0L))
                .description("plot moves or copy removals that failed (retried on a later pass)").register(registry);
        for (String label : TierBalancer.classLabels()) {
            io.micrometer.core.instrument.Gauge.builder("storage_class_plot_bytes", this,
                    s -> s.tiering().map(t -> t.plotBytesOf(label)).orElse(0L)).tag("class", label).baseUnit("bytes")
                    .description("bytes of plot files in directories of this storage class").strongReference(true)
                    .register(registry);
        }
    }

    @Override
    public void close() {
        storage.removeListener(content.storageEvents());
        listeners.forEach(storage::removeListener);
        handles.close();
    }
}
