package net.dig.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;

/**
 * Brings the index in line with the plot files: at {@link StorageEngine#open} and on
 * {@link StorageEngine#rebuildIndex}.
 *
 * <h2>What</h2>
 * <ol>
 *   <li>{@link #removeTemporaryFiles}: deletes temporary plots left by a crash, but never one a live
 *       writer (in this or another process) holds the lock of.
 *   <li>{@link #scan}: (a rebuild first checks the index file's structure, so a damaged file is reported
 *       as {@link StorageErrorCode#INDEX_CORRUPT} and can be set aside) reads and checks every plot file, then in ONE index transaction indexes the valid
 *       ones and quarantines the rest ({@code replace}: after deleting the old rows). Open readers are
 *       swapped only after that commit, so a reader in this or another process sees the old index or
 *       the new one. Index rows of plots whose file is gone are quarantined ("plot file is missing"),
 *       unless a plot with the same id was just indexed at another path (an index written with
 *       absolute paths, then its data directory copied or moved): then the old rows are dropped and its
 *       bad capsules follow it ({@link CapsuleIndex#plotMoved}).
 * </ol>
 * A crash between a plot's rename and its index commit is repaired here: the plot is valid, so it is
 * indexed. Evictions left unfinished are completed by {@link DatastoreEviction#resume} right after.
 *
 * <p>Concurrency: called at open (single-threaded) or under the commit lock (rebuild).
 */
final class PlotRecovery {
    private static final System.Logger LOG = System.getLogger(PlotRecovery.class.getName());

    private final List<Path> plotDirs;
    private final CapsuleIndex index;
    private final String indexName;
    private final PlotReaders readers;
    private final Quarantine quarantine;
    private final DiskUsage usage;
    private final byte[] nodePublicKey;
    private final Supplier<Runnable> scanStep;

    PlotRecovery(List<Path> plotDirs, CapsuleIndex index, String indexName, PlotReaders readers, Quarantine quarantine,
                 DiskUsage usage, byte[] nodePublicKey, Supplier<Runnable> scanStep) {
        this.plotDirs = List.copyOf(plotDirs);
        this.index = index;
        this.indexName = indexName;
        this.readers = readers;
        this.quarantine = quarantine;
        this.usage = usage;
        this.nodePublicKey = nodePublicKey.clone();
        this.scanStep = scanStep;
    }

    /** Every {@code *.plot} file directly in the plot directories, sorted per directory. */
    static List<Path> plotFiles(List<Path> plotDirs) {
        List<Path> out = new ArrayList<>();
        for (Path dir : plotDirs) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(PlotWriter.PLOT_SUFFIX) && Files.isRegularFile(p))
                        .sorted().forEach(out::add);
            } catch (IOException e) {
                throw StorageFailures.io("cannot list plot directory " + dir, e);
            }
        }
        return out;
    }

    void removeTemporaryFiles() {
        for (Path dir : plotDirs) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(AtomicFiles::isTemporary).toList()) {
                    removeIfAbandoned(p);
                }
                AtomicFiles.syncDirectory(dir);
            } catch (IOException e) {
                throw StorageFailures.io("cannot clean plot directory " + dir, e);
            }
        }
    }

    /** Deletes a temporary plot unless a live writer (in any process) holds its lock. */
    private static void removeIfAbandoned(Path temp) throws IOException {
        if (PlotWriter.beingWritten(temp)) {
            return; // being written by this JVM: do not even open it (closing a channel drops our lock)
        }
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return; // being written by this JVM
            }
            if (lock == null) {
                return; // being written by another process
            }
            Files.deleteIfExists(temp);
            LOG.log(System.Logger.Level.INFO, "unfinished_plot_removed: removed unfinished plot " + temp);
        } catch (NoSuchFileException e) {
            // finished or removed meanwhile
        }
    }

    RebuildReport scan(boolean replace) {
        Map<String, PlotReader> valid = new LinkedHashMap<>();
        Map<Path, String> bad = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        int capsules = 0;
        Set<Bytes32> datastores = new HashSet<>();
        List<CapsuleIndex.PlotRow> quarantinedRows = new ArrayList<>();
        if (replace) {
            StorageFailures.indexUpdate("index " + indexName + " cannot be rebuilt in place", index::check);
        }
        try {
            for (Path file : plotFiles(plotDirs)) {
                present.add(file.toString());
                try {
                    PlotReader reader = PlotReader.open(file, nodePublicKey);
                    valid.put(file.toString(), reader);
                    capsules += reader.entries().size();
                    for (Manifest m : reader.manifests()) {
                        datastores.add(m.datastoreId());
                    }
                } catch (PlotReader.Corrupt e) {
                    bad.put(file, e.reason());
                } catch (IOException e) {
                    bad.put(file, "cannot read: " + e.getMessage());
                }
                Runnable hook = scanStep.get();
                if (hook != null) {
                    hook.run();
                }
            }
            for (Map.Entry<Path, String> b : bad.entrySet()) {
                quarantinedRows.add(Quarantine.plotRow(b.getKey(), b.getValue()));
            }
            StorageFailures.indexUpdate("cannot index plots in " + indexName,
                    () -> index.indexPlots(replace, List.copyOf(valid.values()), quarantinedRows));
        } catch (RuntimeException e) {
            valid.values().forEach(PlotReaders::closeQuietly);
            throw e;
        }
        for (Path b : bad.keySet()) {
            readers.remove(b.toString());
        }
        if (replace) {
            for (String path : readers.paths()) {
                if (!valid.containsKey(path)) {
                    readers.remove(path);
                }
            }
        }
        for (PlotReader r : valid.values()) {
            readers.put(r);
        }
        Map<String, String> validById = new LinkedHashMap<>();
        valid.values().forEach(r -> validById.putIfAbsent(r.plotId().toHex(), r.path().toString()));
        List<CapsuleIndex.PlotRow> missing = new ArrayList<>();
        for (CapsuleIndex.PlotRow row : StorageFailures.index("index " + indexName + " failed", index::plots)) {
            if (present.contains(row.path())) {
                continue;
            }
            String movedTo = row.plotId() == null ? null : validById.get(row.plotId());
            if (movedTo != null && !movedTo.equals(row.path())) {
                StorageFailures.indexUpdate("cannot record the move of plot " + row.path() + " in " + indexName,
                        () -> index.plotMoved(row.path(), movedTo));
                LOG.log(System.Logger.Level.INFO, "plot_moved: plot " + row.plotId() + " moved from " + row.path() + " to " + movedTo);
            } else if (row.status() == PlotStatus.OK) {
                CapsuleIndex.PlotRow gone = new CapsuleIndex.PlotRow(row.path(), row.plotId(), row.sizeBytes(),
                        row.capsuleCount(), row.creationTime(), PlotStatus.QUARANTINED, "plot file is missing");
                StorageFailures.indexUpdate("cannot record missing plot " + row.path() + " in " + indexName, () -> index.putPlot(gone));
                missing.add(gone);
            }
        }
        List<CapsuleIndex.PlotRow> all = new ArrayList<>(quarantinedRows);
        all.addAll(missing);
        quarantine.scanned(all);
        usage.measure();
        List<PlotSummary> quarantined = new ArrayList<>();
        for (CapsuleIndex.PlotRow row : StorageFailures.index("index " + indexName + " failed", index::plots)) {
            if (row.status() == PlotStatus.QUARANTINED) {
                quarantined.add(row.summary());
            }
        }
        return new RebuildReport(valid.size(), datastores.size(), capsules, quarantined);
    }
}
