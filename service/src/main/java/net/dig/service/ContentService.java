package net.dig.service;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.Manifest;
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
 * <p>Blocking methods (marked) read SQLite or plots; call them from workers. Thread-safe.
 */
public final class ContentService {
    private final StorageEngine storage;
    private final DatastoreViews views;
    private final CapsuleTiers tiers;
    private final List<Consumer<Bytes32>> listeners = new CopyOnWriteArrayList<>();

    ContentService(StorageEngine storage, CapsuleTiers tiers, Clock clock) {
        this.storage = storage;
        this.tiers = tiers;
        this.views = new DatastoreViews(storage, clock);
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
        public void onDatastoreEvicted(Bytes32 datastoreId, Set<Bytes32> capsuleHashes) {
            onEvicted(datastoreId, capsuleHashes);
        }
    };
}
