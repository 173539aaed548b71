package net.dig.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.StandardOpenOption;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.core.Sha256;

/**
 * The node's capsule store: datastores in, capsules and proofs out.
 *
 * <h2>What</h2>
 * Ingests files and directories into signed datastores (DESIGN.md §4.2), writes them to crash-safe
 * {@code DIG1} plot files ({@link PlotWriter}), indexes every capsule in SQLite ({@link CapsuleIndex}) for
 * O(1) lookups, serves capsules, chunks and Merkle proofs, verifies plots, and rebuilds the index from the
 * plots alone.
 *
 * <h2>Why this shape</h2>
 * Plot files are the source of truth: each carries the signed manifests of the datastores it holds, so
 * losing the index loses nothing. The index only makes lookups fast. A plot enters the index only after
 * it is durable under its final name; a crash between the rename and the index commit is repaired at the
 * next {@link #open}, which indexes every valid plot it finds and quarantines every invalid one.
 *
 * <h2>Plot directories</h2>
 * A new plot goes to the configured plot directory with the most usable space, if that space fits the
 * plot's estimated size; otherwise the write fails before touching the disk, naming the directories and
 * their free space. A disk that fills up during the write fails it with a message naming the directory;
 * the temporary file is deleted.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Methods block; callers may use virtual threads. Hashing runs on a fixed pool of one
 * worker per core with a bounded queue (when it is full the submitting thread hashes the capsule
 * itself); each ingest has its own reader thread and writes on the calling thread. Index access
 * is serialized by {@link CapsuleIndex}; commits of new plots are serialized by {@code commitLock} so the
 * "newer version only" rule holds under concurrent pushes. Reads use positional I/O on shared channels.
 *
 * <h2>Failure modes</h2>
 * Bad input (missing or unreadable source, unknown datastore, wrong signature, hash mismatch, stale
 * version) throws {@link StorageException}, {@link UnknownDatastoreException} or
 * {@link IllegalArgumentException} with one clear message, and leaves no temporary file, no plot and
 * no index rows behind. A plot that fails its header or table checks is quarantined: it stays on disk
 * for the operator, is listed by {@link #plots()}, and {@link #locate} refuses to serve from it.
 */
public final class StorageEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StorageEngine.class.getName());

    private final StorageConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final NodeIdentity node;
    private final CapsuleIndex index;
    private final ExecutorService workers;
    private final int threads;
    private final Map<String, PlotReader> readers = new ConcurrentHashMap<>();
    private final Map<String, MerkleTree> trees = new ConcurrentHashMap<>();
    /** Current manifests, read through from the index; {@code cacheGeneration} guards against stale fills. */
    private final Map<Bytes32, Manifest> manifests = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong cacheGeneration = new java.util.concurrent.atomic.AtomicLong();
    private final Object commitLock = new Object();
    private final Map<Bytes32, ReentrantLock> storeLocks = new ConcurrentHashMap<>();
    /** Tests turn this off to reach a real out-of-space error during the write. */
    volatile boolean checkFreeSpace = true;
    /** Tests run this in each writer just before its plot gets its final name. */
    volatile Runnable beforePublish;
    /** Tests run this after each plot a rebuild has read, while the rebuild is under way. */
    volatile Runnable rebuildStep;
    private volatile boolean closed;

    // ---- api hook (owned by the api developer): which plots must not be served, in memory, non-blocking
    /** Plots quarantined or found with bad capsules by {@link #verify} since open; a clean verify clears one. */
    private final Set<Bytes32> unservablePlots = ConcurrentHashMap.newKeySet();

    /**
     * Non-blocking, in-memory: false once a plot was quarantined or {@link #verify} found a bad capsule in
     * it while this engine is open (until a later verify finds it clean). Servers that cache capsule
     * locations check this before each zero-copy send. Plots quarantined before open are refused by
     * {@link #locate} already.
     */
    public boolean plotServable(Bytes32 plotId) {
        return !unservablePlots.contains(plotId);
    }

    private void noteVerification(PlotVerification v) {
        if (v.ok()) {
            unservablePlots.remove(v.plotId());
        } else {
            unservablePlots.add(v.plotId());
        }
    }
    // ---- end of api hook

    private StorageEngine(StorageConfig config, Clock clock, RandomGenerator random, NodeIdentity node, CapsuleIndex index) {
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.node = node;
        this.index = index;
        this.threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        // bounded hand-off: when every worker is busy and the queue is full, the submitting thread hashes
        // the capsule itself, so concurrent ingests and verifies slow down instead of queueing without limit
        this.workers = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(4 * threads),
                Thread.ofPlatform().name("dig-storage-hash-", 0).daemon().factory(),
                (task, pool) -> {
                    if (pool.isShutdown()) {
                        throw new java.util.concurrent.RejectedExecutionException("storage engine is closed");
                    }
                    task.run();
                });
    }

    /**
     * Opens the store with the node key at {@code dataDir/node.key} (created, 0600, if absent) and a
     * {@link SecureRandom} for datastore nonces.
     */
    public static StorageEngine open(StorageConfig config, Clock clock) {
        createDirectory(config.dataDir());
        NodeIdentity node;
        try {
            node = NodeIdentity.loadOrCreate(config.dataDir().resolve("node.key"), new SecureRandom());
        } catch (IllegalStateException e) {
            throw new StorageException(e.getMessage(), e);
        }
        return open(config, clock, node, new SecureRandom());
    }

    /**
     * Opens the store: creates the directories, opens or creates the SQLite index (WAL), deletes leftover
     * temporary plot files, checks every plot's header and tables, indexes the valid ones and quarantines
     * the rest.
     *
     * @param node   signs the plots this engine writes ({@code plot_id} binds a plot to its node)
     * @param random draws datastore nonces
     */
    public static StorageEngine open(StorageConfig config, Clock clock, NodeIdentity node, RandomGenerator random) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(node, "node identity");
        Objects.requireNonNull(random, "random");
        createDirectory(config.dataDir());
        for (Path dir : config.plotDirs()) {
            createDirectory(dir);
        }
        createDirectory(config.cacheDir());
        CapsuleIndex index;
        try {
            index = new CapsuleIndex(config.indexFile());
        } catch (SQLException e) {
            throw new StorageException("cannot open index " + config.indexFile() + ": " + e.getMessage(), e);
        }
        StorageEngine engine = new StorageEngine(config, clock, random, node, index);
        try {
            engine.removeTemporaryFiles();
            engine.scanPlots(false);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Turns a file or directory into a new datastore (version 1, owned and signed by {@code owner}) in one
     * new plot, and indexes it. Nothing is left behind on failure.
     */
    public Manifest ingest(Path source, IngestOptions options, NodeIdentity owner, Progress progress) {
        checkOpen();
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(owner, "owner");
        Progress p = progress == null ? Progress.none() : progress;
        SourceFiles files = SourceFiles.scan(source);
        int capsuleSize = options.capsuleSize();
        long total = files.totalSize();
        long countLong = (total + capsuleSize - 1) / capsuleSize;
        if (countLong > Integer.MAX_VALUE) {
            throw new StorageException("cannot ingest " + source + ": " + total + " bytes is too many capsules");
        }
        int count = (int) countLong;
        String name = options.name() != null ? options.name()
                : source.toAbsolutePath().normalize().getFileName() == null ? source.toString()
                : source.toAbsolutePath().normalize().getFileName().toString();
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        Bytes32 datastoreId = DatastoreVersion.deriveId(owner.publicKey(), nonce);
        Path dir = chooseDirectory(estimatePlotSize(total, count, capsuleSize, files.items().size()));
        List<CapsuleInfo> capsules = new ArrayList<>(count);
        p.begin("ingest " + name, total);
        try (files; PlotWriter writer = createWriter(dir)) {
            new CapsulePipeline(workers, 2 * threads).run(count,
                    i -> files.nextCapsule((int) Math.min(capsuleSize, total - (long) i * capsuleSize)),
                    options.compression(),
                    c -> {
                        writer.append(datastoreId, c.index(), c.size(), c.hashes().hash(), c.hashes().chunkRoot(),
                                c.hashes().chunkHashes(), c.encoded().bytes(), c.encoded().length(), c.encoded().codec());
                        capsules.add(new CapsuleInfo(c.index(), c.hashes().hash(), c.size(), c.hashes().chunkRoot()));
                        p.advance(c.size());
                    });
            List<FileEntry> table = files.fileTable();
            List<Bytes32> leaves = new ArrayList<>(count);
            for (CapsuleInfo c : capsules) {
                leaves.add(Manifest.leafHash(c));
            }
            long now = clock.epochSeconds();
            DatastoreVersion version = DatastoreVersion.signed(nonce, 1, MerkleTree.root(leaves), count, total,
                    capsuleSize, now, name, table, owner);
            Manifest manifest = new Manifest(version, name, capsules, table);
            PlotWriter.Written written = writer.finish(node, now, List.of(manifest));
            commit(written.path(), null);
            return manifest;
        } catch (SourceFiles.SourceReadException e) {
            throw new StorageException("cannot ingest " + source + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw writeFailure(dir, e);
        } finally {
            p.end();
        }
    }

    /**
     * Stores a datastore version supplied by someone else (HTTP push, a peer). The signature, every
     * capsule's hash and chunk root, and the Merkle root are checked BEFORE anything is committed; an
     * older-or-equal version of a known datastore, or one signed by a different owner, is refused.
     */
    public Manifest store(DatastoreVersion signedVersion, String name, List<FileEntry> files, List<CapsuleInfo> capsules,
                          CapsuleSource source, Compression compression) {
        checkOpen();
        Objects.requireNonNull(signedVersion, "signed version");
        Objects.requireNonNull(source, "capsule source");
        Manifest manifest = new Manifest(signedVersion, name, capsules, files == null ? List.of() : files);
        manifest.validate();
        // one store at a time per datastore, so a second push of the same version is refused cleanly
        ReentrantLock lock = storeLocks.computeIfAbsent(signedVersion.datastoreId(), k -> new ReentrantLock());
        lock.lock();
        try {
            checkNewer(manifest);
            List<Integer> all = new ArrayList<>(capsules.size());
            for (int i = 0; i < capsules.size(); i++) {
                all.add(i);
            }
            writePlot(manifest, all, source, compression == null ? Compression.NONE : compression, true);
            return manifest;
        } finally {
            lock.unlock();
        }
    }

    /** Re-plots capsules of a stored datastore (empty list = all) into a new plot. */
    public PlotSummary createPlot(Bytes32 datastoreId, List<Integer> capsuleIndices, Compression compression) {
        checkOpen();
        Manifest manifest = manifest(datastoreId).orElseThrow(() -> new UnknownDatastoreException(datastoreId));
        List<Integer> indices = new ArrayList<>();
        if (capsuleIndices == null || capsuleIndices.isEmpty()) {
            for (int i = 0; i < manifest.capsules().size(); i++) {
                indices.add(i);
            }
        } else {
            Set<Integer> seen = new HashSet<>();
            for (Integer i : capsuleIndices) {
                checkCapsuleIndex(manifest, i);
                if (!seen.add(i)) {
                    throw new IllegalArgumentException("capsule index " + i + " is listed twice");
                }
                indices.add(i);
            }
        }
        return writePlot(manifest, indices, i -> readCapsule(datastoreId, i),
                compression == null ? Compression.NONE : compression, false);
    }

    private PlotSummary writePlot(Manifest manifest, List<Integer> indices, CapsuleSource source, Compression compression,
                                  boolean mustBeNewer) {
        long bytes = 0;
        for (int i : indices) {
            bytes += manifest.capsules().get(i).size();
        }
        Path dir = chooseDirectory(estimatePlotSize(bytes, indices.size(), manifest.version().capsuleSize(),
                manifest.files().size()));
        Bytes32 datastoreId = manifest.datastoreId();
        try (PlotWriter writer = createWriter(dir)) {
            new CapsulePipeline(workers, 2 * threads).run(indices.size(), k -> {
                int i = indices.get(k);
                byte[] bytesOf = source.capsule(i);
                CapsuleInfo info = manifest.capsules().get(i);
                if (bytesOf == null || bytesOf.length != info.size()) {
                    throw new IllegalArgumentException("capsule " + i + " of datastore " + datastoreId + " is "
                            + (bytesOf == null ? "missing" : bytesOf.length + " bytes") + ", expected " + info.size());
                }
                return bytesOf;
            }, compression, c -> {
                int i = indices.get(c.index());
                CapsuleInfo info = manifest.capsules().get(i);
                if (!c.hashes().hash().equals(info.hash())) {
                    throw new IllegalArgumentException("capsule " + i + " of datastore " + datastoreId
                            + " does not match its capsule hash " + info.hash());
                }
                if (!c.hashes().chunkRoot().equals(info.chunkRoot())) {
                    throw new IllegalArgumentException("capsule " + i + " of datastore " + datastoreId
                            + " does not match its chunk root " + info.chunkRoot());
                }
                writer.append(datastoreId, i, c.size(), info.hash(), info.chunkRoot(), c.hashes().chunkHashes(),
                        c.encoded().bytes(), c.encoded().length(), c.encoded().codec());
            });
            PlotWriter.Written written = writer.finish(node, clock.epochSeconds(), List.of(manifest));
            PlotReader reader = commit(written.path(), mustBeNewer ? manifest : null);
            return summary(reader);
        } catch (IOException e) {
            throw writeFailure(dir, e);
        }
    }

    private void checkNewer(Manifest manifest) {
        DatastoreVersion v = manifest.version();
        Optional<Manifest> current = manifest(v.datastoreId());
        if (current.isPresent()) {
            DatastoreVersion held = current.get().version();
            if (!Arrays.equals(held.ownerPublicKey(), v.ownerPublicKey())) {
                throw new IllegalArgumentException("datastore " + v.datastoreId() + " belongs to a different owner key");
            }
            if (v.version() <= held.version()) {
                throw new StorageException("datastore " + v.datastoreId() + " is already at version " + held.version()
                        + "; version " + v.version() + " is not newer");
            }
        }
    }

    /** Validates the renamed plot, indexes it, and makes it servable; on failure deletes it. */
    private PlotReader commit(Path plot, Manifest mustBeNewer) throws IOException {
        PlotReader reader;
        try {
            reader = PlotReader.open(plot, node.publicKey());
        } catch (PlotReader.Corrupt e) {
            deletePlot(plot);
            throw new IOException("the plot just written fails its own checks: " + e.getMessage());
        }
        synchronized (commitLock) {
            try {
                if (mustBeNewer != null) {
                    checkNewer(mustBeNewer);
                }
                index.addPlot(reader);
            } catch (SQLException | RuntimeException e) {
                reader.close();
                deletePlot(plot);
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new StorageException("cannot index plot " + plot + " in " + config.indexFile() + ": " + e.getMessage(), e);
            }
            PlotReader old = readers.put(plot.toString(), reader);
            closeQuietly(old);
            invalidateCaches();
        }
        return reader;
    }

    private static void deletePlot(Path plot) {
        try {
            Files.deleteIfExists(plot);
            PlotWriter.fsyncDirectory(plot.getParent());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove rejected plot " + plot + ": " + e.getMessage());
        }
    }

    private PlotWriter createWriter(Path dir) throws IOException {
        PlotWriter w = PlotWriter.create(dir);
        w.beforePublish = beforePublish;
        return w;
    }

    private StorageException writeFailure(Path dir, IOException e) {
        String reason = e.getMessage();
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        }
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        }
        return new StorageException("cannot write plot in " + dir + ": " + reason, e);
    }

    static long estimatePlotSize(long bytes, int capsules, int capsuleSize, int files) {
        long chunks = bytes / PlotWriter.PAGE + capsules;
        return PlotWriter.HEADER_SIZE + bytes + (long) capsules * PlotWriter.PAGE
                + (long) capsules * (PlotWriter.C1_RECORD + PlotWriter.C2_RECORD + 32 + 68) + 32 * chunks
                + files * 600L + 8 * PlotWriter.PAGE;
    }

    private Path chooseDirectory(long needed) {
        Path best = null;
        long bestFree = -1;
        StringBuilder seen = new StringBuilder();
        for (Path dir : config.plotDirs()) {
            long free;
            try {
                free = Files.getFileStore(dir).getUsableSpace();
            } catch (IOException e) {
                seen.append(seen.isEmpty() ? "" : ", ").append(dir).append(" (unavailable: ").append(e.getMessage()).append(')');
                continue;
            }
            if (!Files.isWritable(dir)) {
                seen.append(seen.isEmpty() ? "" : ", ").append(dir).append(" (not writable)");
                continue;
            }
            seen.append(seen.isEmpty() ? "" : ", ").append(dir).append(" (").append(free).append(" bytes free)");
            if (free > bestFree) {
                best = dir;
                bestFree = free;
            }
        }
        if (best == null || (checkFreeSpace && bestFree < needed)) {
            throw new StorageException("no plot directory has room for a plot of about " + needed + " bytes: " + seen);
        }
        return best;
    }

    // ------------------------------------------------------------------ reading

    public List<DatastoreSummary> datastores() {
        checkOpen();
        return query(index::datastores);
    }

    /** The manifest of the current version. */
    public Optional<Manifest> manifest(Bytes32 datastoreId) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        Manifest cached = manifests.get(datastoreId);
        if (cached != null) {
            return Optional.of(cached);
        }
        long generation = cacheGeneration.get();
        Optional<Manifest> m = query(() -> {
            Optional<Long> v = index.currentVersion(datastoreId);
            return v.isEmpty() ? Optional.empty() : index.manifest(datastoreId, v.get());
        });
        if (m.isPresent()) {
            synchronized (manifests) {
                if (cacheGeneration.get() == generation) {
                    manifests.put(datastoreId, m.get());
                }
            }
        }
        return m;
    }

    /** Forgets cached manifests and trees; called whenever the index changes which version is current. */
    private void invalidateCaches() {
        synchronized (manifests) {
            cacheGeneration.incrementAndGet();
            manifests.clear();
            trees.clear();
        }
    }

    public List<PlotSummary> plots() {
        checkOpen();
        return query(() -> index.plots().stream().map(CapsuleIndex.PlotRow::summary).toList());
    }

    /**
     * Where capsule {@code capsuleIndex} of the current version is, from the index. Empty if the datastore
     * or capsule is unknown here; throws {@link StorageException} if its only copies are in quarantined plots.
     */
    public Optional<CapsuleLocation> locate(Bytes32 datastoreId, int capsuleIndex) {
        checkOpen();
        Optional<Long> version = query(() -> index.currentVersion(datastoreId));
        if (version.isEmpty()) {
            return Optional.empty();
        }
        List<CapsuleIndex.CapsuleRow> rows = query(() -> index.capsule(datastoreId, version.get(), capsuleIndex));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        CapsuleIndex.CapsuleRow r = rows.getFirst();
        if (r.plotStatus() != PlotStatus.OK) {
            throw new StorageException("capsule " + capsuleIndex + " of datastore " + datastoreId
                    + " is only in quarantined plot " + r.plotPath() + ": " + r.plotReason());
        }
        return Optional.of(new CapsuleLocation(Bytes32.fromHex(r.plotId()), Path.of(r.plotPath()), r.offset(),
                r.storedLength(), r.codec(), r.size(), r.hash()));
    }

    /** The uncompressed bytes of a capsule, checked against its hash. */
    public byte[] readCapsule(Bytes32 datastoreId, int capsuleIndex) {
        Manifest m = requireManifest(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        StorageException last = null;
        for (CapsuleIndex.CapsuleRow r : servableCopies(m, capsuleIndex)) {
            try {
                PlotReader reader = reader(r.plotPath());
                FileChannelRead read = new FileChannelRead(reader, r);
                byte[] data = CapsuleCodec.decode(read.stored(), r.codec(), r.size());
                if (Sha256.hash(data).equals(r.hash())) {
                    return data;
                }
                last = new StorageException("capsule " + capsuleIndex + " of datastore " + datastoreId + " in plot "
                        + r.plotPath() + " does not match its hash (run plot verify)");
            } catch (IOException e) {
                last = new StorageException("cannot read capsule " + capsuleIndex + " of datastore " + datastoreId
                        + " from plot " + r.plotPath() + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    /** Proof of capsule {@code capsuleIndex}'s leaf ({@link Manifest#leafHash}) against the current merkle_root. */
    public MerkleProof capsuleProof(Bytes32 datastoreId, int capsuleIndex) {
        Manifest m = requireManifest(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        MerkleTree tree = trees.computeIfAbsent(datastoreId.toHex() + "/" + m.version().version(), k -> m.tree());
        return tree.proof(capsuleIndex);
    }

    /** The 4 KiB chunk {@code chunkIndex} of a capsule (the last may be short), checked against its chunk hash. */
    public byte[] readChunk(Bytes32 datastoreId, int capsuleIndex, int chunkIndex) {
        Manifest m = requireManifest(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        checkChunkIndex(m, capsuleIndex, chunkIndex);
        StorageException last = null;
        for (CapsuleIndex.CapsuleRow r : servableCopies(m, capsuleIndex)) {
            try {
                PlotReader reader = reader(r.plotPath());
                FileChannelRead read = new FileChannelRead(reader, r);
                int from = chunkIndex * CapsuleHashes.CHUNK;
                int len = Math.min(CapsuleHashes.CHUNK, r.size() - from);
                byte[] chunk;
                if (r.codec() == Compression.NONE) {
                    chunk = read.range(from, len);
                } else {
                    byte[] all = CapsuleCodec.decode(read.stored(), r.codec(), r.size());
                    chunk = Arrays.copyOfRange(all, from, from + len);
                }
                byte[] hashes = read.chunkHashes();
                if (MerkleTree.leafHash(chunk).equals(Bytes32.wrap(hashes, 32 * chunkIndex))) {
                    return chunk;
                }
                last = new StorageException("chunk " + chunkIndex + " of capsule " + capsuleIndex + " of datastore "
                        + datastoreId + " in plot " + r.plotPath() + " does not match its chunk hash (run plot verify)");
            } catch (IOException e) {
                last = new StorageException("cannot read chunk " + chunkIndex + " of capsule " + capsuleIndex
                        + " of datastore " + datastoreId + " from plot " + r.plotPath() + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    /** Proof of chunk {@code chunkIndex} ({@code leaf(chunk)}) against the capsule's chunk_root. */
    public MerkleProof chunkProof(Bytes32 datastoreId, int capsuleIndex, int chunkIndex) {
        Manifest m = requireManifest(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        checkChunkIndex(m, capsuleIndex, chunkIndex);
        StorageException last = null;
        for (CapsuleIndex.CapsuleRow r : servableCopies(m, capsuleIndex)) {
            try {
                byte[] hashes = new FileChannelRead(reader(r.plotPath()), r).chunkHashes();
                List<Bytes32> leaves = new ArrayList<>(hashes.length / 32);
                for (int i = 0; i < hashes.length; i += 32) {
                    leaves.add(Bytes32.wrap(hashes, i));
                }
                MerkleTree tree = MerkleTree.of(leaves);
                if (tree.root().equals(m.capsules().get(capsuleIndex).chunkRoot())) {
                    return tree.proof(chunkIndex);
                }
                last = new StorageException("chunk hashes of capsule " + capsuleIndex + " in plot " + r.plotPath()
                        + " do not match the chunk root");
            } catch (IOException e) {
                last = new StorageException("cannot read chunk hashes from plot " + r.plotPath() + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    /** Positional reads of one indexed capsule. */
    private record FileChannelRead(PlotReader plot, CapsuleIndex.CapsuleRow row) {
        byte[] stored() throws IOException {
            return plot.readStoredAt(row.offset(), row.storedLength());
        }

        byte[] range(int from, int len) throws IOException {
            return plot.readStoredAt(row.offset() + from, len);
        }

        byte[] chunkHashes() throws IOException {
            return plot.readStoredAt(row.chunkHashesOffset(), 32 * PlotWriter.chunkCount(row.size()));
        }
    }

    private List<CapsuleIndex.CapsuleRow> servableCopies(Manifest m, int capsuleIndex) {
        Bytes32 id = m.datastoreId();
        List<CapsuleIndex.CapsuleRow> rows = query(() -> index.capsule(id, m.version().version(), capsuleIndex));
        if (rows.isEmpty()) {
            throw new StorageException("capsule " + capsuleIndex + " of datastore " + id + " is not stored on this node");
        }
        List<CapsuleIndex.CapsuleRow> ok = rows.stream().filter(r -> r.plotStatus() == PlotStatus.OK).toList();
        if (ok.isEmpty()) {
            throw new StorageException("capsule " + capsuleIndex + " of datastore " + id + " is only in quarantined plot "
                    + rows.getFirst().plotPath() + ": " + rows.getFirst().plotReason());
        }
        return ok;
    }

    private PlotReader reader(String path) throws IOException {
        PlotReader r = readers.get(path);
        if (r != null) {
            return r;
        }
        // indexed by another process (a CLI ingest next to a running node): open and check it once
        synchronized (readers) {
            r = readers.get(path);
            if (r == null) {
                try {
                    r = PlotReader.open(Path.of(path), node.publicKey());
                } catch (PlotReader.Corrupt e) {
                    quarantine(Path.of(path), e.reason());
                    throw new IOException("plot " + path + " is quarantined: " + e.getMessage());
                }
                readers.put(path, r);
            }
            return r;
        }
    }

    private Manifest requireManifest(Bytes32 datastoreId) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return manifest(datastoreId).orElseThrow(() -> new UnknownDatastoreException(datastoreId));
    }

    private static void checkCapsuleIndex(Manifest m, int capsuleIndex) {
        if (capsuleIndex < 0 || capsuleIndex >= m.capsules().size()) {
            throw new IllegalArgumentException("capsule index " + capsuleIndex + " is outside datastore " + m.datastoreId()
                    + " (" + m.capsules().size() + " capsules)");
        }
    }

    private static void checkChunkIndex(Manifest m, int capsuleIndex, int chunkIndex) {
        int chunks = PlotWriter.chunkCount(m.capsules().get(capsuleIndex).size());
        if (chunkIndex < 0 || chunkIndex >= chunks) {
            throw new IllegalArgumentException("chunk index " + chunkIndex + " is outside capsule " + capsuleIndex
                    + " (" + chunks + " chunks)");
        }
    }

    // ------------------------------------------------------------------ checking

    /** Rehashes every capsule of one plot (or all plots) against C1 and reports each bad capsule by index. */
    public VerifyReport verify(Optional<Bytes32> plotId, Progress progress) {
        checkOpen();
        Progress p = progress == null ? Progress.none() : progress;
        List<Path> files = plotFiles();
        List<PlotVerification> results = new ArrayList<>();
        List<Path> selected = new ArrayList<>();
        Map<Path, Long> sizes = new java.util.HashMap<>();
        long totalBytes = 0;
        for (Path f : files) {
            if (plotId == null || plotId.isEmpty() || PlotReader.claimedPlotId(f).equals(plotId.get())) {
                selected.add(f);
                long size = sizeOf(f);
                sizes.put(f, size);
                totalBytes += size;
            }
        }
        if (plotId != null && plotId.isPresent() && selected.isEmpty()) {
            throw new StorageException("no plot " + plotId.get() + " in " + config.plotDirs());
        }
        p.begin("verify", totalBytes);
        try {
            for (Path f : selected) {
                PlotVerification v = verifyPlot(f, sizes.get(f), p);
                noteVerification(v);
                results.add(v);
            }
        } finally {
            p.end();
        }
        return new VerifyReport(results);
    }

    /** Verifies one plot and advances {@code outer} by exactly {@code plotSize}, whatever happens. */
    private PlotVerification verifyPlot(Path file, long plotSize, Progress outer) {
        java.util.concurrent.atomic.AtomicLong advanced = new java.util.concurrent.atomic.AtomicLong();
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
            reader = PlotReader.open(file, node.publicKey());
        } catch (PlotReader.Corrupt e) {
            quarantine(file, e.foreign ? e.reason() : e.getMessage());
            progress.advance(sizeOf(file));
            return new PlotVerification(PlotReader.claimedPlotId(file), file, !e.inHeader, false, List.of());
        } catch (IOException e) {
            quarantine(file, "cannot read: " + e.getMessage());
            return new PlotVerification(PlotReader.claimedPlotId(file), file, false, false, List.of());
        }
        try (reader) {
            // at most 2 x cores capsules in flight: a sliding window over the plot, no unbounded queue
            java.util.ArrayDeque<Future<CapsuleProblem>> window = new java.util.ArrayDeque<>();
            List<CapsuleProblem> bad = new ArrayList<>();
            for (PlotReader.Entry e : reader.entries()) {
                if (window.size() >= 2 * threads) {
                    CapsuleProblem problem = window.removeFirst().get();
                    if (problem != null) {
                        bad.add(problem);
                    }
                }
                window.addLast(workers.submit(() -> {
                    String why = reader.checkCapsule(e);
                    if (why == null) {
                        try {
                            byte[] hashes = reader.readChunkHashes(e);
                            if (!CapsuleHashes.root(hashes).equals(e.chunkRoot())) {
                                why = "chunk hashes do not match the chunk root";
                            }
                        } catch (IOException ex) {
                            why = "cannot read chunk hashes: " + ex.getMessage();
                        }
                    }
                    progress.advance(e.storedLength());
                    return why == null ? null : new CapsuleProblem(e.datastoreId(), e.index(), why);
                }));
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
            throw new StorageException("verify of " + file + " was interrupted", e);
        } catch (ExecutionException | IOException e) {
            throw new StorageException("verify of " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** The index row of a quarantined plot; marks it unservable at once. */
    private CapsuleIndex.PlotRow quarantineRow(Path file, String reason) {
        Bytes32 claimed = PlotReader.claimedPlotId(file);
        unservablePlots.add(claimed);
        return new CapsuleIndex.PlotRow(file.toString(), claimed.equals(Bytes32.ZERO) ? null : claimed.toHex(),
                sizeOf(file), 0, 0, PlotStatus.QUARANTINED, reason);
    }

    private void quarantine(Path file, String reason) {
        PlotReader old = readers.remove(file.toString());
        closeQuietly(old);
        try {
            index.putPlot(quarantineRow(file, reason));
        } catch (SQLException e) {
            throw new StorageException("cannot record quarantine of " + file + " in " + config.indexFile() + ": " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.WARNING, "plot " + file + " quarantined: " + reason);
    }

    /**
     * Rebuilds the index from the plot files alone. Every plot is read and checked first; the old rows
     * are then replaced by the new ones in ONE transaction, so a concurrent reader (in this process or
     * another) sees either the old index or the new one, never a partial one.
     */
    public RebuildReport rebuildIndex() {
        checkOpen();
        synchronized (commitLock) {
            RebuildReport report = scanPlots(true);
            invalidateCaches();
            return report;
        }
    }

    /**
     * Reads and checks every plot file, then indexes the valid ones and quarantines the rest in one index
     * transaction ({@code replace}: after deleting every old row). Open readers are swapped only after
     * that commit.
     */
    private RebuildReport scanPlots(boolean replace) {
        Map<String, PlotReader> valid = new java.util.LinkedHashMap<>();
        Map<Path, String> bad = new java.util.LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        int capsules = 0;
        Set<Bytes32> datastores = new HashSet<>();
        try {
            for (Path file : plotFiles()) {
                present.add(file.toString());
                try {
                    PlotReader reader = PlotReader.open(file, node.publicKey());
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
                Runnable hook = rebuildStep;
                if (hook != null) {
                    hook.run();
                }
            }
            List<CapsuleIndex.PlotRow> quarantinedRows = new ArrayList<>();
            for (Map.Entry<Path, String> b : bad.entrySet()) {
                quarantinedRows.add(quarantineRow(b.getKey(), b.getValue()));
            }
            try {
                index.indexPlots(replace, List.copyOf(valid.values()), quarantinedRows);
            } catch (SQLException e) {
                throw new StorageException("cannot index plots in " + config.indexFile() + ": " + e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            valid.values().forEach(StorageEngine::closeQuietly);
            throw e;
        }
        for (Map.Entry<Path, String> b : bad.entrySet()) {
            closeQuietly(readers.remove(b.getKey().toString()));
            LOG.log(System.Logger.Level.WARNING, "plot " + b.getKey() + " quarantined: " + b.getValue());
        }
        if (replace) {
            for (String path : List.copyOf(readers.keySet())) {
                if (!valid.containsKey(path)) {
                    closeQuietly(readers.remove(path));
                }
            }
        }
        for (Map.Entry<String, PlotReader> v : valid.entrySet()) {
            closeQuietly(readers.put(v.getKey(), v.getValue()));
        }
        for (CapsuleIndex.PlotRow row : query(index::plots)) {
            if (!present.contains(row.path()) && row.status() == PlotStatus.OK) {
                query(() -> {
                    index.putPlot(new CapsuleIndex.PlotRow(row.path(), row.plotId(), row.sizeBytes(), row.capsuleCount(),
                            row.creationTime(), PlotStatus.QUARANTINED, "plot file is missing"));
                    return null;
                });
            }
        }
        List<PlotSummary> quarantined = new ArrayList<>();
        for (CapsuleIndex.PlotRow row : query(index::plots)) {
            if (row.status() == PlotStatus.QUARANTINED) {
                quarantined.add(row.summary());
            }
        }
        return new RebuildReport(valid.size(), datastores.size(), capsules, quarantined);
    }

    private List<Path> plotFiles() {
        List<Path> out = new ArrayList<>();
        for (Path dir : config.plotDirs()) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(PlotWriter.PLOT_SUFFIX) && Files.isRegularFile(p))
                        .sorted().forEach(out::add);
            } catch (IOException e) {
                throw new StorageException("cannot list plot directory " + dir + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private void removeTemporaryFiles() {
        for (Path dir : config.plotDirs()) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(f -> f.getFileName().toString().endsWith(PlotWriter.TEMP_SUFFIX)).toList()) {
                    removeIfAbandoned(p);
                }
                PlotWriter.fsyncDirectory(dir);
            } catch (IOException e) {
                throw new StorageException("cannot clean plot directory " + dir + ": " + e.getMessage(), e);
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
            LOG.log(System.Logger.Level.INFO, "removed unfinished plot " + temp);
        } catch (java.nio.file.NoSuchFileException e) {
            // finished or removed meanwhile
        }
    }

    // ------------------------------------------------------------------ accounting and health

    /**
     * Apparent bytes of everything under the plot directories, the directories themselves included:
     * exactly what {@code du -sb <plot dirs>} (GNU du, {@code --apparent-size --block-size=1}) prints.
     */
    public long plotBytesOnDisk() {
        checkOpen();
        long total = 0;
        Set<Object> inodes = new HashSet<>();
        for (Path dir : config.plotDirs()) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    Object key = a.fileKey();
                    if (key == null || inodes.add(key)) {
                        total += a.size();
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new StorageException("cannot measure plot directory " + dir + ": " + e.getMessage(), e);
            }
        }
        return total;
    }

    /** Health: every plot directory is writable and the index is open. */
    public boolean writable() {
        if (closed || !index.isOpen()) {
            return false;
        }
        for (Path dir : config.plotDirs()) {
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                return false;
            }
        }
        return true;
    }

    public StorageConfig config() {
        return config;
    }

    /** The key that signs this engine's plots. */
    public NodeIdentity nodeIdentity() {
        return node;
    }

    /** Every row of the index, as text in a fixed order (for tests and diagnostics). */
    List<String> indexDump() {
        return query(index::dump);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        workers.shutdownNow();
        for (PlotReader r : readers.values()) {
            closeQuietly(r);
        }
        readers.clear();
        try {
            index.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing index: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private PlotSummary summary(PlotReader r) {
        return new PlotSummary(r.plotId(), r.path(), r.fileSize(), r.entries().size(), r.creationTime(), PlotStatus.OK, null);
    }

    private interface Query<T> {
        T run() throws SQLException;
    }

    private <T> T query(Query<T> q) {
        try {
            return q.run();
        } catch (SQLException e) {
            throw new StorageException("index " + config.indexFile() + " failed: " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("storage engine is closed");
        }
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "close: " + e.getMessage());
            }
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create directory " + dir + ": "
                    + (e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString()), e);
        }
        if (!Files.isDirectory(dir)) {
            throw new StorageException("cannot use " + dir + ": not a directory");
        }
    }
}
