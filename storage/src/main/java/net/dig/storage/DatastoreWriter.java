package net.dig.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;

/**
 * Writes new plots: an ingest (a new datastore), a stored version (pushed or replicated), a re-plot of
 * stored capsules, and a copy of capsules already in plots (evictions, packing).
 *
 * <p>Each write: a directory from {@link PlotPlacement}; capsules streamed through the
 * {@link CapsulePipeline} (hashed and compressed on the workers) into a {@link PlotWriter}; the plot
 * published under its final name; then {@link CommitPolicy#commit}. A failure deletes the temporary
 * file and leaves no index rows. Write failures are classified by {@link StorageFailures#write} while
 * the partial file is still there (so a full disk reads as full); content that does not match the
 * signed manifest is {@link StorageErrorCode#VERIFICATION_FAILED}.
 *
 * <p>Thread-safe: every write has its own writer; commits are serialized by {@link CommitPolicy}.
 */
final class DatastoreWriter {
    private final ExecutorService workers;
    private final int threads;
    private final PlotPlacement placement;
    private final CommitPolicy commits;
    private final NodeIdentity node;
    private final Clock clock;
    private final RandomGenerator random;
    private final Supplier<Runnable> beforePublish;

    DatastoreWriter(ExecutorService workers, int threads, PlotPlacement placement, CommitPolicy commits, NodeIdentity node,
                    Clock clock, RandomGenerator random, Supplier<Runnable> beforePublish) {
        this.workers = workers;
        this.threads = threads;
        this.placement = placement;
        this.commits = commits;
        this.node = node;
        this.clock = clock;
        this.random = random;
        this.beforePublish = beforePublish;
    }

    private interface PlotWork<T> {
        T run(PlotWriter writer) throws IOException;
    }

    /** Runs {@code work} on a new plot in {@code dir}; the temporary file is gone afterwards, whatever happens. */
    private <T> T writing(Path dir, PlotWork<T> work) {
        PlotWriter writer;
        try {
            writer = PlotWriter.create(dir);
        } catch (IOException e) {
            throw StorageFailures.write("cannot write plot in " + dir, dir, e);
        }
        writer.beforePublish = beforePublish.get();
        try {
            return work.run(writer);
        } catch (IOException e) {
            throw StorageFailures.write("cannot write plot in " + dir, dir, e);
        } finally {
            PlotReaders.closeQuietly(writer);
        }
    }

    Manifest ingest(Path source, IngestOptions options, NodeIdentity owner, Progress progress) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(owner, "owner");
        Progress p = progress == null ? Progress.none() : progress;
        SourceFiles files = SourceFiles.scan(source);
        try {
            return ingest(source, files, options, owner, p);
        } finally {
            try {
                files.close();
            } catch (IOException e) {
                // read-only source files: nothing to lose
            }
        }
    }

    private Manifest ingest(Path source, SourceFiles files, IngestOptions options, NodeIdentity owner, Progress p) {
        int capsuleSize = options.capsuleSize();
        long total = files.totalSize();
        long countLong = (total + capsuleSize - 1) / capsuleSize;
        if (countLong > Integer.MAX_VALUE) {
            throw new StorageException(StorageErrorCode.IO, "cannot ingest " + source + ": " + total
                    + " bytes is too many capsules");
        }
        int count = (int) countLong;
        String name = options.name() != null ? options.name()
                : source.toAbsolutePath().normalize().getFileName() == null ? source.toString()
                : source.toAbsolutePath().normalize().getFileName().toString();
        byte[] nonce = new byte[32];
        // ingests run concurrently and the injected generator need not be thread-safe (a seeded one in tests):
        // an unguarded draw could hand two datastores the same nonce, so the same id
        synchronized (random) {
            random.nextBytes(nonce);
        }
        Bytes32 datastoreId = DatastoreVersion.deriveId(owner.publicKey(), nonce);
        Path dir = placement.choose(PlotPlacement.estimate(total, count, files.items().size()));
        List<CapsuleInfo> capsules = new ArrayList<>(count);
        p.begin("ingest " + name, total);
        try {
            return writing(dir, writer -> {
                new CapsulePipeline(workers, 2 * threads).run(count,
                        i -> fromSource(source, () -> files.nextCapsule((int) Math.min(capsuleSize, total - (long) i * capsuleSize))),
                        options.compression(),
                        c -> {
                            writer.append(datastoreId, c.index(), c.size(), c.hashes().hash(), c.hashes().chunkRoot(),
                                    c.hashes().chunkHashes(), c.encoded().bytes(), c.encoded().length(), c.encoded().codec());
                            capsules.add(new CapsuleInfo(c.index(), c.hashes().hash(), c.size(), c.hashes().chunkRoot()));
                            p.advance(c.size());
                        });
                List<FileEntry> table = fromSource(source, files::fileTable);
                List<Bytes32> leaves = new ArrayList<>(count);
                for (CapsuleInfo c : capsules) {
                    leaves.add(Manifest.leafHash(c));
                }
                long now = clock.epochSeconds();
                DatastoreVersion version = DatastoreVersion.signed(nonce, 1, MerkleTree.root(leaves), count, total,
                        capsuleSize, now, name, table, owner);
                Manifest manifest = new Manifest(version, name, capsules, table);
                PlotWriter.Written written = writer.finish(node, now, List.of(manifest));
                commits.commit(written.path(), null, manifest);
                return manifest;
            });
        } finally {
            p.end();
        }
    }

    private interface SourceRead<T> {
        T read() throws IOException;
    }

    /** A source that cannot be read is the source's failure, not the plot directory's. */
    private static <T> T fromSource(Path source, SourceRead<T> read) throws IOException {
        try {
            return read.read();
        } catch (SourceFiles.SourceReadException e) {
            throw new StorageException(StorageErrorCode.IO, "cannot ingest " + source + ": " + e.getMessage(), e);
        }
    }

    Manifest store(DatastoreVersion signedVersion, String name, List<FileEntry> files, List<CapsuleInfo> capsules,
                   CapsuleSource source, Compression compression) {
        Objects.requireNonNull(signedVersion, "signed version");
        Objects.requireNonNull(source, "capsule source");
        Manifest manifest = new Manifest(signedVersion, name, capsules, files == null ? List.of() : files);
        try {
            manifest.validate();
        } catch (IllegalArgumentException e) {
            // the id binds the owner key, so another owner's version of a stored datastore fails here
            if (commits.ownedByAnother(manifest)) {
                throw new StorageException(StorageErrorCode.OWNER_MISMATCH, "datastore " + signedVersion.datastoreId()
                        + " belongs to a different owner key: " + e.getMessage(), e);
            }
            throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, e.getMessage(), e);
        }
        return commits.storing(signedVersion.datastoreId(), () -> {
            commits.checkNewer(manifest);
            List<Integer> all = new ArrayList<>(capsules.size());
            for (int i = 0; i < capsules.size(); i++) {
                all.add(i);
            }
            writePlot(manifest, all, source, compression == null ? Compression.NONE : compression, true);
            return manifest;
        });
    }

    PlotSummary createPlot(Manifest manifest, List<Integer> capsuleIndices, CapsuleSource source, Compression compression) {
        List<Integer> indices = new ArrayList<>();
        if (capsuleIndices == null || capsuleIndices.isEmpty()) {
            for (int i = 0; i < manifest.capsules().size(); i++) {
                indices.add(i);
            }
        } else {
            Set<Integer> seen = new HashSet<>();
            for (Integer i : capsuleIndices) {
                CapsuleReader.checkCapsuleIndex(manifest, i);
                if (!seen.add(i)) {
                    throw new IllegalArgumentException("capsule index " + i + " is listed twice");
                }
                indices.add(i);
            }
        }
        return writePlot(manifest, indices, source, compression == null ? Compression.NONE : compression, false);
    }

    private PlotSummary writePlot(Manifest manifest, List<Integer> indices, CapsuleSource source, Compression compression,
                                  boolean newVersion) {
        long bytes = 0;
        for (int i : indices) {
            bytes += manifest.capsules().get(i).size();
        }
        Path dir = placement.choose(PlotPlacement.estimate(bytes, indices.size(), manifest.files().size()));
        Bytes32 datastoreId = manifest.datastoreId();
        return writing(dir, writer -> {
            new CapsulePipeline(workers, 2 * threads).run(indices.size(), k -> {
                int i = indices.get(k);
                byte[] bytesOf = source.capsule(i);
                CapsuleInfo info = manifest.capsules().get(i);
                if (bytesOf == null || bytesOf.length != info.size()) {
                    throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, "capsule " + i + " of datastore "
                            + datastoreId + " is " + (bytesOf == null ? "missing" : bytesOf.length + " bytes")
                            + ", expected " + info.size());
                }
                return bytesOf;
            }, compression, c -> {
                int i = indices.get(c.index());
                CapsuleInfo info = manifest.capsules().get(i);
                if (!c.hashes().hash().equals(info.hash())) {
                    throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, "capsule " + i + " of datastore "
                            + datastoreId + " does not match its capsule hash " + info.hash());
                }
                if (!c.hashes().chunkRoot().equals(info.chunkRoot())) {
                    throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, "capsule " + i + " of datastore "
                            + datastoreId + " does not match its chunk root " + info.chunkRoot());
                }
                writer.append(datastoreId, i, c.size(), info.hash(), info.chunkRoot(), c.hashes().chunkHashes(),
                        c.encoded().bytes(), c.encoded().length(), c.encoded().codec());
            });
            PlotWriter.Written written = writer.finish(node, clock.epochSeconds(), List.of(manifest));
            PlotReader reader = commits.commit(written.path(), newVersion ? manifest : null, newVersion ? manifest : null);
            return summary(reader);
        });
    }

    /** One capsule already in a plot, to copy as stored (no decompression, no rehash). */
    record Copy(PlotReader from, PlotReader.Entry entry) {}

    /**
     * Writes the stored bytes of {@code copies} into a new plot holding {@code manifests}, publishes it
     * and returns its path, without indexing it: the caller switches the index.
     */
    Path copyToNewPlot(List<Copy> copies, List<Manifest> manifests) {
        long bytes = 0;
        int files = 0;
        for (Copy c : copies) {
            bytes += c.entry().storedLength();
        }
        for (Manifest m : manifests) {
            files += m.files().size();
        }
        Path dir = placement.choose(PlotPlacement.estimate(bytes, copies.size(), files));
        return writing(dir, writer -> {
            for (Copy c : copies) {
                PlotReader.Entry e = c.entry();
                byte[] stored = c.from().readStored(e);
                writer.append(e.datastoreId(), e.index(), e.size(), e.hash(), e.chunkRoot(), c.from().readChunkHashes(e),
                        stored, stored.length, e.codec());
            }
            return writer.finish(node, clock.epochSeconds(), manifests).path();
        });
    }

    /** Copies capsules of several stored datastores into one new plot and indexes it. */
    PlotSummary pack(List<Copy> copies, List<Manifest> manifests) {
        Path plot = copyToNewPlot(copies, manifests);
        try {
            return summary(commits.commit(plot, null, null));
        } catch (IOException e) {
            throw StorageFailures.io("cannot index plot " + plot, e);
        }
    }

    static PlotSummary summary(PlotReader r) {
        return new PlotSummary(r.plotId(), r.path(), r.fileSize(), r.entries().size(), r.creationTime(), PlotStatus.OK, null);
    }
}
