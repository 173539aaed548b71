package net.dig.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.Manifest;

/**
 * Starts and tracks the fetches of this node, one per datastore (docs/architecture.md §6 step 7), with
 * their staging areas under {@code root} (outside the store).
 *
 * <h2>Which version wins</h2>
 * {@link #begin} refuses, before any provider is asked: an expected record whose owner signature or
 * id derivation does not verify ({@link ErrorCode#BAD_SIGNATURE}), one whose sizes do not describe
 * capsules of its capsule size ({@link ErrorCode#BAD_MANIFEST}), a version of a datastore held here
 * signed by another owner ({@link ErrorCode#OWNER_MISMATCH}), a version not newer than the one held or
 * the one being fetched ({@link ErrorCode#STALE_VERSION}). A newer version supersedes the running fetch
 * of the datastore, whose staging area is deleted, and any older staging area left on disk. Beginning the
 * version held here, exactly, deletes a staging area a crash left behind after landing.
 *
 * <h2>Repairs</h2>
 * {@link #repair} fetches some capsules of the version held here, exactly, with their staging areas
 * under {@code <root>/../repair} (so a fetch's listing never sees them); one repair per datastore at a
 * time, superseded by the begin of a newer version.
 *
 * <h2>Resume</h2>
 * {@link #staged} lists the versions whose staging areas survive a restart; beginning one of them again
 * (with fresh providers) continues where the last run stopped.
 *
 * <p>Thread-safe; {@link #begin} blocks (SQLite, disk).
 */
public final class FetchService {
    private final DatastoreService datastores;
    private final Path root;
    private final FetchConfig config;
    private final RandomGenerator random;
    /** Written under this object's lock by {@link #begin}; a session removes itself when it ends, without it. */
    private final Map<Bytes32, FetchSession<?>> running = new ConcurrentHashMap<>();
    private final Map<Bytes32, FetchSession<?>> repairing = new ConcurrentHashMap<>();
    /** Window bytes every session verified and staged (the node's download counter). */
    private final java.util.concurrent.atomic.LongAdder verified = new java.util.concurrent.atomic.LongAdder();
    /** Tests observe the steps of each session ("window", "land", "landed") here. */
    volatile Consumer<String> steps = s -> { };

    FetchService(DatastoreService datastores, Path root, FetchConfig config, RandomGenerator random) {
        this.datastores = Objects.requireNonNull(datastores, "datastores");
        this.root = Objects.requireNonNull(root, "root");
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Adds an observer of every session's steps ({@code window} once a window is staged, {@code land} before
     * a version is stored, {@code landed} once it is, {@code repaired}); called on the session's thread,
     * under its lock.
     */
    public synchronized void observe(Consumer<String> observer) {
        steps = steps.andThen(Objects.requireNonNull(observer, "observer"));
    }

    public FetchConfig config() {
        return config;
    }

    /**
     * A session fetching {@code expected} from {@code providers} through {@code link}; call
     * {@link FetchSession#start} to send its first requests. Refusals as in the class note.
     */
    public synchronized <P> FetchSession<P> begin(DatastoreVersion expected, Collection<P> providers, PeerLink<P> link) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(link, "link");
        if (!expected.idDerivationValid() || !expected.signatureValid()) {
            throw new ServiceException(ErrorCode.BAD_SIGNATURE, "the owner signature does not verify over version "
                    + expected.version() + " of " + expected.datastoreId().toHex());
        }
        checkSizes(expected);
        Bytes32 id = expected.datastoreId();
        Optional<Manifest> held = datastores.manifest(id);
        if (held.isPresent()) {
            DatastoreVersion h = held.get().version();
            if (!Arrays.equals(h.ownerPublicKey(), expected.ownerPublicKey())) {
                throw new ServiceException(ErrorCode.OWNER_MISMATCH, "datastore " + id.toHex() + " belongs to a different owner key");
            }
            if (h.version() >= expected.version()) {
                if (h.version() == expected.version()) {
                    deleteQuietly(FetchStaging.dirOf(root, id, expected.version()));
                }
                throw new ServiceException(ErrorCode.STALE_VERSION, "this node already holds version " + h.version() + " of "
                        + id.toHex());
            }
        }
        FetchSession<?> current = running.get(id);
        if (current != null) {
            if (current.version().version() >= expected.version()) {
                throw new ServiceException(ErrorCode.STALE_VERSION, "version " + current.version().version() + " of "
                        + id.toHex() + " is being fetched already");
            }
            current.supersede("superseded by version " + expected.version());
        }
        FetchSession<?> repair = repairing.get(id);
        if (repair != null) {
            repair.supersede("superseded by version " + expected.version());
        }
        FetchStaging staging;
        try {
            for (DatastoreVersion old : FetchStaging.list(root)) {
                if (old.datastoreId().equals(id) && old.version() < expected.version()) {
                    FetchStaging.deleteTree(FetchStaging.dirOf(root, id, old.version()));
                }
            }
            staging = FetchStaging.open(root, expected);
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "cannot open the staging area under " + root + ": " + e.getMessage(), e);
        }
        Consumer<String> hook = s -> steps.accept(s);
        FetchSession<P> session = new FetchSession<>(expected, null, config, providers, link, datastores, staging, random, hook,
                verified::add, this::ended);
        running.put(id, session);
        return session;
    }

    /**
     * A session fetching only {@code capsules} of {@code held}, the version this node holds, to repair
     * them ({@link FetchSession}, "Repairing some capsules only"); {@code onEnd} is told when it ends, on
     * the thread that ended it, under the session's lock (hand work to an executor). Refused:
     * {@link ErrorCode#UNKNOWN_DATASTORE} when this node does not hold exactly {@code held},
     * {@link ErrorCode#BAD_CAPSULE_INDEX} for an index outside it or none at all, {@link ErrorCode#BUSY}
     * while a repair of the datastore runs.
     */
    public synchronized <P> FetchSession<P> repair(DatastoreVersion held, Collection<Integer> capsules, Collection<P> providers,
            PeerLink<P> link, Consumer<FetchSession<P>> onEnd) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(onEnd, "onEnd");
        Bytes32 id = held.datastoreId();
        Optional<Manifest> m = datastores.manifest(id);
        if (m.isEmpty() || !Arrays.equals(m.get().version().encode(), held.encode())) {
            throw new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "this node does not hold version " + held.version() + " of "
                    + id.toHex());
        }
        java.util.BitSet only = new java.util.BitSet();
        for (int c : capsules) {
            if (c < 0 || c >= held.capsuleCount()) {
                throw new ServiceException(ErrorCode.BAD_CAPSULE_INDEX, "capsule index " + c + " is beyond capsule_count "
                        + held.capsuleCount());
            }
            only.set(c);
        }
        if (only.isEmpty()) {
            throw new ServiceException(ErrorCode.BAD_CAPSULE_INDEX, "a repair names at least one capsule");
        }
        FetchSession<?> current = repairing.get(id);
        if (current != null && current.outcome().isEmpty()) {
            throw new ServiceException(ErrorCode.BUSY, "capsules of " + id.toHex() + " are being repaired already");
        }
        Path repairRoot = repairRoot();
        FetchStaging staging;
        try {
            for (DatastoreVersion old : FetchStaging.list(repairRoot)) {
                if (old.datastoreId().equals(id) && old.version() != held.version()) {
                    FetchStaging.deleteTree(FetchStaging.dirOf(repairRoot, id, old.version()));
                }
            }
            staging = FetchStaging.open(repairRoot, held);
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "cannot open the staging area under " + repairRoot + ": "
                    + e.getMessage(), e);
        }
        Consumer<String> hook = s -> steps.accept(s);
        @SuppressWarnings("unchecked")
        FetchSession<P>[] self = new FetchSession[1];
        self[0] = new FetchSession<>(held, only, config, providers, link, datastores, staging, random, hook, verified::add, s -> {
            repairing.remove(id, s);
            onEnd.accept(self[0]);
        });
        repairing.put(id, self[0]);
        return self[0];
    }

    /**
     * Deletes the repair staging areas of {@code datastoreId} (a crash after a repair landed and before its
     * staging area went) unless a repair of it runs. Blocking; a failure is logged.
     */
    public synchronized void discardRepairStaging(Bytes32 datastoreId) {
        FetchSession<?> current = repairing.get(datastoreId);
        if (current != null && current.outcome().isEmpty()) {
            return;
        }
        Path repairRoot = repairRoot();
        try {
            for (DatastoreVersion v : FetchStaging.list(repairRoot)) {
                if (v.datastoreId().equals(datastoreId)) {
                    deleteQuietly(FetchStaging.dirOf(repairRoot, datastoreId, v.version()));
                }
            }
        } catch (IOException e) {
            System.getLogger(FetchService.class.getName()).log(System.Logger.Level.WARNING,
                    "staging_list_failed: cannot list the repair staging areas under " + repairRoot + ": " + e.getMessage());
        }
    }

    /**
     * Deletes the staging areas of versions the store already holds, or holds a newer version of: what a
     * process stopped between storing a version and deleting its staging area leaves (a fetch of it
     * would end at once). Needs no peer, so a node calls it as it starts. Blocking (the index, the disk).
     *
     * @return the versions whose staging area was deleted
     */
    public synchronized List<DatastoreVersion> discardLanded() {
        List<DatastoreVersion> discarded = new ArrayList<>();
        for (DatastoreVersion v : staged()) {
            Optional<Manifest> held = datastores.manifest(v.datastoreId());
            if (held.isPresent() && held.get().version().version() >= v.version() && discard(v)) {
                discarded.add(v);
            }
        }
        return discarded;
    }

    /** Deletes the staging area of {@code v} unless a fetch of its datastore runs; whether one was deleted. */
    public synchronized boolean discard(DatastoreVersion v) {
        if (running.containsKey(v.datastoreId())) {
            return false;
        }
        Path dir = FetchStaging.dirOf(root, v.datastoreId(), v.version());
        boolean there = java.nio.file.Files.exists(dir);
        deleteQuietly(dir);
        return there;
    }

    /** Bytes of capsule windows fetched from peers and verified since start, by every session (fetches and repairs). */
    public long bytesFetched() {
        return verified.sum();
    }

    /** The versions with a staging area on disk (to begin again after a restart). */
    public List<DatastoreVersion> staged() {
        try {
            return FetchStaging.list(root);
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "cannot list the staging area " + root + ": " + e.getMessage(), e);
        }
    }

    /** The running session of a datastore, if any. */
    public Optional<FetchSession<?>> running(Bytes32 datastoreId) {
        return Optional.ofNullable(running.get(datastoreId));
    }

    /** Where repair sessions stage: {@code <data dir>/repair}, beside the fetches' root. */
    private Path repairRoot() {
        return root.resolveSibling("repair");
    }

    /** Called by a session, under its own lock, as it ends: never takes this object's lock (begin holds it while superseding). */
    private void ended(FetchSession<?> s) {
        running.remove(s.version().datastoreId(), s);
    }

    /** The signed record must describe capsules of its capsule size, all full but the last. */
    static void checkSizes(DatastoreVersion v) {
        long n = v.capsuleCount();
        long last = n == 0 ? 0 : v.totalSize() - (n - 1) * v.capsuleSize();
        if (n == 0 ? v.totalSize() != 0 : (last < 1 || last > v.capsuleSize())) {
            throw new ServiceException(ErrorCode.BAD_MANIFEST, "version " + v.version() + " declares " + n + " capsules of "
                    + v.capsuleSize() + " bytes but " + v.totalSize() + " bytes in all");
        }
    }

    /** The size of capsule {@code c} of a record {@link #checkSizes} accepted. */
    static long sizeOf(DatastoreVersion v, int c) {
        return c < v.capsuleCount() - 1 ? v.capsuleSize() : v.totalSize() - (long) (v.capsuleCount() - 1) * v.capsuleSize();
    }

    private static void deleteQuietly(Path dir) {
        try {
            FetchStaging.deleteTree(dir);
        } catch (IOException e) {
            System.getLogger(FetchService.class.getName()).log(System.Logger.Level.WARNING,
                    "staging_delete_failed: cannot delete the staging area " + dir + ": " + e.getMessage());
        }
    }
}
