package net.dig.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;

/**
 * Removes a datastore from this node, crash-safely.
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li><b>Intent</b>: the file {@code <dataDir>/evictions/<datastore id hex, no 0x>} (content: the id as
 *       {@code 0x} hex and a newline) is written with {@link AtomicFiles}. From here on the eviction
 *       completes, if need be at the next open.
 *   <li><b>Rewrite</b>: every plot whose C5 holds the datastore is doomed. The capsules of other
 *       datastores in a doomed plot that have no copy in a plot that stays are copied, as stored, into
 *       one new plot per doomed plot (with the manifests they belong to), published atomically.
 *   <li><b>Switch</b>: one index transaction forgets the datastore, drops the doomed plots' rows and adds
 *       the new plots; readers, caches, quarantine mirror and disk accounting follow.
 *   <li><b>Remove</b>: the doomed plot files are deleted (directory synced), then the intent file.
 * </ol>
 *
 * <h2>Crash safety</h2>
 * A crash before the intent is durable leaves the old state. After it, {@link #resume} at the next open
 * runs the steps again over what the open found: it re-indexed every plot file still on disk, so the
 * datastore is back in the index until the resumed eviction switches it out; new plots already
 * published count as copies that stay, so nothing is copied twice; temporary files of an interrupted
 * copy were swept. Either way the datastore ends gone and every other capsule readable: never a mix. A
 * failure (an exception, not a crash) of {@link #evict} before the switch rolls back: new plots and the
 * intent are deleted and the datastore stays whole. A resumed eviction that fails is logged and left
 * for the next open; the node still opens (the datastore is whole before the switch and unlisted after).
 *
 * <p>Quarantined plots are left alone: their tables cannot be trusted to say what they hold.
 *
 * <p>Concurrency: runs under the datastore's store lock and the commit lock, so no commit, rebuild or
 * push of it runs meanwhile. Reads racing with the switch fail over to the new copy or fail with
 * {@code IO}.
 */
final class DatastoreEviction {
    private static final System.Logger LOG = System.getLogger(DatastoreEviction.class.getName());

    private final Path intentDir;
    private final List<Path> plotDirs;
    private final CapsuleIndex index;
    private final String indexName;
    private final PlotReaders readers;
    private final Quarantine quarantine;
    private final ManifestCache manifests;
    private final DiskUsage usage;
    private final CommitPolicy commits;
    private final DatastoreWriter writer;
    private final StorageListeners events;
    private final byte[] nodePublicKey;
    private final Supplier<Consumer<String>> step;

    DatastoreEviction(Path intentDir, List<Path> plotDirs, CapsuleIndex index, String indexName, PlotReaders readers,
                      Quarantine quarantine, ManifestCache manifests, DiskUsage usage, CommitPolicy commits,
                      DatastoreWriter writer, StorageListeners events, byte[] nodePublicKey, Supplier<Consumer<String>> step) {
        this.intentDir = intentDir;
        this.plotDirs = List.copyOf(plotDirs);
        this.index = index;
        this.indexName = indexName;
        this.readers = readers;
        this.quarantine = quarantine;
        this.manifests = manifests;
        this.usage = usage;
        this.commits = commits;
        this.writer = writer;
        this.events = events;
        this.nodePublicKey = nodePublicKey.clone();
        this.step = step;
    }

    /** Evicts a datastore; false if nothing of it is stored here. */
    boolean evict(Bytes32 datastoreId) {
        return commits.storing(datastoreId, () -> {
            synchronized (commits.lock()) {
                Path intent = intentFile(datastoreId);
                if (manifests.current(datastoreId).isEmpty() && doomed(datastoreId).isEmpty() && !Files.exists(intent)) {
                    return false;
                }
                step("begin");
                try {
                    AtomicFiles.write(intent, (datastoreId.toHex() + "\n").getBytes(StandardCharsets.US_ASCII),
                            AtomicFiles.Publish.REPLACE);
                } catch (IOException e) {
                    throw StorageFailures.write("cannot record the eviction of " + datastoreId, intentDir, e);
                }
                step("intent");
                run(datastoreId, true);
                return true;
            }
        });
    }

    /** Completes every eviction a crash interrupted; at open, after the scan, before anything is served. */
    void resume() {
        if (!Files.isDirectory(intentDir)) {
            return;
        }
        List<Path> intents;
        try (Stream<Path> s = Files.list(intentDir)) {
            intents = s.filter(p -> !AtomicFiles.isTemporary(p)).sorted().toList();
        } catch (IOException e) {
            throw StorageFailures.io("cannot list " + intentDir, e);
        }
        for (Path intent : intents) {
            Bytes32 id;
            try {
                id = Bytes32.fromHex(Files.readString(intent, StandardCharsets.US_ASCII).strip());
            } catch (IOException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "eviction_record_unreadable: ignoring unreadable eviction record " + intent + ": " + e.getMessage());
                continue;
            }
            LOG.log(System.Logger.Level.INFO, "eviction_resumed: completing the interrupted eviction of datastore " + id);
            try {
                synchronized (commits.lock()) {
                    run(id, false);
                }
            } catch (StorageException e) {
                // before the switch the datastore is still whole, after it the index no longer lists it:
                // either way the node may serve, and the next open or rebuild tries again
                LOG.log(System.Logger.Level.WARNING, "eviction_incomplete: the eviction of datastore " + id + " could not be completed ("
                        + e.code() + "); it is tried again at the next open: " + e.getMessage());
            }
        }
    }

    private Path intentFile(Bytes32 datastoreId) {
        return intentDir.resolve(datastoreId.toHex().substring(2));
    }

    /** Steps 2 to 4; {@code rollBack}: undo a failure before the switch instead of leaving it to resume. */
    private void run(Bytes32 id, boolean rollBack) {
        List<PlotReader> doomed = doomed(id);
        Set<Bytes32> evictedHashes = new HashSet<>();
        for (PlotReader plot : doomed) {
            for (PlotReader.Entry e : plot.entries()) {
                if (e.datastoreId().equals(id)) {
                    evictedHashes.add(e.hash());
                }
            }
        }
        Set<String> doomedPaths = new HashSet<>();
        doomed.forEach(p -> doomedPaths.add(p.path().toString()));
        Set<String> covered = new HashSet<>();
        for (String path : readers.paths()) {
            PlotReader r = readers.ifOpen(path);
            if (r != null && !doomedPaths.contains(path)) {
                for (PlotReader.Entry e : r.entries()) {
                    covered.add(key(r, e));
                }
            }
        }
        List<Path> published = new ArrayList<>();
        List<PlotReader> added = new ArrayList<>();
        try {
            for (PlotReader plot : doomed) {
                List<DatastoreWriter.Copy> copies = new ArrayList<>();
                Map<Bytes32, Manifest> kept = new LinkedHashMap<>();
                for (PlotReader.Entry e : plot.entries()) {
                    if (!e.datastoreId().equals(id) && covered.add(key(plot, e))) {
                        copies.add(new DatastoreWriter.Copy(plot, e));
                        kept.put(e.datastoreId(), plot.manifest(e.datastoreId()));
                    }
                }
                if (copies.isEmpty()) {
                    continue;
                }
                Path rewritten = writer.copyToNewPlot(copies, List.copyOf(kept.values()));
                published.add(rewritten);
                added.add(open(rewritten));
                step("published");
            }
            List<String> removed = new ArrayList<>(doomedPaths);
            removed.sort(null);
            StorageFailures.indexUpdate("cannot switch the index of " + indexName + " for the eviction of " + id,
                    () -> index.evict(id, removed, added));
        } catch (RuntimeException e) {
            added.forEach(PlotReaders::closeQuietly);
            if (rollBack) {
                published.forEach(CommitPolicy::deletePlot);
                deleteQuietly(intentFile(id));
            }
            throw e;
        }
        for (PlotReader r : added) {
            readers.put(r);
            usage.added(r.path(), r.fileSize());
        }
        manifests.invalidate();
        quarantine.reload();
        step("indexed");
        for (PlotReader plot : doomed) {
            readers.remove(plot.path().toString());
            try {
                Files.deleteIfExists(plot.path());
                AtomicFiles.syncDirectory(plot.path().getParent());
            } catch (IOException e) {
                throw StorageFailures.io("cannot remove plot " + plot.path() + " of evicted datastore " + id
                        + " (the eviction completes at the next open)", e);
            }
            usage.removed(plot.path());
            step("deleted");
        }
        try {
            Files.deleteIfExists(intentFile(id));
            AtomicFiles.syncDirectory(intentDir);
        } catch (IOException e) {
            throw StorageFailures.io("cannot remove the eviction record of " + id, e);
        }
        LOG.log(System.Logger.Level.INFO, "datastore_evicted: datastore " + id + " evicted: " + doomed.size() + " plot(s) removed, "
                + added.size() + " rewritten");
        Set<Bytes32> hashes = Set.copyOf(evictedHashes);
        events.post(l -> l.onDatastoreEvicted(id, hashes));
    }

    /** The valid plots whose C5 holds the datastore. */
    private List<PlotReader> doomed(Bytes32 id) {
        List<PlotReader> out = new ArrayList<>();
        for (Path file : PlotRecovery.plotFiles(plotDirs)) {
            PlotReader r;
            try {
                r = readers.get(file.toString());
            } catch (PlotReader.Corrupt | IOException e) {
                continue; // quarantined at open, or unreadable: left alone
            }
            if (r.manifest(id) != null) {
                out.add(r);
            }
        }
        return out;
    }

    private PlotReader open(Path plot) {
        try {
            return PlotReader.open(plot, nodePublicKey);
        } catch (PlotReader.Corrupt e) {
            CommitPolicy.deletePlot(plot);
            throw new StorageException(StorageErrorCode.IO, "the plot just written fails its own checks: " + e.getMessage());
        } catch (IOException e) {
            throw StorageFailures.io("cannot open plot " + plot, e);
        }
    }

    private static String key(PlotReader plot, PlotReader.Entry e) {
        return e.datastoreId().toHex() + "/" + plot.manifest(e.datastoreId()).version().version() + "/" + e.index();
    }

    private void step(String name) {
        Consumer<String> hook = step.get();
        if (hook != null) {
            hook.accept(name);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "file_remove_failed: cannot remove " + file + ": " + e.getMessage());
        }
    }
}
