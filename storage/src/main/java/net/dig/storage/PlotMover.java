package net.dig.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;

/**
 * Moves a plot file to a directory of another {@link StorageClass}: copy, index the copy, drop the original; and
 * lists the plots and plot directories by class for the caller that decides the moves.
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li>The plot is copied to a locked temporary file {@code .plot.<random>.tmp} in the target directory and
 *       forced to disk.
 *   <li>The copy is checked as a plot of its own: header, tables and signature ({@link PlotReader#open}), the
 *       same plot id, then every capsule against its chunk hashes ({@link PlotVerifier#problem}). A copy that
 *       fails is deleted and the move refused ({@link StorageErrorCode#VERIFICATION_FAILED}); the original stays.
 *   <li>It is published under the plot's usual name ({@code <plot id>.plot}) and indexed beside the original:
 *       every capsule then has two copies and reads may use either.
 *   <li>The original's index rows go in one transaction, then its reader is closed and its file deleted.
 * </ol>
 *
 * <h2>Failure modes</h2>
 * At every point of a crash the index names only complete, checked plots. Before the publish, the temporary
 * copy is swept by the next open ({@link PlotRecovery}). After it, the next open finds two valid files with one
 * plot id and indexes both; so does a crash between step 4's transaction and the file's deletion. Both are
 * served; {@link #dropCopy} removes the one in the wrong class when the mover's caller next looks
 * ({@link StorageEngine#plotFiles} lists them with their class). A plot that is quarantined or has capsules
 * found bad is not moved: the repair path mends it where it is.
 *
 * <h2>Concurrency</h2>
 * The copy and its check run on the caller's thread without the commit lock (ingests and reads go on); the
 * index changes of steps 3 and 4 hold it, as commits and evictions do. Moves of one plot are not run
 * concurrently by the engine's caller (one balancer thread).
 */
final class PlotMover {
    private final CapsuleIndex index;
    private final String indexName;
    private final PlotReaders readers;
    private final DiskUsage usage;
    private final CommitPolicy commits;
    private final PlotPlacement placement;
    private final Quarantine quarantine;
    private final byte[] nodePublicKey;

    PlotMover(CapsuleIndex index, String indexName, PlotReaders readers, DiskUsage usage, CommitPolicy commits,
              PlotPlacement placement, Quarantine quarantine, byte[] nodePublicKey) {
        this.index = index;
        this.indexName = indexName;
        this.readers = readers;
        this.usage = usage;
        this.commits = commits;
        this.placement = placement;
        this.quarantine = quarantine;
        this.nodePublicKey = nodePublicKey.clone();
    }

    /**
     * Moves the plot at {@code from} to the directory of class {@code target} with the most room; the new
     * path. {@link StorageErrorCode#NO_SPACE} when no directory of that class has room for it,
     * {@link StorageErrorCode#NOT_FOUND} when no servable plot is indexed at {@code from}.
     */
    Path move(Path from, StorageClass target) {
        PlotReader source = servableReader(from);
        long size = source.fileSize();
        Path dir = placement.chooseIn(target, size).orElseThrow(() -> new StorageException(StorageErrorCode.NO_SPACE,
                "no " + target.label() + " plot directory has room for plot " + source.plotId() + " (" + size + " bytes)"));
        if (dir.equals(from.getParent())) {
            return from;
        }
        Path to = dir.resolve(from.getFileName());
        PlotReader copy = copyAndCheck(source, dir, to);
        synchronized (commits.lock()) {
            try {
                StorageFailures.indexUpdate("cannot index plot " + to + " in " + indexName, () -> index.addPlot(copy));
            } catch (RuntimeException e) {
                PlotReaders.closeQuietly(copy);
                CommitPolicy.deletePlot(to);
                throw e;
            }
            readers.put(copy);
            usage.added(to, copy.fileSize());
        }
        dropCopy(from);
        return to;
    }

    /**
     * Removes the plot file at {@code path} whose plot another indexed file holds too: its index rows (one
     * transaction), its reader, its file. Refused ({@link StorageErrorCode#NOT_FOUND}) when no other servable
     * file of the same plot id is indexed, so the last copy of a plot is never dropped here.
     */
    void dropCopy(Path path) {
        synchronized (commits.lock()) {
            PlotReader r = reader(path);
            Bytes32 id = r.plotId();
            List<CapsuleIndex.PlotRow> rows = StorageFailures.index("index " + indexName + " failed", index::plots);
            boolean another = rows.stream().anyMatch(row -> !Path.of(row.path()).equals(path)
                    && row.status() == PlotStatus.OK && id.toHex().equals(row.plotId())
                    && quarantine.badCapsulesOf(row.path()).isEmpty());
            if (!another) {
                throw new StorageException(StorageErrorCode.NOT_FOUND, "plot " + path + " has no other copy to keep");
            }
            StorageFailures.indexUpdate("cannot drop plot " + path + " from " + indexName,
                    () -> index.removePlot(path.toString()));
            readers.remove(path.toString());
            usage.removed(path);
        }
        CommitPolicy.deletePlot(path);
    }

    /** {@code plots} (from the index) that are not quarantined, with their directory's class and their datastores. */
    List<PlotFile> files(List<PlotSummary> plots) {
        List<PlotFile> out = new java.util.ArrayList<>();
        for (PlotSummary p : plots) {
            if (p.status() == PlotStatus.QUARANTINED) {
                continue;
            }
            java.util.Set<Bytes32> held = new java.util.HashSet<>();
            try {
                readers.get(p.path().toString()).entries().forEach(e -> held.add(e.datastoreId()));
            } catch (IOException | PlotReader.Corrupt e) {
                continue; // quarantined by the next read or verify
            }
            out.add(new PlotFile(p.plotId(), p.path(), placement.classOf(p.path().getParent()), p.sizeBytes(),
                    p.creationTime(), held, p.servable()));
        }
        return out;
    }

    /** The plot directories with their class and free space, and which of {@code plots} are in each. */
    List<PlotDirectory> directories(List<PlotSummary> plots) {
        return placement.directories().stream().map(d -> {
            List<PlotSummary> in = plots.stream().filter(p -> d.path().equals(p.path().getParent())).toList();
            return new PlotDirectory(d.path(), d.storageClass(), d.usableBytes(), in.size(),
                    in.stream().mapToLong(PlotSummary::sizeBytes).sum());
        }).toList();
    }

    private PlotReader servableReader(Path from) {
        PlotReader r = reader(from);
        if (!quarantine.badCapsulesOf(from.toString()).isEmpty()
                || quarantine.plotQuarantined(from.toString())) {
            throw new StorageException(StorageErrorCode.NOT_FOUND, "plot " + from + " is not servable; it is not moved");
        }
        return r;
    }

    private PlotReader reader(Path path) {
        try {
            return readers.get(path.toString());
        } catch (IOException | PlotReader.Corrupt e) {
            throw new StorageException(StorageErrorCode.NOT_FOUND, "no readable plot at " + path + ": " + e.getMessage(), e);
        }
    }

    private PlotReader copyAndCheck(PlotReader source, Path dir, Path to) {
        Path temp = null;
        try {
            temp = AtomicFiles.createTemporary(dir.resolve(PlotWriter.TEMP_STEM), "rw-r--r--");
            PlotWriter.writing(temp);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.READ);
                 FileChannel in = FileChannel.open(source.path(), StandardOpenOption.READ)) {
                out.lock(); // held until closed: another process's open leaves this temporary file alone
                long size = in.size();
                for (long at = 0; at < size; ) {
                    at += in.transferTo(at, size - at, out);
                }
                out.force(true);
                check(source, temp);
                AtomicFiles.commit(temp, to, AtomicFiles.Publish.CREATE_NEW);
            }
            return PlotReader.open(to, nodePublicKey);
        } catch (PlotReader.Corrupt e) {
            CommitPolicy.deletePlot(to);
            throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, "the copy of plot " + source.plotId() + " at " + to
                    + " fails its checks: " + e.getMessage(), e);
        } catch (IOException e) {
            throw StorageFailures.io("cannot copy plot " + source.path() + " to " + dir, e);
        } finally {
            if (temp != null) {
                PlotWriter.written(temp);
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // swept by the next open
                }
            }
        }
    }

    private void check(PlotReader source, Path temp) throws IOException, PlotReader.Corrupt {
        try (PlotReader copy = PlotReader.open(temp, nodePublicKey)) {
            if (!copy.plotId().equals(source.plotId())) {
                throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, "the copy of plot " + source.plotId() + " reads as plot "
                        + copy.plotId());
            }
            for (PlotReader.Entry e : copy.entries()) {
                String problem = PlotVerifier.problem(copy, e);
                if (problem != null) {
                    throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, "the copy of plot " + source.plotId() + " at "
                            + temp + ": capsule " + e.index() + " of " + e.datastoreId() + ": " + problem);
                }
            }
        }
    }
}
