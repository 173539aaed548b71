package net.dig.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Bytes32;
import net.dig.core.Progress;

/**
 * Rehashes plots: header and tables first ({@link PlotReader#open}), then every capsule in one pass
 * over its bytes: its C4 chunk hashes against its chunk root (C3, checked against the signed manifest at
 * open), and each 4 KiB chunk against its C4 hash.
 *
 * <p>What it finds goes to the {@link Quarantine} at once: a plot whose header or tables fail is
 * quarantined; bad capsules are recorded; a plot found clean is cleared of earlier findings.
 *
 * <p>Concurrency: capsules are hashed on the shared worker pool, at most {@code 2 x workers} in flight
 * per plot (a sliding window, no unbounded queue). Progress advances by exactly each plot's file size,
 * whatever happens. An interrupted or failing verify throws {@link StorageException} ({@code IO});
 * what it recorded before stays recorded.
 */
final class PlotVerifier {
    private final List<Path> plotDirs;
    private final byte[] nodePublicKey;
    private final ExecutorService workers;
    private final int threads;
    private final Quarantine quarantine;

    PlotVerifier(List<Path> plotDirs, byte[] nodePublicKey, ExecutorService workers, int threads, Quarantine quarantine) {
        this.plotDirs = List.copyOf(plotDirs);
        this.nodePublicKey = nodePublicKey.clone();
        this.workers = workers;
        this.threads = threads;
        this.quarantine = quarantine;
    }

    VerifyReport verify(Optional<Bytes32> plotId, Progress progress) {
        Progress p = progress == null ? Progress.none() : progress;
        List<PlotVerification> results = new ArrayList<>();
        List<Path> selected = new ArrayList<>();
        Map<Path, Long> sizes = new HashMap<>();
        long totalBytes = 0;
        for (Path f : PlotRecovery.plotFiles(plotDirs)) {
            if (plotId == null || plotId.isEmpty() || PlotReader.claimedPlotId(f).equals(plotId.get())) {
                selected.add(f);
                long size = sizeOf(f);
                sizes.put(f, size);
                totalBytes += size;
            }
        }
        if (plotId != null && plotId.isPresent() && selected.isEmpty()) {
            throw new StorageException(StorageErrorCode.NOT_FOUND, "no plot " + plotId.get() + " in " + plotDirs);
        }
        p.begin("verify", totalBytes);
        try {
            for (Path f : selected) {
                PlotVerification v = verifyPlot(f, sizes.get(f), p);
                quarantine.verified(v);
                results.add(v);
            }
        } finally {
            p.end();
        }
        return new VerifyReport(results);
    }

    /** Verifies one plot and advances {@code outer} by exactly {@code plotSize}, whatever happens. */
    private PlotVerification verifyPlot(Path file, long plotSize, Progress outer) {
        AtomicLong advanced = new AtomicLong();
        Progress progress = new Progress() {
            @Override
            public void begin(String task, long totalUnits) {}

            @Override
            public void advance(long units) {
                // capsule bytes never exceed the file, but a file that grew since it was measured could
                long before = advanced.getAndAccumulate(units, (a, u) -> Math.min(plotSize, a + u));
                long step = Math.min(plotSize, before + units) - before;
                if (step > 0) {
                    outer.advance(step);
                }
            }

            @Override
            public void end() {}
        };
        try {
            return verifyPlotFile(file, progress);
        } finally {
            long rest = plotSize - advanced.getAndSet(plotSize);
            if (rest > 0) {
                outer.advance(rest); // header, tables and page padding
            }
        }
    }

    private PlotVerification verifyPlotFile(Path file, Progress progress) {
        PlotReader reader;
        try {
            reader = PlotReader.open(file, nodePublicKey);
        } catch (PlotReader.Corrupt e) {
            quarantine.plot(file, e.foreign ? e.reason() : e.getMessage());
            progress.advance(sizeOf(file));
            return new PlotVerification(PlotReader.claimedPlotId(file), file, !e.inHeader, false, List.of());
        } catch (IOException e) {
            quarantine.plot(file, "cannot read: " + e.getMessage());
            return new PlotVerification(PlotReader.claimedPlotId(file), file, false, false, List.of());
        }
        try (reader) {
            ArrayDeque<Future<CapsuleProblem>> window = new ArrayDeque<>();
            List<CapsuleProblem> bad = new ArrayList<>();
            for (PlotReader.Entry e : reader.entries()) {
                if (window.size() >= 2 * threads) {
                    CapsuleProblem problem = window.removeFirst().get();
                    if (problem != null) {
                        bad.add(problem);
                    }
                }
                window.addLast(workers.submit(() -> check(reader, e, progress)));
            }
            for (Future<CapsuleProblem> f : window) {
                CapsuleProblem problem = f.get();
                if (problem != null) {
                    bad.add(problem);
                }
            }
            return new PlotVerification(reader.plotId(), file, true, true, bad);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageErrorCode.IO, "verify of " + file + " was interrupted", e);
        } catch (ExecutionException e) {
            throw new StorageException(StorageErrorCode.IO, "verify of " + file + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw StorageFailures.io("verify of " + file + " failed", e);
        }
    }

    private static CapsuleProblem check(PlotReader reader, PlotReader.Entry e, Progress progress) {
        String why = problem(reader, e);
        progress.advance(e.storedLength());
        return why == null ? null : new CapsuleProblem(e.datastoreId(), e.index(), why);
    }

    /**
     * Checks one capsule: its C4 chunk hashes against its chunk root, then its bytes against those chunk
     * hashes, in one pass over the data. Null if intact, else why not.
     */
    static String problem(PlotReader reader, PlotReader.Entry e) {
        byte[] hashes;
        try {
            hashes = reader.readChunkHashes(e);
        } catch (IOException ex) {
            return "cannot read chunk hashes: " + ex.getMessage();
        }
        if (!CapsuleHashes.root(hashes).equals(e.chunkRoot())) {
            return "chunk hashes do not match the chunk root";
        }
        return reader.checkChunks(e, hashes);
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }
}
