package net.dig.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;
import net.dig.storage.StorageEngine;

/**
 * Short-lived snapshots of datastore metadata (manifest, file table, Merkle tree, encoded manifest
 * JSON), so the hot read paths do not query SQLite or rebuild a tree per request.
 *
 * <p>A snapshot lives {@link #TTL} of injected-clock time; {@link #invalidate} drops it at once (push
 * does). A new version stored by another component is therefore visible within {@link #TTL}. Every
 * snapshot is self-consistent: its proofs are computed from its own manifest and checked against that
 * manifest's signed {@code merkle_root} when the tree is built. A snapshot also lists the capsules no copy
 * here may serve; a capsule found bad invalidates the views ({@link ContentService}), so the list is
 * current at once. Bounded by total capsule count.
 */
public final class DatastoreViews {
    public static final Duration TTL = Duration.ofSeconds(2);

    /** One datastore's metadata at one moment. */
    public static final class View {
        private final Manifest manifest;
        private final List<Integer> unavailable;
        private final Map<String, FileEntry> files;
        private volatile MerkleTree tree;
        private volatile String json;

        View(Manifest manifest, List<Integer> unavailable) {
            this.manifest = manifest;
            this.unavailable = List.copyOf(unavailable);
            Map<String, FileEntry> f = new HashMap<>();
            for (FileEntry e : manifest.files()) {
                f.put(e.path(), e);
            }
            this.files = f;
        }

        public Manifest manifest() {
            return manifest;
        }

        /** The capsules no copy here may serve (found bad, or only in quarantined plots), ascending. */
        public List<Integer> unavailable() {
            return unavailable;
        }

        /** Whether at least one capsule can be served (a datastore without capsules counts as servable). */
        public boolean servable() {
            return manifest.capsules().isEmpty() || unavailable.size() < manifest.capsules().size();
        }

        /** The file-table entry of {@code path}, or null. */
        public FileEntry file(String path) {
            return files.get(path);
        }

        /** The capsule's inclusion proof; 503 {@code unavailable} if the stored manifest does not hash to its root. */
        public MerkleProof proof(int index) {
            MerkleTree t = tree;
            if (t == null) {
                List<Bytes32> leaves = new ArrayList<>(manifest.capsules().size());
                for (int i = 0; i < manifest.capsules().size(); i++) {
                    leaves.add(manifest.leafHash(i));
                }
                t = MerkleTree.of(leaves);
                if (!t.root().equals(manifest.version().merkleRoot())) {
                    throw new ServiceException(ErrorCode.UNAVAILABLE, "the stored manifest of " + manifest.datastoreId().toHex()
                            + " does not hash to its signed merkle_root; refusing to serve it");
                }
                tree = t;
            }
            return t.proof(index);
        }

        /** The manifest document with its {@code unavailable} list ({@link ManifestCodec#encode(Manifest, List)}), encoded once. */
        public String json() {
            String j = json;
            if (j == null) {
                j = ManifestCodec.encode(manifest, unavailable);
                json = j;
            }
            return j;
        }
    }

    private final StorageEngine storage;
    private final Cache<Bytes32, View> views;

    DatastoreViews(StorageEngine storage, Clock clock) {
        this.storage = storage;
        Ticker ticker = clock::nanos;
        this.views = Caffeine.newBuilder()
                .maximumWeight(4_000_000)
                .weigher((Bytes32 k, View v) -> 1 + v.manifest.capsules().size() + v.manifest.files().size())
                .expireAfterWrite(TTL)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /** The cached view, or null; never blocks. */
    public View cached(Bytes32 id) {
        return views.getIfPresent(id);
    }

    /** Blocking: the view of a stored datastore, loading it if needed; 404 {@code unknown_datastore}. */
    public View load(Bytes32 id) {
        View v = views.getIfPresent(id);
        if (v != null) {
            return v;
        }
        Optional<Manifest> m = storage.manifest(id);
        if (m.isEmpty()) {
            throw new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "no datastore " + id.toHex() + " on this node");
        }
        try {
            v = new View(m.get(), storage.unavailableCapsules(id));
        } catch (net.dig.storage.StorageException e) {
            throw ServiceException.of(e);
        }
        views.put(id, v);
        return v;
    }

    public void invalidate(Bytes32 id) {
        views.invalidate(id);
    }
}
