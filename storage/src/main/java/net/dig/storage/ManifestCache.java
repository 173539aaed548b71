package net.dig.storage;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;

/**
 * Current manifests and their Merkle trees, read through from the index.
 *
 * <p>Every change of which version is current (a commit, a rebuild, an eviction) calls
 * {@link #invalidate}; a fill that started before an invalidation is dropped ({@code generation}), so
 * the cache never holds a version the index has moved past. Thread-safe.
 */
final class ManifestCache {
    private final CapsuleIndex index;
    private final String indexName;
    private final Map<Bytes32, Manifest> manifests = new ConcurrentHashMap<>();
    private final Map<String, MerkleTree> trees = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    ManifestCache(CapsuleIndex index, String indexName) {
        this.index = index;
        this.indexName = indexName;
    }

    /** The manifest of the current version. */
    Optional<Manifest> current(Bytes32 datastoreId) {
        Manifest cached = manifests.get(datastoreId);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = generation.get();
        Optional<Manifest> m = StorageFailures.index("index " + indexName + " failed", () -> {
            Optional<Long> v = index.currentVersion(datastoreId);
            return v.isEmpty() ? Optional.empty() : index.manifest(datastoreId, v.get());
        });
        if (m.isPresent()) {
            synchronized (manifests) {
                if (generation.get() == before) {
                    manifests.put(datastoreId, m.get());
                }
            }
        }
        return m;
    }

    Manifest require(Bytes32 datastoreId) {
        return current(datastoreId).orElseThrow(() -> new UnknownDatastoreException(datastoreId));
    }

    /** Proof of a capsule's leaf against the manifest's Merkle root. */
    MerkleProof capsuleProof(Manifest m, int capsuleIndex) {
        return trees.computeIfAbsent(m.datastoreId().toHex() + "/" + m.version().version(), k -> m.tree()).proof(capsuleIndex);
    }

    void invalidate() {
        synchronized (manifests) {
            generation.incrementAndGet();
            manifests.clear();
            trees.clear();
        }
    }
}
