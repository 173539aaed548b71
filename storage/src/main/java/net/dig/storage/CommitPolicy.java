package net.dig.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;

/**
 * Which versions may be stored, and how a published plot enters the index.
 *
 * <h2>Version policy</h2>
 * A version of a datastore already stored here is accepted only if it is signed by the same owner key
 * ({@link StorageErrorCode#OWNER_MISMATCH}) and is newer than the current one
 * ({@link StorageErrorCode#STALE_VERSION}). The check runs before the plot is written (to fail early)
 * and again under the commit lock (to be right under concurrent pushes).
 *
 * <h2>Commit</h2>
 * {@link #commit}: the plot just published is opened and checked like any other, then, under the commit
 * lock, the version check is repeated, the plot is indexed in one transaction, its reader is opened
 * for serving and the manifest cache is invalidated. On any failure the plot file is deleted, so a
 * refused version leaves nothing behind. A committed version is announced to the listeners.
 *
 * <h2>Concurrency</h2>
 * {@link #lock()} serializes commits, rebuilds and evictions; {@link #storing} serializes the stores
 * of one datastore, so a second push of the same version is refused cleanly.
 */
final class CommitPolicy {
    private static final System.Logger LOG = System.getLogger(CommitPolicy.class.getName());

    private final Object commitLock = new Object();
    private final Map<Bytes32, ReentrantLock> storeLocks = new ConcurrentHashMap<>();
    private final CapsuleIndex index;
    private final String indexName;
    private final PlotReaders readers;
    private final ManifestCache manifests;
    private final DiskUsage usage;
    private final StorageListeners events;
    private final byte[] nodePublicKey;

    CommitPolicy(CapsuleIndex index, String indexName, PlotReaders readers, ManifestCache manifests, DiskUsage usage,
                 StorageListeners events, byte[] nodePublicKey) {
        this.index = index;
        this.indexName = indexName;
        this.readers = readers;
        this.manifests = manifests;
        this.usage = usage;
        this.events = events;
        this.nodePublicKey = nodePublicKey.clone();
    }

    Object lock() {
        return commitLock;
    }

    /** Runs {@code work} holding the store lock of one datastore. */
    <T> T storing(Bytes32 datastoreId, Supplier<T> work) {
        ReentrantLock lock = storeLocks.computeIfAbsent(datastoreId, k -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the datastore is stored here with an owner key other than the one of {@code manifest}. */
    boolean ownedByAnother(Manifest manifest) {
        Optional<Manifest> current = manifests.current(manifest.version().datastoreId());
        return current.isPresent() && !Arrays.equals(current.get().version().ownerPublicKey(), manifest.version().ownerPublicKey());
    }

    /** Refuses a version of a stored datastore that is not newer or has another owner. */
    void checkNewer(Manifest manifest) {
        DatastoreVersion v = manifest.version();
        Optional<Manifest> current = manifests.current(v.datastoreId());
        if (current.isPresent()) {
            DatastoreVersion held = current.get().version();
            if (!Arrays.equals(held.ownerPublicKey(), v.ownerPublicKey())) {
                throw new StorageException(StorageErrorCode.OWNER_MISMATCH, "datastore " + v.datastoreId()
                        + " belongs to a different owner key");
            }
            if (v.version() <= held.version()) {
                throw new StorageException(StorageErrorCode.STALE_VERSION, "datastore " + v.datastoreId()
                        + " is already at version " + held.version() + "; version " + v.version() + " is not newer");
            }
        }
    }

    /**
     * Validates the published plot, indexes it and makes it servable; on failure deletes it.
     *
     * @param mustBeNewer checked again under the lock; null when the plot adds no version (a re-plot)
     * @param announce    the version to announce once committed; null for none
     */
    PlotReader commit(Path plot, Manifest mustBeNewer, Manifest announce) throws IOException {
        PlotReader reader;
        try {
            reader = PlotReader.open(plot, nodePublicKey);
        } catch (PlotReader.Corrupt e) {
            deletePlot(plot);
            throw new IOException("the plot just written fails its own checks: " + e.getMessage());
        }
        synchronized (commitLock) {
            try {
                if (mustBeNewer != null) {
                    checkNewer(mustBeNewer);
                }
                StorageFailures.indexUpdate("cannot index plot " + plot + " in " + indexName, () -> index.addPlot(reader));
            } catch (RuntimeException e) {
                PlotReaders.closeQuietly(reader);
                deletePlot(plot);
                throw e;
            }
            readers.put(reader);
            usage.added(plot, reader.fileSize());
            manifests.invalidate();
            if (announce != null) {
                events.post(l -> l.onVersionCommitted(announce));
            }
        }
        return reader;
    }

    static void deletePlot(Path plot) {
        try {
            Files.deleteIfExists(plot);
            AtomicFiles.syncDirectory(plot.getParent());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING,
                    "rejected_plot_remove_failed: cannot remove rejected plot " + plot + ": " + e.getMessage());
        }
    }
}
