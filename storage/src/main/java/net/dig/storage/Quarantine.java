package net.dig.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.dig.core.Bytes32;

/**
 * What must not be served, recorded in the index and mirrored in memory.
 *
 * <h2>What</h2>
 * Two levels, both persisted in {@link CapsuleIndex}, so both survive a restart:
 * <ul>
 *   <li>a <b>quarantined plot</b> ({@code plots.status = QUARANTINED}): its header or tables failed their
 *       checks, or its file is gone. None of it is served.
 *   <li>a <b>bad capsule</b> ({@code bad_capsules}): a copy whose bytes a verify, a read, a first serve or
 *       the scrubber found not matching their hash. That copy is refused for whole-capsule reads and
 *       regions ({@link #servable}); chunk reads, which check every chunk against its own hash, still
 *       serve the chunks that match. The other capsules of its plot stay servable (each is checked on
 *       its own first serve, docs/decisions.md D30a); the plot is not servable whole
 *       ({@link #plotServable} is false, so copies elsewhere are preferred) until a clean verify clears it.
 * </ul>
 *
 * <h2>Another process</h2>
 * A CLI {@code plot verify} next to a running node writes its findings to the same index.
 * {@link #refreshIfIndexChanged} (the scrubber's tick calls it) notices another connection's commit
 * through {@code PRAGMA data_version}, reloads the mirror and announces what is newly bad.
 *
 * <h2>Concurrency</h2>
 * Readers consult an immutable snapshot (a volatile read, no lock, no I/O), so the HTTP event loop can
 * ask {@link #servable} before each zero-copy send. Every change writes the index first and then
 * rebuilds the snapshot from it, under this object's lock; events are posted after the index commit.
 */
final class Quarantine {
    private static final System.Logger LOG = System.getLogger(Quarantine.class.getName());

    record CapsuleKey(String plotPath, Bytes32 datastoreId, int capsuleIndex) {}

    private record Snapshot(Set<Bytes32> unservable, Set<Bytes32> quarantined, Map<CapsuleKey, String> badCapsules,
                            Map<String, String> idByPath, int quarantinedPlots) {}

    private final CapsuleIndex index;
    private final String indexName;
    private final PlotReaders readers;
    private final StorageListeners events;
    private final ManifestCache manifests;
    private volatile Snapshot snapshot = new Snapshot(Set.of(), Set.of(), Map.of(), Map.of(), 0);
    private long seenDataVersion = Long.MIN_VALUE;

    Quarantine(CapsuleIndex index, String indexName, PlotReaders readers, StorageListeners events, ManifestCache manifests) {
        this.index = index;
        this.indexName = indexName;
        this.readers = readers;
        this.events = events;
        this.manifests = manifests;
    }

    /**
     * Whether this copy may be served whole: its plot is not quarantined and the copy is not recorded
     * bad. Non-blocking.
     */
    boolean servable(Bytes32 plotId, String plotPath, Bytes32 datastoreId, int capsuleIndex) {
        Snapshot s = snapshot;
        return !s.quarantined().contains(plotId) && !s.badCapsules().containsKey(new CapsuleKey(plotPath, datastoreId, capsuleIndex));
    }

    /** Copies of capsules recorded bad. Non-blocking. */
    int badCapsuleCount() {
        return snapshot.badCapsules().size();
    }

    /** The capsule indices of {@code datastoreId} with at least one copy recorded bad. Non-blocking. */
    Set<Integer> badIndicesOf(Bytes32 datastoreId) {
        Set<Integer> out = new HashSet<>();
        for (CapsuleKey k : snapshot.badCapsules().keySet()) {
            if (k.datastoreId().equals(datastoreId)) {
                out.add(k.capsuleIndex());
            }
        }
        return out;
    }

    /** Whether the plot at {@code path} is quarantined whole. Non-blocking. */
    boolean plotQuarantined(String path) {
        Snapshot s = snapshot;
        String id = s.idByPath().get(path);
        return id != null && s.quarantined().contains(Bytes32.fromHex(id));
    }

    /**
     * Blocking (one index query): reloads the mirror if another process committed to the index since
     * the last look, and announces the copies newly recorded bad. True if it reloaded.
     */
    synchronized boolean refreshIfIndexChanged() {
        long v = StorageFailures.index("index " + indexName + " failed", index::dataVersion);
        if (v == seenDataVersion) {
            return false;
        }
        Snapshot before = snapshot;
        reload();
        Snapshot after = snapshot;
        for (Map.Entry<CapsuleKey, String> e : after.badCapsules().entrySet()) {
            if (!before.badCapsules().containsKey(e.getKey())) {
                CapsuleKey k = e.getKey();
                String id = after.idByPath().get(k.plotPath());
                Bytes32 plotId = id == null ? Bytes32.ZERO : Bytes32.fromHex(id);
                LOG.log(System.Logger.Level.WARNING,
                        "capsule_found_bad_elsewhere: plot " + k.plotPath() + ": capsule " + k.capsuleIndex() + " of datastore "
                        + k.datastoreId() + " was found bad by another process: " + e.getValue());
                events.post(l -> l.onPlotQuarantined(plotId, Path.of(k.plotPath()), e.getValue()));
                postDamage(plotId, k.plotPath(), new CapsuleProblem(k.datastoreId(), k.capsuleIndex(), e.getValue()));
            }
        }
        for (Bytes32 q : after.quarantined()) {
            if (!before.quarantined().contains(q)) {
                after.idByPath().forEach((path, id) -> {
                    if (q.toHex().equals(id)) {
                        readers.remove(path);
                        events.post(l -> l.onPlotQuarantined(q, Path.of(path), "quarantined by another process"));
                    }
                });
            }
        }
        return true;
    }

    /** False for a quarantined plot or one with bad capsules. Non-blocking. */
    boolean plotServable(Bytes32 plotId) {
        return !snapshot.unservable().contains(plotId);
    }

    /** Why this copy of a capsule is refused, or null if it is not. Non-blocking. */
    String badCapsule(String plotPath, Bytes32 datastoreId, int capsuleIndex) {
        return snapshot.badCapsules().get(new CapsuleKey(plotPath, datastoreId, capsuleIndex));
    }

    /** The bad capsules recorded for one plot, in index order. */
    List<CapsuleProblem> badCapsulesOf(String plotPath) {
        List<CapsuleProblem> out = new ArrayList<>();
        snapshot.badCapsules().forEach((k, reason) -> {
            if (k.plotPath().equals(plotPath)) {
                out.add(new CapsuleProblem(k.datastoreId(), k.capsuleIndex(), reason));
            }
        });
        out.sort(java.util.Comparator.comparing((CapsuleProblem c) -> c.datastoreId().toHex()).thenComparingInt(CapsuleProblem::capsuleIndex));
        return out;
    }

    int quarantinedPlots() {
        return snapshot.quarantinedPlots();
    }

    /** The index row that quarantines {@code file}. */
    static CapsuleIndex.PlotRow plotRow(Path file, String reason) {
        Bytes32 claimed = PlotReader.claimedPlotId(file);
        return new CapsuleIndex.PlotRow(file.toString(), claimed.equals(Bytes32.ZERO) ? null : claimed.toHex(),
                sizeOf(file), 0, 0, PlotStatus.QUARANTINED, reason);
    }

    /** Quarantines a plot found bad: closes its reader, records it, tells the listeners. */
    synchronized void plot(Path file, String reason) {
        readers.remove(file.toString());
        CapsuleIndex.PlotRow row = plotRow(file, reason);
        StorageFailures.indexUpdate("cannot record quarantine of " + file + " in " + indexName, () -> index.putPlot(row));
        reload();
        LOG.log(System.Logger.Level.WARNING, "plot_quarantined: plot " + file + " quarantined: " + reason);
        postPlot(row, reason);
    }

    /** After a scan wrote quarantine rows itself: refreshes the mirror and tells the listeners. */
    synchronized void scanned(List<CapsuleIndex.PlotRow> quarantined) {
        reload();
        for (CapsuleIndex.PlotRow row : quarantined) {
            LOG.log(System.Logger.Level.WARNING, "plot_quarantined: plot " + row.path() + " quarantined: " + row.reason());
            postPlot(row, row.reason());
        }
    }

    /** Records copies of capsules in one plot found not matching their hash. */
    synchronized void capsules(String plotPath, Bytes32 plotId, List<CapsuleProblem> problems) {
        List<CapsuleIndex.BadCapsule> rows = new ArrayList<>();
        List<CapsuleProblem> fresh = new ArrayList<>();
        for (CapsuleProblem p : problems) {
            rows.add(new CapsuleIndex.BadCapsule(plotPath, p.datastoreId(), p.capsuleIndex(), p.reason()));
            if (badCapsule(plotPath, p.datastoreId(), p.capsuleIndex()) == null) {
                fresh.add(p);
            }
        }
        StorageFailures.indexUpdate("cannot record bad capsules of " + plotPath + " in " + indexName,
                () -> index.putBadCapsules(rows));
        reload();
        StringBuilder reason = new StringBuilder();
        for (CapsuleProblem p : problems) {
            reason.append(reason.isEmpty() ? "" : "; ").append("capsule ").append(p.capsuleIndex()).append(" of datastore ")
                    .append(p.datastoreId()).append(": ").append(p.reason());
        }
        LOG.log(System.Logger.Level.WARNING, "plot_bad_capsules: plot " + plotPath + " has bad capsules: " + reason);
        String why = reason.toString();
        events.post(l -> l.onPlotQuarantined(plotId, Path.of(plotPath), why));
        for (CapsuleProblem p : fresh) {
            postDamage(plotId, plotPath, p);
        }
    }

    private void postDamage(Bytes32 plotId, String plotPath, CapsuleProblem p) {
        Bytes32 hash;
        try {
            hash = manifests.current(p.datastoreId()).filter(m -> p.capsuleIndex() < m.capsules().size())
                    .map(m -> m.capsules().get(p.capsuleIndex()).hash()).orElse(null);
        } catch (StorageException e) {
            hash = null;
        }
        if (hash == null) {
            return; // the datastore left the node meanwhile: nothing to repair
        }
        CapsuleDamage d = new CapsuleDamage(p.datastoreId(), p.capsuleIndex(), hash, plotId, Path.of(plotPath), p.reason());
        events.post(l -> l.onCapsuleQuarantined(d));
    }

    /** Applies a verify result: bad capsules are recorded, a clean plot is cleared of earlier findings. */
    synchronized void verified(PlotVerification v) {
        if (!v.headerValid() || !v.tablesValid()) {
            return; // recorded as a quarantined plot by the verifier
        }
        if (v.badCapsules().isEmpty()) {
            boolean had = StorageFailures.index("cannot clear bad capsules of " + v.path() + " in " + indexName,
                    () -> index.clearBadCapsules(v.path().toString()));
            if (had) {
                reload();
                LOG.log(System.Logger.Level.INFO,
                        "plot_verified_clean: plot " + v.path() + " verified clean; its bad capsules are cleared");
            }
        } else {
            capsules(v.path().toString(), v.plotId(), v.badCapsules());
        }
    }

    /** Rebuilds the mirror from the index (at open, after a rebuild or an eviction). */
    synchronized void reload() {
        // read before the rows: a commit by another process racing with this reload is seen again next time
        seenDataVersion = StorageFailures.index("index " + indexName + " failed", index::dataVersion);
        List<CapsuleIndex.PlotRow> plots = StorageFailures.index("index " + indexName + " failed", index::plots);
        List<CapsuleIndex.BadCapsule> bad = StorageFailures.index("index " + indexName + " failed", index::badCapsules);
        Set<Bytes32> unservable = new HashSet<>();
        Set<Bytes32> quarantinedIds = new HashSet<>();
        Map<String, String> idByPath = new HashMap<>();
        int quarantined = 0;
        for (CapsuleIndex.PlotRow r : plots) {
            if (r.plotId() != null) {
                idByPath.put(r.path(), r.plotId());
            }
            if (r.status() == PlotStatus.QUARANTINED) {
                quarantined++;
                if (r.plotId() != null) {
                    unservable.add(Bytes32.fromHex(r.plotId()));
                    quarantinedIds.add(Bytes32.fromHex(r.plotId()));
                }
            }
        }
        Map<CapsuleKey, String> badCapsules = new HashMap<>();
        for (CapsuleIndex.BadCapsule b : bad) {
            badCapsules.put(new CapsuleKey(b.plotPath(), b.datastoreId(), b.capsuleIndex()), b.reason());
            String id = idByPath.get(b.plotPath());
            if (id != null) {
                unservable.add(Bytes32.fromHex(id));
            }
        }
        snapshot = new Snapshot(Set.copyOf(unservable), Set.copyOf(quarantinedIds), Map.copyOf(badCapsules), Map.copyOf(idByPath),
                quarantined);
    }

    private void postPlot(CapsuleIndex.PlotRow row, String reason) {
        Bytes32 id = row.plotId() == null ? Bytes32.ZERO : Bytes32.fromHex(row.plotId());
        Path path = Path.of(row.path());
        events.post(l -> l.onPlotQuarantined(id, path, reason));
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
