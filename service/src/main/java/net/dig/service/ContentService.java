package net.dig.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.storage.CapsuleDamage;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.Manifest;
import net.dig.storage.ScrubStatus;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageEvents;
import net.dig.storage.StorageException;

/**
 * What serving content needs from the node: datastore views (manifest, file table, Merkle proofs),
 * capsule locations in plots, whether a plot may be served, and decompressed capsule bytes through
 * the RAM and disk tiers.
 *
 * <p>Invalidation: {@link #invalidate} drops the cached view of a datastore and tells every listener
 * added with {@link #onInvalidate} (a transport's own per-capsule caches); {@link #onEvicted} also
 * drops the datastore's capsules from the tiers. They are driven by the storage engine's events
 * ({@link #storageEvents}, registered by {@link NodeServices}): a version committed invalidates its
 * datastore, a quarantined plot invalidates every datastore (cached locations may point into it), an
 * evicted datastore leaves the tiers.
 *
 * <p>Integrity: a location handed out by {@link #locate} is of a copy checked against its hash since its
 * plot was opened; {@link #capsuleServable} says, in memory, whether it is still servable (a scrub or a
 * read may have found it bad since). A copy found bad invalidates its datastore and is handed to every
 * {@link #onRepairNeeded} listener (the place where fetching it again from another holder plugs in).
 * {@link #integrity} and {@link #bindTo} report the bad copies and the scrubber.
 *
 * <p>Blocking methods (marked) read SQLite or plots; call them from workers. Thread-safe.
 */
public final class ContentService implements MeterBinder {
    private final StorageEngine storage;
    private final DatastoreViews views;
    private final ReadRates reads;
    private final CapsuleTiers tiers;
    private final List<Consumer<Bytes32>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<CapsuleDamage>> repairs = new CopyOnWriteArrayList<>();
    private volatile ReadThrough readThrough = ReadThrough.NONE;
    private volatile java.util.function.Supplier<CapsuleRepair.Status> repairStatus = () -> CapsuleRepair.Status.NONE;

    ContentService(StorageEngine storage, CapsuleTiers tiers, Clock clock) {
        this.storage = storage;
        this.tiers = tiers;
        this.views = new DatastoreViews(storage, clock);
        this.reads = new ReadRates(clock);
    }

    /**
     * A reader asked for a datastore (its manifest or a file of it), held here or not: counted in {@link #reads},
     * then told to the read-through. On an event loop; in memory.
     */
    public void read(Bytes32 datastoreId) {
        reads.read(datastoreId);
        readThrough.read(datastoreId);
    }

    /** How often readers ask for each datastore (the demand a holding policy weighs). */
    public ReadRates reads() {
        return reads;
    }

    /**
     * What a read of a datastore tells the node's holding policy, and what a read of one not held may do
     * about it (cache mode, {@link CacheMode}: fetch it through). Both are called on an event loop: in
     * memory, or composed without blocking.
     */
    public interface ReadThrough {
        /** A reader asked for the datastore (its manifest or a file of it), held here or not. */
        void read(Bytes32 datastoreId);

        /** A read of a datastore not held here: completes true once it is stored here and can be served. */
        CompletionStage<Boolean> miss(Bytes32 datastoreId);

        /** Counts nothing, fetches nothing: every miss is answered as not held. */
        ReadThrough NONE = new ReadThrough() {
            @Override
            public void read(Bytes32 datastoreId) {
            }

            @Override
            public CompletionStage<Boolean> miss(Bytes32 datastoreId) {
                return java.util.concurrent.CompletableFuture.completedFuture(false);
            }
        };
    }

    /** The node's read-through ({@link ReadThrough#NONE} unless the node runs in cache mode). */
    public ReadThrough readThrough() {
        return readThrough;
    }

    /** Installs the read-through (the node's wiring, once, at start). */
    public void useReadThrough(ReadThrough readThrough) {
        this.readThrough = java.util.Objects.requireNonNull(readThrough, "readThrough");
    }

    public DatastoreViews views() {
        return views;
    }

    public CapsuleTiers tiers() {
        return tiers;
    }

    /** Blocking: where capsule {@code index} of a datastore is stored, if it is. */
    public Optional<CapsuleLocation> locate(Bytes32 datastoreId, int index) {
        try {
            return storage.locate(datastoreId, index);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
    }

    /** Whether the plot may be served (not quarantined, no capsule found bad); in memory, event-loop safe. */
    public boolean plotServable(Bytes32 plotId) {
        return storage.plotServable(plotId);
    }

    /**
     * Whether the copy at {@code location} (from {@link #locate}) may still be served: its plot is not
     * quarantined and the copy was not found bad since. In memory, event-loop safe.
     */
    public boolean capsuleServable(CapsuleLocation location, Bytes32 datastoreId, int index) {
        return storage.capsuleServable(location, datastoreId, index);
    }

    /** Bad copies, what the scrubber did and the repairs ({@link CapsuleRepair}), for {@code /node/status}. */
    public record Integrity(int badCapsules, int quarantinedPlots, ScrubStatus scrub, CapsuleRepair.Status repairs) {}

    /** In memory, no I/O. */
    public Integrity integrity() {
        return new Integrity(storage.badCapsuleCount(), storage.quarantinedPlotCount(), storage.scrubStatus(),
                repairStatus.get());
    }

    /** Where {@link #integrity} takes the repairs' status from (the node's one {@link CapsuleRepair}). */
    void repairStatus(java.util.function.Supplier<CapsuleRepair.Status> status) {
        repairStatus = java.util.Objects.requireNonNull(status, "status");
    }

    /**
     * Adds a listener told of every copy of a capsule newly found bad and refused: which datastore and
     * capsule, the hash good bytes must have, and the plot. Called on the thread that found it, after
     * the finding is persisted; keep it short (hand the work to an executor).
     */
    public void onRepairNeeded(Consumer<CapsuleDamage> listener) {
        repairs.add(listener);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("storage_bad_capsules", this, s -> s.integrity().badCapsules())
                .description("copies of capsules found not matching their hash, refused").strongReference(true).register(registry);
        FunctionCounter.builder("storage_scrub_bytes", this, s -> s.storage.scrubStatus().bytesScrubbed()).baseUnit("bytes")
                .description("stored bytes the scrubber rehashed").register(registry);
        FunctionCounter.builder("storage_scrub_passes", this, s -> s.storage.scrubStatus().passes())
                .description("full scrub passes completed").register(registry);
        FunctionCounter.builder("storage_scrub_bad_found", this, s -> s.storage.scrubStatus().badFound())
                .description("capsules and plots the scrubber found bad").register(registry);
        Gauge.builder("storage_scrub_last_pass_finished_seconds", this, s -> s.storage.scrubStatus().lastPassFinishedMillis() / 1000.0)
                .description("when the last scrub pass finished (Unix time, 0 before the first)").strongReference(true)
                .register(registry);
        Gauge.builder("storage_scrub_pass_progress", this, s -> {
            ScrubStatus st = s.storage.scrubStatus();
            return st.passTotalBytes() == 0 ? 0.0 : (double) st.passBytes() / st.passTotalBytes();
        }).description("fraction of the current scrub pass done").strongReference(true).register(registry);
    }

    /** Blocking: decompressed, hash-checked capsule bytes from a sound L2 file, else from the plot into L1 and L2. */
    public byte[] fill(Bytes32 datastoreId, int index, Bytes32 hash) {
        byte[] fromDisk = tiers.loadDisk(hash);
        if (fromDisk != null) {
            return fromDisk;
        }
        byte[] bytes;
        try {
            bytes = storage.readCapsule(datastoreId, index);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
        tiers.putMemory(hash, bytes);
        tiers.putDisk(hash, bytes);
        return bytes;
    }

    /** Adds a listener told the id of every datastore whose cached metadata is dropped. */
    public void onInvalidate(Consumer<Bytes32> listener) {
        listeners.add(listener);
    }

    /** A datastore changed (a version committed, a plot added or quarantined): drops what is cached about it. */
    public void invalidate(Bytes32 datastoreId) {
        views.invalidate(datastoreId);
        for (Consumer<Bytes32> l : listeners) {
            l.accept(datastoreId);
        }
    }

    /** Blocking: a datastore left the node with the capsules of these hashes. */
    private void onEvicted(Bytes32 datastoreId, Collection<Bytes32> capsuleHashes) {
        invalidate(datastoreId);
        tiers.evict(capsuleHashes);
    }

    /** The listener that keeps these caches in step with the engine; {@link NodeServices} registers it. */
    StorageEvents storageEvents() {
        return events;
    }

    private final StorageEvents events = new StorageEvents() {
        @Override
        public void onVersionCommitted(Manifest manifest) {
            invalidate(manifest.datastoreId());
        }

        @Override
        public void onPlotQuarantined(Bytes32 plotId, Path plot, String reason) {
            for (DatastoreSummary d : storage.datastores()) {
                invalidate(d.datastoreId());
            }
        }

        @Override
        public void onCapsuleQuarantined(CapsuleDamage damage) {
            invalidate(damage.datastoreId());
            tiers.evict(List.of(damage.hash())); // a request refills it from a copy that is still good, if any
            for (Consumer<CapsuleDamage> l : repairs) {
                l.accept(damage);
            }
        }

        @Override
        public void onDatastoreEvicted(Bytes32 datastoreId, Set<Bytes32> capsuleHashes) {
            onEvicted(datastoreId, capsuleHashes);
        }
    };
}
