package net.dig.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.MerkleProof;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;

/**
 * The node's capsule store: datastores in, capsules and proofs out. A facade over the parts below.
 *
 * <h2>What</h2>
 * Ingests files and directories into signed datastores (docs/architecture.md §4.2), writes them to crash-safe
 * {@code DIG1} plot files ({@link PlotWriter}), indexes every capsule in SQLite ({@link CapsuleIndex}) for
 * O(1) lookups, serves capsules, chunks, regions and Merkle proofs, verifies plots, evicts datastores, and
 * rebuilds the index from the plots alone.
 *
 * <h2>Parts</h2>
 * <pre>
 *   PlotRecovery       open: temporary-file sweep, index reconciled with the plot files, rebuild
 *   PlotPlacement      which plot directory a new plot goes to (space check up front)
 *   DatastoreWriter    ingest, store of a pushed version, re-plot, copies (pipeline -> PlotWriter)
 *   CommitPolicy       newer-version and owner checks, commit of a published plot into the index
 *   CapsuleReader      the one copy/fallback read loop; enforces the quarantine; regions to transfer
 *   PlotVerifier       rehashes plots, feeds the quarantine
 *   Scrubber           rehashes every plot in the background at a bounded rate, feeds the quarantine
 *   Quarantine         quarantined plots and bad capsules, persisted in the index, mirrored in memory
 *   DatastoreEviction  evict/delete of a datastore, crash-safe, resumed at open
 *   PlotMover          a plot moved to a directory of another storage class: copy, check, index, drop
 *   DiskUsage          plot bytes and counts kept incrementally (cheap gauges)
 *   StorageListeners   StorageEvents delivered after the change is durable, outside every lock
 *   StorageFailures    the one point where IOException and SQLException get their StorageErrorCode
 * </pre>
 *
 * <h2>Why this shape</h2>
 * Plot files are the source of truth: each carries the signed manifests of the datastores it holds, so
 * losing the index loses nothing but the bad-capsule findings. The index only makes lookups fast. A plot
 * enters the index only after it is durable under its final name; a crash between the rename and the index
 * commit is repaired at the next {@link #open}, which indexes every valid plot it finds and quarantines
 * every invalid one.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Methods block; callers may use virtual threads. Hashing runs on a fixed pool of one
 * worker per core with a bounded queue (when it is full the submitting thread hashes the capsule
 * itself); each ingest has its own reader thread and writes on the calling thread. Index access is
 * serialized by {@link CapsuleIndex}; commits, rebuilds and evictions by {@link CommitPolicy}. Reads use
 * positional I/O on shared channels. Listeners are called at the end of the engine call that made the
 * change, after it released its locks.
 *
 * <h2>Failure modes</h2>
 * Every failure of storage is a {@link StorageException} whose {@link StorageException#code()} says why
 * (unknown datastore: {@link UnknownDatastoreException}, {@code NOT_FOUND}); a malformed request (an index
 * outside a datastore, a duplicate capsule index) is an {@link IllegalArgumentException}. A failed write
 * leaves no temporary file, no plot and no index rows behind. A plot that fails its header or table checks
 * is quarantined: it stays on disk for the operator, is listed by {@link #plots()}, and is never read.
 */
public final class StorageEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StorageEngine.class.getName());

    private final StorageConfig config;
    private final NodeIdentity node;
    private final CapsuleIndex index;
    private final String indexName;
    private final ExecutorService workers;
    private final PlotReaders readers;
    private final StorageListeners events = new StorageListeners();
    private final ManifestCache manifests;
    private final Quarantine quarantine;
    private final DiskUsage usage;
    private final PlotPlacement placement;
    private final CommitPolicy commits;
    private final DatastoreWriter writer;
    private final CapsuleReader reader;
    private final PlotVerifier verifier;
    private final PlotRecovery recovery;
    private final DatastoreEviction eviction;
    private final PlotMover mover;
    private final Clock clock;
    private volatile Scrubber scrubber;

    /** Tests turn this off to reach a real out-of-space error during the write. */
    volatile boolean checkFreeSpace = true;
    /** Tests run this in each writer just before its plot gets its final name. */
    volatile Runnable beforePublish;
    /** Tests run this after each plot a rebuild has read, while the rebuild is under way. */
    volatile Runnable rebuildStep;
    /** Tests run this at each step of an eviction ("begin", "intent", "published", "indexed", "deleted"). */
    volatile Consumer<String> evictionStep;
    private volatile boolean closed;

    private StorageEngine(StorageConfig config, Clock clock, RandomGenerator random, NodeIdentity node, CapsuleIndex index) {
        this.config = config;
        this.clock = clock;
        this.node = node;
        this.index = index;
        this.indexName = config.indexFile().toString();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        // bounded hand-off: when every worker is busy and the queue is full, the submitting thread hashes
        // the capsule itself, so concurrent ingests and verifies slow down instead of queueing without limit
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4 * threads),
                Thread.ofPlatform().name("dig-storage-hash-", 0).daemon().factory(),
                (task, pool) -> {
                    if (pool.isShutdown()) {
                        throw new RejectedExecutionException("storage engine is closed");
                    }
                    task.run();
                });
        byte[] key = node.publicKey();
        this.readers = new PlotReaders(key);
        this.manifests = new ManifestCache(index, indexName);
        this.quarantine = new Quarantine(index, indexName, readers, events, manifests);
        this.usage = new DiskUsage(config.plotDirs());
        this.placement = new PlotPlacement(config.plotDirs(), config.plotClasses(), () -> checkFreeSpace);
        this.commits = new CommitPolicy(index, indexName, readers, manifests, usage, events, key);
        Supplier<Runnable> publishHook = () -> beforePublish;
        this.writer = new DatastoreWriter(workers, threads, placement, commits, node, clock, random, publishHook);
        this.reader = new CapsuleReader(index, indexName, readers, quarantine, manifests, usage);
        this.verifier = new PlotVerifier(config.plotDirs(), key, workers, threads, quarantine);
        this.recovery = new PlotRecovery(config.plotDirs(), index, indexName, readers, quarantine, usage, key, () -> rebuildStep);
        this.eviction = new DatastoreEviction(config.dataDir().resolve("evictions"), config.plotDirs(), index, indexName,
                readers, quarantine, manifests, usage, commits, writer, events, key, () -> evictionStep);
        this.mover = new PlotMover(index, indexName, readers, usage, commits, placement, quarantine, key);
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
            throw new StorageException(StorageErrorCode.IO, e.getMessage(), e);
        }
        return open(config, clock, node, new SecureRandom());
    }

    /**
     * Opens the store: creates the directories, opens or creates the SQLite index (WAL), deletes leftover
     * temporary plot files, checks every plot's header and tables, indexes the valid ones and quarantines
     * the rest, and completes any eviction a crash interrupted.
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
            throw StorageFailures.index("cannot open index " + config.indexFile(), e);
        }
        StorageEngine engine = new StorageEngine(config, clock, random, node, index);
        try {
            engine.recovery.removeTemporaryFiles();
            engine.recovery.scan(false);
            engine.eviction.resume();
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    // ------------------------------------------------------------------ events

    /** Registers a listener for {@link StorageEvents}; registering one twice has no effect. */
    public void addListener(StorageEvents listener) {
        events.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(StorageEvents listener) {
        events.remove(listener);
    }

    private <T> T delivering(Supplier<T> call) {
        try {
            return call.get();
        } finally {
            events.deliver();
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Turns a file or directory into a new datastore (version 1, owned and signed by {@code owner}) in one
     * new plot, and indexes it. Nothing is left behind on failure.
     */
    public Manifest ingest(Path source, IngestOptions options, NodeIdentity owner, Progress progress) {
        checkOpen();
        return delivering(() -> writer.ingest(source, options, owner, progress));
    }

    /**
     * Stores a datastore version supplied by someone else (HTTP push, a peer). The signature, every
     * capsule's hash and chunk root, and the Merkle root are checked BEFORE anything is committed
     * ({@link StorageErrorCode#VERIFICATION_FAILED}); an older-or-equal version of a known datastore
     * ({@link StorageErrorCode#STALE_VERSION}) or one signed by a different owner
     * ({@link StorageErrorCode#OWNER_MISMATCH}) is refused.
     */
    public Manifest store(DatastoreVersion signedVersion, String name, List<FileEntry> files, List<CapsuleInfo> capsules,
                          CapsuleSource source, Compression compression) {
        checkOpen();
        return delivering(() -> writer.store(signedVersion, name, files, capsules, source, compression));
    }

    /** Re-plots capsules of a stored datastore (empty list = all) into a new plot. */
    public PlotSummary createPlot(Bytes32 datastoreId, List<Integer> capsuleIndices, Compression compression) {
        checkOpen();
        return delivering(() -> {
            Manifest manifest = manifests.require(datastoreId);
            return writer.createPlot(manifest, capsuleIndices, i -> reader.capsule(datastoreId, i), compression);
        });
    }

    /**
     * Copies the current capsules of several stored datastores into one new plot (a plot shared by
     * datastores). The copies are byte for byte as stored; the originals stay.
     */
    PlotSummary packPlot(List<Bytes32> datastoreIds) {
        checkOpen();
        return delivering(() -> {
            List<DatastoreWriter.Copy> copies = new ArrayList<>();
            Map<Bytes32, Manifest> held = new LinkedHashMap<>();
            for (Bytes32 id : datastoreIds) {
                Manifest m = manifests.require(id);
                held.put(id, m);
                for (int i = 0; i < m.capsules().size(); i++) {
                    CapsuleLocation loc = reader.locate(id, i).orElseThrow(() -> new UnknownDatastoreException(id));
                    PlotReader plot;
                    try {
                        plot = readers.get(loc.plotPath().toString());
                    } catch (IOException | PlotReader.Corrupt e) {
                        throw new StorageException(StorageErrorCode.IO, "cannot read plot " + loc.plotPath() + ": "
                                + e.getMessage(), e);
                    }
                    int capsule = i;
                    PlotReader.Entry entry = plot.entries().stream()
                            .filter(e -> e.datastoreId().equals(id) && e.index() == capsule).findFirst().orElseThrow();
                    copies.add(new DatastoreWriter.Copy(plot, entry));
                }
            }
            return writer.pack(copies, List.copyOf(held.values()));
        });
    }

    /**
     * Removes a datastore from this node: every version, every capsule, every plot holding only it;
     * plots it shares with other datastores are rewritten without it (new plot published, index switched,
     * old plot removed). Crash-safe: an eviction interrupted by a crash completes at the next
     * {@link #open}. Idempotent: returns false, changing nothing, when nothing of the datastore is stored
     * here (what a cache dropping an entry wants). Announced by {@link StorageEvents#onDatastoreEvicted}.
     */
    public boolean evict(Bytes32 datastoreId) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return delivering(() -> eviction.evict(datastoreId));
    }

    /**
     * {@link #evict} for an operator's request: the same removal, but a datastore not stored here is an
     * {@link UnknownDatastoreException} ({@code NOT_FOUND}) instead of {@code false}.
     */
    public void delete(Bytes32 datastoreId) {
        if (!evict(datastoreId)) {
            throw new UnknownDatastoreException(datastoreId);
        }
    }

    // ------------------------------------------------------------------ reading

    public List<DatastoreSummary> datastores() {
        checkOpen();
        return StorageFailures.index("index " + indexName + " failed", index::datastores);
    }

    /** The manifest of the current version. */
    public Optional<Manifest> manifest(Bytes32 datastoreId) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return manifests.current(datastoreId);
    }

    /** Every plot file known to the index: quarantined ones with their reason, and each plot's bad capsules. */
    public List<PlotSummary> plots() {
        checkOpen();
        List<CapsuleIndex.PlotRow> rows = StorageFailures.index("index " + indexName + " failed", index::plots);
        List<PlotSummary> out = new ArrayList<>(rows.size());
        for (CapsuleIndex.PlotRow r : rows) {
            PlotSummary s = r.summary();
            List<CapsuleProblem> bad = quarantine.badCapsulesOf(r.path());
            boolean degraded = s.status() == PlotStatus.OK && !bad.isEmpty();
            out.add(new PlotSummary(s.plotId(), s.path(), s.sizeBytes(), s.capsuleCount(), s.creationTime(),
                    degraded ? PlotStatus.DEGRADED : s.status(), degraded ? badReason(bad) : s.quarantineReason(), bad));
        }
        return out;
    }

    // ------------------------------------------------------------------ storage classes

    /** Every indexed plot with its directory's class and the datastores it holds (opens readers not yet open). */
    public List<PlotFile> plotFiles() {
        checkOpen();
        return mover.files(plots());
    }

    /** The plot directories with their class, free space and plots. */
    public List<PlotDirectory> plotDirectories() {
        checkOpen();
        return mover.directories(plots());
    }

    /**
     * Moves the servable plot at {@code plot} to a directory of class {@code target} ({@link PlotMover}:
     * copied, checked, indexed, original dropped; crash-safe); its new path. Blocking, one plot's copy.
     */
    public Path movePlot(Path plot, StorageClass target) {
        checkOpen();
        return mover.move(plot.toAbsolutePath().normalize(), target);
    }

    /** Drops the file at {@code plot} whose plot another indexed file holds too (what a crash mid-move leaves). */
    public void dropPlotCopy(Path plot) {
        checkOpen();
        mover.dropCopy(plot.toAbsolutePath().normalize());
    }

    private static String badReason(List<CapsuleProblem> bad) {
        StringBuilder b = new StringBuilder().append(bad.size()).append(bad.size() == 1 ? " bad capsule" : " bad capsules")
                .append(" refused: ");
        for (int i = 0; i < bad.size(); i++) {
            CapsuleProblem p = bad.get(i);
            b.append(i == 0 ? "" : "; ").append("capsule ").append(p.capsuleIndex()).append(" of ").append(p.datastoreId().toHex())
                    .append(" (").append(p.reason()).append(')');
        }
        return b.toString();
    }

    /**
     * Where capsule {@code capsuleIndex} of the current version is, from the index. Empty if the datastore
     * or capsule is unknown here; {@link StorageErrorCode#QUARANTINED} if its only copies are in quarantined
     * plots or were found bad. Blocking: the copy is rehashed the first time it is handed out since its
     * plot was opened (a copy that fails is recorded bad and the next is tried), so its stored bytes may
     * be sent as they are. Prefer {@link #region}, which needs no path.
     */
    public Optional<CapsuleLocation> locate(Bytes32 datastoreId, int capsuleIndex) {
        checkOpen();
        return delivering(() -> reader.locate(datastoreId, capsuleIndex));
    }

    /**
     * The stored bytes of capsule {@code capsuleIndex} of the current version as a region of an open plot,
     * for zero-copy transfer. The quarantine is enforced: {@link StorageErrorCode#QUARANTINED} if no copy
     * may be served, {@link StorageErrorCode#NOT_FOUND} if none is stored here.
     */
    public CapsuleRegion region(Bytes32 datastoreId, int capsuleIndex) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return delivering(() -> reader.region(datastoreId, capsuleIndex));
    }

    /** The uncompressed bytes of a capsule, checked against its hash; a copy that fails is quarantined. */
    public byte[] readCapsule(Bytes32 datastoreId, int capsuleIndex) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return delivering(() -> reader.capsule(datastoreId, capsuleIndex));
    }

    /** Proof of capsule {@code capsuleIndex}'s leaf ({@link Manifest#leafHash}) against the current merkle_root. */
    public MerkleProof capsuleProof(Bytes32 datastoreId, int capsuleIndex) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        Manifest m = manifests.require(datastoreId);
        CapsuleReader.checkCapsuleIndex(m, capsuleIndex);
        return manifests.capsuleProof(m, capsuleIndex);
    }

    /** The 4 KiB chunk {@code chunkIndex} of a capsule (the last may be short), checked against its chunk hash. */
    public byte[] readChunk(Bytes32 datastoreId, int capsuleIndex, int chunkIndex) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return delivering(() -> reader.chunk(datastoreId, capsuleIndex, chunkIndex));
    }

    /** Proof of chunk {@code chunkIndex} ({@code leaf(chunk)}) against the capsule's chunk_root. */
    public MerkleProof chunkProof(Bytes32 datastoreId, int capsuleIndex, int chunkIndex) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return delivering(() -> reader.chunkProof(datastoreId, capsuleIndex, chunkIndex));
    }

    /**
     * Non-blocking, in memory: false for a quarantined plot and for a plot with capsules found bad (by
     * {@link #verify} or a read), until a verify finds it clean. Persisted: it stays false after a
     * restart. Servers that cache capsule locations check this before each zero-copy send.
     */
    public boolean plotServable(Bytes32 plotId) {
        return quarantine.plotServable(plotId);
    }

    /**
     * Non-blocking, in memory: whether this copy may be served whole: its plot is not quarantined and
     * the copy was not found bad. A server that caches a {@link CapsuleLocation} checks this before each
     * send; a copy handed out by {@link #locate} or {@link #region} was also checked against its hash
     * since its plot was opened.
     */
    public boolean capsuleServable(CapsuleLocation location, Bytes32 datastoreId, int capsuleIndex) {
        return quarantine.servable(location.plotId(), location.plotPath().toString(), datastoreId, capsuleIndex);
    }

    /**
     * Blocking: the capsule indices of the current version of a datastore that no copy here may serve
     * (found bad, or only in quarantined plots), ascending; empty when all are servable.
     */
    public List<Integer> unavailableCapsules(Bytes32 datastoreId) {
        checkOpen();
        Objects.requireNonNull(datastoreId, "datastore id");
        return reader.unavailable(datastoreId);
    }

    /** Copies of capsules recorded bad (persisted, refused); no I/O. */
    public int badCapsuleCount() {
        checkOpen();
        return quarantine.badCapsuleCount();
    }

    /**
     * Blocking: takes in the findings another process (a CLI {@code plot verify}) wrote to the index, if
     * any, and announces them; true if there were. The {@link Scrubber} does this on every tick.
     */
    public boolean syncQuarantine() {
        checkOpen();
        return delivering(quarantine::refreshIfIndexChanged);
    }

    /**
     * The engine's background scrubber, created on the first call with {@code config} (later calls return
     * the same one and ignore theirs). The caller drives it ({@link Scrubber#schedule} or {@link Scrubber#tick}).
     */
    public synchronized Scrubber scrubber(ScrubConfig config) {
        checkOpen();
        Objects.requireNonNull(config, "scrub config");
        if (scrubber == null) {
            scrubber = new Scrubber(index, indexName, readers, quarantine, events, node.publicKey(), clock, config);
        }
        return scrubber;
    }

    /** What the scrubber did so far; {@code enabled == false} and zeros when there is none or it is off. */
    public ScrubStatus scrubStatus() {
        Scrubber s = scrubber;
        return s == null ? ScrubStatus.OFF : s.status();
    }

    /**
     * Repairs a capsule whose copies were found bad: stores {@code verifiedBytes} (which must hash to the
     * capsule's hash in the current manifest, else {@link StorageErrorCode#VERIFICATION_FAILED}) as a new
     * copy in a new plot, published and indexed like any other plot; the bad copies stay recorded and
     * refused, nothing is rewritten in place. Crash-safe as every plot write: before the index commit the
     * new plot is either absent or indexed at the next {@link #open}.
     */
    public PlotSummary repairCapsule(Bytes32 datastoreId, int capsuleIndex, byte[] verifiedBytes, Compression compression) {
        checkOpen();
        Objects.requireNonNull(verifiedBytes, "bytes");
        return delivering(() -> {
            Manifest m = manifests.require(datastoreId);
            CapsuleReader.checkCapsuleIndex(m, capsuleIndex);
            CapsuleInfo info = m.capsules().get(capsuleIndex);
            if (verifiedBytes.length != info.size() || !net.dig.core.Sha256.hash(verifiedBytes).equals(info.hash())) {
                throw new StorageException(StorageErrorCode.VERIFICATION_FAILED, "the bytes offered for capsule " + capsuleIndex
                        + " of datastore " + datastoreId + " do not match its hash " + info.hash());
            }
            return writer.createPlot(m, List.of(capsuleIndex), i -> verifiedBytes.clone(), compression);
        });
    }

    // ------------------------------------------------------------------ checking

    /**
     * Rehashes every capsule of one plot (or all plots) against C1 and reports each bad capsule by index.
     * What it finds is recorded (plots quarantined, bad capsules refused) and survives a restart; a plot
     * found clean is cleared of earlier findings.
     */
    public VerifyReport verify(Optional<Bytes32> plotId, Progress progress) {
        checkOpen();
        return delivering(() -> verifier.verify(plotId, progress));
    }

    /**
     * Rebuilds the index from the plot files alone. Every plot is read and checked first; the old rows
     * are then replaced by the new ones in ONE transaction, so a concurrent reader (in this process or
     * another) sees either the old index or the new one, never a partial one. Bad-capsule findings of
     * plots still present are kept.
     */
    public RebuildReport rebuildIndex() {
        checkOpen();
        return delivering(() -> {
            synchronized (commits.lock()) {
                RebuildReport report = recovery.scan(true);
                manifests.invalidate();
                eviction.resume(); // the scan re-indexed plots of an eviction that could not finish
                return report;
            }
        });
    }

    /**
     * Moves an index that cannot be used ({@link StorageErrorCode#INDEX_CORRUPT}) out of the way, with
     * its {@code -wal} and {@code -shm} files, to {@code index.sqlite.corrupt-<UTC time>} beside it;
     * nothing is deleted. The next {@link #open} creates a fresh index and fills it from the plots.
     * Call it with no engine open on {@code config}. Returns where the file went; empty if there was none.
     */
    public static Optional<Path> setAsideIndex(StorageConfig config, Clock clock) {
        try {
            return CapsuleIndex.setAside(config.indexFile(), clock.instant());
        } catch (IOException e) {
            throw StorageFailures.io("cannot move the index " + config.indexFile() + " aside", e);
        }
    }

    // ------------------------------------------------------------------ accounting and health

    /**
     * Apparent bytes of everything under the plot directories, the directories themselves included:
     * what {@code du -sb <plot dirs>} (GNU du, {@code --apparent-size --block-size=1}) prints when no
     * plot is being written. Kept up to date as plots come and go: one {@code stat} per plot directory.
     */
    public long plotBytesOnDisk() {
        checkOpen();
        return usage.bytesOnDisk();
    }

    /** Plot files in the plot directories, quarantined ones included; kept up to date, no I/O. */
    public int plotCount() {
        checkOpen();
        return usage.plotFiles();
    }

    /** Plots the index holds as quarantined; no I/O. */
    public int quarantinedPlotCount() {
        checkOpen();
        return quarantine.quarantinedPlots();
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

    /** Every row of the index, as text in a fixed order (for tests and diagnostics). */
    List<String> indexDump() {
        return StorageFailures.index("index " + indexName + " failed", index::dump);
    }

    /** The capacity tests give the plot directories. */
    PlotPlacement placement() {
        return placement;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Scrubber s = scrubber;
        if (s != null) {
            s.close();
        }
        workers.shutdownNow();
        readers.close();
        try {
            index.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "index_close_failed: closing index: " + e.getMessage());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("storage engine is closed");
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StorageFailures.io("cannot create directory " + dir, e);
        }
        if (!Files.isDirectory(dir)) {
            throw new StorageException(StorageErrorCode.IO, "cannot use " + dir + ": not a directory");
        }
    }
}
