package net.dig.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.PlotStatus;
import net.dig.storage.PlotSummary;
import net.dig.storage.RebuildReport;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageErrorCode;
import net.dig.storage.StorageException;
import net.dig.storage.VerifyReport;

/**
 * The datastores of this node: ingest, storing a version someone else signed (an HTTP push today, a
 * replicated version tomorrow), re-plotting, verifying plots, rebuilding the index, and the catalogue
 * the transports (the HTTP API, the CLI) show.
 *
 * <h2>Storing a version, and its outcomes</h2>
 * {@link #store} checks, in this order, and refuses with the {@link ErrorCode} named:
 * <ol>
 *   <li>the owner signature over the version record: {@link ErrorCode#BAD_SIGNATURE};</li>
 *   <li>a version of a datastore held here must be signed by the same owner:
 *       {@link ErrorCode#OWNER_MISMATCH}, and be newer: {@link ErrorCode#STALE_VERSION};</li>
 *   <li>one part per listed capsule ({@link ErrorCode#BAD_PUSH}), each of the declared size
 *       ({@link ErrorCode#VERIFICATION_FAILED});</li>
 *   <li>the engine then hashes every capsule and chunk and checks the Merkle root before it commits
 *       anything: {@link ErrorCode#VERIFICATION_FAILED}; its own failures map through
 *       {@link StorageErrorCode} (a version that lost a race with a concurrent store of an equal or
 *       newer one is the engine's {@code STALE_VERSION}).</li>
 * </ol>
 * Nothing partial is left by a refusal. After a commit the engine's version-committed event
 * invalidates the content caches of the datastore ({@link ContentService#storageEvents}).
 *
 * <h2>Metrics</h2>
 * {@link #bindTo} adds the storage gauges {@code capsule_count}, {@code storage_bytes_used_bytes} and
 * {@code storage_utilization} (plot bytes / (plot bytes + free space of the plot file systems)).
 *
 * <p>Every method blocks (SQLite, plots); call from workers. Thread-safe (the engine is).
 */
public final class DatastoreService implements MeterBinder {
    private final StorageEngine storage;
    private final ContentService content;

    DatastoreService(StorageEngine storage, ContentService content) {
        this.storage = storage;
        this.content = content;
    }

    /** Turns a local file or directory into a new datastore signed by {@code owner}; storage failures by their code. */
    public Manifest ingest(Path source, IngestOptions options, NodeIdentity owner, Progress progress) {
        try {
            return storage.ingest(source, options, owner, progress);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
    }

    /** Stores a version signed by someone else; see the class note for the checks and their outcomes. */
    public Manifest store(ManifestCodec.Decoded pushed, CapsuleParts parts, Compression compression) {
        var version = pushed.version();
        if (!version.signatureValid()) {
            throw new ServiceException(ErrorCode.BAD_SIGNATURE, "the owner signature does not verify over the datastore version");
        }
        Bytes32 id = version.datastoreId();
        Optional<Manifest> existing = manifest(id);
        if (existing.isPresent()) {
            refuseAgainst(existing.get(), pushed);
        }
        int count = pushed.capsules().size();
        if (parts.count() != count) {
            throw new ServiceException(ErrorCode.BAD_PUSH, "the manifest lists " + count + " capsules but " + parts.count()
                    + " capsule parts were sent");
        }
        try {
            for (CapsuleInfo ci : pushed.capsules()) {
                OptionalLong size = parts.size(ci.index());
                if (size.isEmpty()) {
                    throw new ServiceException(ErrorCode.BAD_PUSH, "capsule part capsule-" + ci.index() + " is missing");
                }
                if (size.getAsLong() != ci.size()) {
                    throw new ServiceException(ErrorCode.VERIFICATION_FAILED, "capsule " + ci.index() + " has "
                            + size.getAsLong() + " bytes, the manifest says " + ci.size());
                }
            }
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "cannot read the capsule parts: " + e.getMessage(), e);
        }
        Manifest stored;
        try {
            stored = storage.store(version, pushed.name(), pushed.files(), pushed.capsules(), parts, compression);
        } catch (StorageException e) {
            ServiceException f = ServiceException.of(e);
            if (f.code() == ErrorCode.UNAVAILABLE && !writable()) {
                throw new ServiceException(ErrorCode.UNAVAILABLE, f.getMessage() + " (storage is not writable)", e);
            }
            throw f;
        }
        return stored;
    }

    private static void refuseAgainst(Manifest held, ManifestCodec.Decoded pushed) {
        var h = held.version();
        var v = pushed.version();
        if (!Arrays.equals(h.ownerPublicKey(), v.ownerPublicKey())) {
            throw new ServiceException(ErrorCode.OWNER_MISMATCH, "datastore " + v.datastoreId().toHex()
                    + " belongs to a different owner key");
        }
        if (h.version() >= v.version()) {
            throw new ServiceException(ErrorCode.STALE_VERSION, "this node already holds version " + h.version()
                    + " of " + v.datastoreId().toHex() + "; push a higher version");
        }
    }

    /**
     * Re-plots capsules of a stored datastore (empty list: all) into a new plot.
     * {@link ErrorCode#UNKNOWN_DATASTORE}, {@link ErrorCode#BAD_CAPSULE_INDEX} for an index beyond the
     * datastore, {@link ErrorCode#BAD_REQUEST} for an index listed twice.
     */
    public PlotSummary createPlot(Bytes32 id, List<Integer> indices, Compression compression) {
        Manifest m = manifest(id).orElseThrow(() ->
                new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "no datastore " + id.toHex() + " on this node"));
        for (int i : indices) {
            if (i < 0 || i >= m.capsules().size()) {
                throw new ServiceException(ErrorCode.BAD_CAPSULE_INDEX, "capsule index " + i + " is beyond capsule_count "
                        + m.capsules().size());
            }
        }
        Set<Integer> seen = new HashSet<>();
        for (int i : indices) {
            if (!seen.add(i)) {
                throw new ServiceException(ErrorCode.BAD_REQUEST, "capsule index " + i + " is listed twice");
            }
        }
        PlotSummary p;
        try {
            p = storage.createPlot(id, indices, compression);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
        content.invalidate(id);
        return p;
    }

    /**
     * Blocking: stores {@code verifiedBytes} as a new copy of capsule {@code index} of the version held
     * (a repair: the bad copies stay refused); bytes that do not hash to the capsule's hash are
     * {@link ErrorCode#VERIFICATION_FAILED}. The cached views of the datastore are dropped.
     */
    public PlotSummary repairCapsule(Bytes32 id, int index, byte[] verifiedBytes, Compression compression) {
        PlotSummary p;
        try {
            p = storage.repairCapsule(id, index, verifiedBytes, compression);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
        content.invalidate(id);
        return p;
    }

    /** Blocking: the capsules of the version held with no copy that may be served whole, ascending. */
    public List<Integer> unavailableCapsules(Bytes32 id) {
        try {
            return storage.unavailableCapsules(id);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
    }

    /**
     * Rehashes every capsule of one plot (empty: every plot). What it finds bad is quarantined by the
     * engine (persisted), whose event drops the cached views; the report lists it.
     */
    public VerifyReport verify(Optional<Bytes32> plotId, Progress progress) {
        try {
            return storage.verify(plotId, progress);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
    }

    /**
     * Removes a datastore from this node (every version; shared plots rewritten without it), crash-safely;
     * false when nothing of it is stored here. The engine's eviction event empties the content tiers.
     * For policies (cache and selective modes) that drop what they no longer want.
     */
    public boolean evict(Bytes32 id) {
        try {
            return storage.evict(id);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
    }

    /** {@link #evict} for an operator: a datastore not stored here is {@link ErrorCode#UNKNOWN_DATASTORE}. */
    public void delete(Bytes32 id) {
        if (!evict(id)) {
            throw new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "unknown datastore " + id.toHex());
        }
    }

    /** Rebuilds the index from the plot files; the cached views of every datastore before and after are dropped. */
    public RebuildReport rebuildIndex() {
        Set<Bytes32> touched = new HashSet<>();
        storage.datastores().forEach(d -> touched.add(d.datastoreId()));
        RebuildReport report;
        try {
            report = storage.rebuildIndex();
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
        storage.datastores().forEach(d -> touched.add(d.datastoreId()));
        touched.forEach(content::invalidate);
        return report;
    }

    public Optional<Manifest> manifest(Bytes32 id) {
        try {
            return storage.manifest(id);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
    }

    public List<DatastoreSummary> datastores() {
        return storage.datastores();
    }

    public List<PlotSummary> plots() {
        return storage.plots();
    }

    /** The configured plot directories. */
    public List<Path> plotDirs() {
        return storage.config().plotDirs();
    }

    /** Bytes of every plot file on disk. */
    public long plotBytesOnDisk() {
        return storage.plotBytesOnDisk();
    }

    /** Whether storage can take writes now; false rather than an exception when it cannot tell. */
    public boolean writable() {
        try {
            return storage.writable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Plot, capsule and quarantine counts for a status document. */
    public record PlotStats(int plots, long capsules, int quarantined, long bytesOnDisk) {
    }

    public PlotStats plotStats() {
        List<PlotSummary> plots = storage.plots();
        long capsules = 0;
        int quarantined = 0;
        for (PlotSummary p : plots) {
            capsules += p.capsuleCount();
            if (p.status() != PlotStatus.OK) {
                quarantined++;
            }
        }
        return new PlotStats(plots.size(), capsules, quarantined, storage.plotBytesOnDisk());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("capsule_count", this, s -> s.plots().stream().mapToLong(PlotSummary::capsuleCount).sum())
                .description("capsules stored in plots").strongReference(true).register(registry);
        Gauge.builder("storage_bytes_used", this, DatastoreService::plotBytesOnDisk).baseUnit("bytes")
                .strongReference(true).register(registry);
        Gauge.builder("storage_utilization", this, DatastoreService::utilization)
                .description("plot bytes / (plot bytes + free space of the plot file systems)").strongReference(true)
                .register(registry);
    }

    private double utilization() {
        try {
            long used = storage.plotBytesOnDisk();
            long free = 0;
            Set<FileStore> seen = new HashSet<>();
            for (Path dir : storage.config().plotDirs()) {
                if (Files.exists(dir)) {
                    FileStore fs = Files.getFileStore(dir);
                    if (seen.add(fs)) {
                        free += fs.getUsableSpace();
                    }
                }
            }
            return used + free == 0 ? 0.0 : (double) used / (used + free);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
