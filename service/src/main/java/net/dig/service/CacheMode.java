package net.dig.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.DatastoreVersion;

/**
 * Cache mode ({@code node.mode: cache}): a read of a datastore this node does not hold fetches it through
 * from its holders and serves it, and the node keeps what is read often. What is kept, what makes room
 * and what expires is decided by {@link CacheEviction}; this class applies the decisions: the fetch (a
 * {@link Source}, verified like every fetch: the owner-signed record, then every capsule against it, by
 * {@link FetchService}), the crash-safe removal ({@link DatastoreService#evict}), and the list of what the
 * cache keeps.
 *
 * <h2>A read miss</h2>
 * {@link #miss} asks the source for the latest signed version record of the datastore, checks it (id
 * derivation, owner signature, the id asked for), asks the policy whether its {@code total_size} bytes are
 * admitted, removes the victims, then fetches the version and completes {@code true} once it is stored
 * here (the caller then serves it from the store), {@code false} when the datastore is bypassed (too big,
 * not read often enough to displace what is kept), no holder is known, or the fetch fails (the caller
 * answers as for any datastore not held: 404 with its holders). One fetch per datastore at a time: a second
 * miss while one runs gets the same stage.
 *
 * <h2>What the cache keeps</h2>
 * Only datastores this class fetched are ever dropped: a datastore ingested or pushed here is not an entry
 * and is never touched. The entries are listed in {@code keptFile} (one datastore id in hex per line,
 * rewritten whole through {@link AtomicFiles} after each change), so a restart keeps managing them; their
 * times to live start again at the restart. Stored plain: the fetch service lands versions
 * with {@code compression: none} ({@link FetchConfig#compression}), so every capsule is served by
 * {@code sendFile}; a {@link FetchService} configured otherwise is refused at construction.
 *
 * <h2>Read counts across restarts</h2>
 * The policy's read counts ({@link CacheEviction#counts}) are kept in {@code countsFile} (docs/decisions.md D63b),
 * saved by {@link #tick} at most once a minute of the injected clock while reads arrive and by {@link #close}, read
 * back (added to the counts) at construction, so a restart does not make every kept datastore look unread to the
 * next admission. Big-endian, in a {@link StateFile} frame:
 * <pre>
 *   u32 magic "DIGC" (0x44494743) | u32 format version = 1
 *   u64 reads since the counts were last halved | u32 n (at most CacheEviction.MAX_TRACKED)
 *   n times: 32 datastore id | u64 count (at least 1)
 *   32 SHA-256 of every byte before it
 * </pre>
 * A file that is not a whole frame of version 1, or whose body does not parse, is logged
 * ({@code cache_counts_ignored}) and ignored: the counts start at 0, as before the file existed.
 *
 * <h2>Failure modes</h2>
 * A removal that fails is logged and retried at the next {@link #tick} (the entry stays listed); a list
 * that cannot be written is logged, the in-memory state stays right, and the next change writes it again.
 * A crash between a removal and the list's rewrite leaves an id the store no longer holds: it is dropped
 * when the list is read at the next start.
 *
 * <p>Concurrency: the policy and the entries are guarded by this object's lock, held for no I/O; removals
 * and the list's writes run on {@code worker}; {@link #read} is in memory and event-loop safe.
 */
public final class CacheMode implements ContentService.ReadThrough {
    /** Where a cache miss finds the datastore: its latest signed record, and the fetch of a version. */
    public interface Source {
        /** The latest version record a holder of {@code datastoreId} gives, empty when no holder is known or answers. */
        CompletionStage<Optional<DatastoreVersion>> latest(Bytes32 datastoreId);

        /** Fetches {@code version} from its holders and stores it here, verified; true once it is stored. */
        CompletionStage<Boolean> fetch(DatastoreVersion version);
    }

    private static final System.Logger LOG = System.getLogger(CacheMode.class.getName());
    static final int COUNTS_MAGIC = 0x44494743;
    static final int COUNTS_VERSION = 1;

    private final CacheEviction<Bytes32> policy;
    private final DatastoreService datastores;
    private final Source source;
    private final Clock clock;
    private final Executor worker;
    private final Path keptFile;
    private final StateFile countsFile;
    /** Reads counted by this object, the counts file's change count. */
    private long reads;
    private final TreeSet<Bytes32> kept = new TreeSet<>();
    private final Object writing = new Object();
    private final List<Bytes32> toRemove = new ArrayList<>();
    private final Map<Bytes32, CompletableFuture<Boolean>> missing = new HashMap<>();
    private long fetchedThrough;
    private long bypassed;
    private long evicted;

    public CacheMode(CacheEviction<Bytes32> policy, DatastoreService datastores, FetchConfig fetchConfig, Source source, Clock clock,
              Executor worker, Path keptFile, Path countsFile) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.datastores = Objects.requireNonNull(datastores, "datastores");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.keptFile = Objects.requireNonNull(keptFile, "keptFile");
        this.countsFile = new StateFile(countsFile, COUNTS_MAGIC, COUNTS_VERSION, clock, this::readsCounted,
                this::countsBody);
        if (fetchConfig.compression() != net.dig.storage.Compression.NONE) {
            throw new IllegalArgumentException("cache mode stores what it fetches plain; the fetch service compresses with "
                    + fetchConfig.compression());
        }
        restore();
        this.countsFile.read("cache_counts_ignored").ifPresent(body -> {
            try {
                policy.restoreCounts(decodeCounts(body));
            } catch (IllegalArgumentException e) {
                this.countsFile.ignored("cache_counts_ignored", e);
            }
        });
    }

    /** What {@code /node/status} and tests read. */
    public record Status(int kept, long keptBytes, long capacityBytes, long fetchedThrough, long bypassed, long evicted) {}

    public synchronized Status status() {
        return new Status(kept.size(), policy.usedBytes(), policy.settings().capacity(), fetchedThrough, bypassed, evicted);
    }

    /** Whether {@code datastoreId} is an entry of this cache (fetched through and not dropped since). */
    public synchronized boolean keeps(Bytes32 datastoreId) {
        return kept.contains(datastoreId);
    }

    @Override
    public synchronized void read(Bytes32 datastoreId) {
        policy.read(datastoreId, clock.millis());
        reads++;
    }

    @Override
    public CompletionStage<Boolean> miss(Bytes32 datastoreId) {
        CompletableFuture<Boolean> mine;
        synchronized (this) {
            CompletableFuture<Boolean> running = missing.get(datastoreId);
            if (running != null) {
                return running.copy();
            }
            mine = new CompletableFuture<>();
            missing.put(datastoreId, mine);
        }
        CompletionStage<Optional<DatastoreVersion>> latest;
        try {
            latest = source.latest(datastoreId);
        } catch (RuntimeException e) {
            latest = CompletableFuture.failedFuture(e);
        }
        latest.thenCompose(v -> admitAndFetch(datastoreId, v)).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.log(System.Logger.Level.WARNING, "cache_fetch_failed: " + datastoreId.toHex() + ": " + e);
            }
            synchronized (this) {
                missing.remove(datastoreId, mine);
            }
            mine.complete(e == null && ok);
        });
        return mine.copy();
    }

    private CompletionStage<Boolean> admitAndFetch(Bytes32 id, Optional<DatastoreVersion> found) {
        if (found.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        DatastoreVersion v = found.get();
        if (!v.datastoreId().equals(id) || !v.idDerivationValid() || !v.signatureValid()) {
            LOG.log(System.Logger.Level.WARNING, "cache_bad_record: a holder of " + id.toHex()
                    + " answered a version record that does not verify for it");
            return CompletableFuture.completedFuture(false);
        }
        List<Bytes32> victims;
        synchronized (this) {
            Optional<List<Bytes32>> admitted = policy.admit(id, v.totalSize(), clock.millis());
            if (admitted.isEmpty()) {
                bypassed++;
                return CompletableFuture.completedFuture(false);
            }
            victims = admitted.get();
            toRemove.addAll(victims);
        }
        return CompletableFuture.runAsync(this::removePending, worker)
                .thenCompose(x -> source.fetch(v))
                .handle((landed, e) -> {
                    boolean ok = e == null && Boolean.TRUE.equals(landed) && datastores.manifest(id).isPresent();
                    synchronized (this) {
                        if (ok) {
                            kept.add(id);
                            fetchedThrough++;
                        } else {
                            policy.remove(id);
                        }
                    }
                    if (ok) {
                        writeKept();
                    }
                    return ok;
                });
    }

    /**
     * Drops the entries not read for {@code ttl} that may leave (and retries removals that failed), with
     * the time of the injected clock. Blocking (removals); call it from a worker or a tick thread.
     */
    public void tick() {
        synchronized (this) {
            toRemove.addAll(policy.expired(clock.millis()));
        }
        removePending();
        countsFile.tick();
    }

    /** Blocking: saves the read counts if reads arrived since the last save (a clean stop). */
    public void close() {
        countsFile.close();
    }

    private synchronized long readsCounted() {
        return reads;
    }

    private synchronized byte[] countsBody() {
        return encodeCounts(policy.counts());
    }

    static byte[] encodeCounts(CacheEviction.Counts<Bytes32> c) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + (32 + 8) * c.counts().size()).putLong(c.readsSinceAging())
                .putInt(c.counts().size());
        c.counts().forEach((id, n) -> b.put(id.toArray()).putLong(n));
        return b.array();
    }

    /** The counts a body holds; {@link IllegalArgumentException} when it does not parse. */
    static CacheEviction.Counts<Bytes32> decodeCounts(ByteBuffer b) {
        long since = b.remaining() < 12 ? -1 : b.getLong();
        int n = since < 0 ? -1 : b.getInt();
        if (n < 0 || n > CacheEviction.MAX_TRACKED || b.remaining() != (32L + 8) * n) {
            throw new IllegalArgumentException("the body does not hold " + Integer.toUnsignedString(n) + " counts");
        }
        Map<Bytes32, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.put(Bytes32.read(b), b.getLong());
        }
        return new CacheEviction.Counts<>(counts, since);
    }

    /** Blocking: removes the datastores the policy let go, crash-safely; a failed one stays queued. */
    private void removePending() {
        List<Bytes32> batch;
        synchronized (this) {
            if (toRemove.isEmpty()) {
                return;
            }
            batch = List.copyOf(toRemove);
            toRemove.clear();
        }
        List<Bytes32> failed = new ArrayList<>();
        for (Bytes32 id : batch) {
            try {
                datastores.evict(id);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cache_evict_failed: " + id.toHex() + ": " + e.getMessage());
                failed.add(id);
            }
        }
        synchronized (this) {
            for (Bytes32 id : batch) {
                if (failed.contains(id)) {
                    toRemove.add(id);
                } else if (kept.remove(id)) {
                    evicted++;
                }
            }
        }
        writeKept();
    }

    private void restore() {
        List<String> lines;
        try {
            lines = Files.readAllLines(keptFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cache_list_unreadable: " + keptFile + ": " + e.getMessage()
                    + "; the datastores it listed stay, unmanaged");
            return;
        }
        Map<Bytes32, Long> sizes = new HashMap<>();
        for (DatastoreSummary d : datastores.datastores()) {
            sizes.put(d.datastoreId(), d.totalSize());
        }
        long now = clock.millis();
        for (String line : lines) {
            String hex = line.strip();
            if (!hex.matches("0x[0-9a-f]{64}")) {
                continue;
            }
            Bytes32 id = Bytes32.fromHex(hex);
            Long size = sizes.get(id);
            if (size != null) {
                kept.add(id);
                policy.restore(id, size, now);
            }
        }
    }

    /** Writes the entries as they are now; one writer at a time, so the last write holds the latest state. */
    private void writeKept() {
        synchronized (writing) {
            String text;
            synchronized (this) {
                StringBuilder b = new StringBuilder();
                kept.forEach(id -> b.append(id.toHex()).append('\n'));
                text = b.toString();
            }
            try {
                Files.createDirectories(keptFile.getParent());
                AtomicFiles.write(keptFile, text.getBytes(StandardCharsets.UTF_8), AtomicFiles.Publish.REPLACE);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cache_list_write_failed: " + keptFile + ": " + e.getMessage());
            }
        }
    }
}
