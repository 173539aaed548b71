package net.dig.proof;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.storage.CapsuleInfo;

/**
 * What a challenge may ask about: the capsules of one datastore a prover claims to hold (all of them,
 * or the subset its plots carry), with their uncompressed sizes, all read from the owner-signed
 * manifest and the prover's provider record. The chunks of those capsules, in (capsule, chunk) order,
 * form one global index {@code 0 ≤ g < totalChunks()}; challenge positions are drawn uniformly from it,
 * so a large capsule is asked about in proportion to its size.
 *
 * <p>Immutable. {@code capsuleCount} is the datastore's (capsule proofs span that many leaves).
 */
public final class ChallengeScope {
    /** The Merkle leaf size of capsule chunks (docs/architecture.md §4.1). */
    public static final int CHUNK_SIZE = 4096;

    private final Bytes32 datastoreId;
    private final int capsuleCount;
    private final int[] indexes;
    private final long[] sizes;
    private final long[] chunkStart;
    private final long totalChunks;

    /**
     * {@code indexes} strictly increasing, each below {@code capsuleCount}; {@code sizes[i]} the size of
     * capsule {@code indexes[i]}; at least one capsule.
     */
    public ChallengeScope(Bytes32 datastoreId, int capsuleCount, int[] indexes, long[] sizes) {
        this.datastoreId = Objects.requireNonNull(datastoreId, "datastoreId");
        if (indexes.length == 0 || indexes.length != sizes.length) {
            throw new IllegalArgumentException("a scope needs at least one capsule and one size per capsule");
        }
        this.capsuleCount = capsuleCount;
        this.indexes = indexes.clone();
        this.sizes = sizes.clone();
        this.chunkStart = new long[indexes.length + 1];
        for (int i = 0; i < indexes.length; i++) {
            if (indexes[i] < 0 || indexes[i] >= capsuleCount || (i > 0 && indexes[i] <= indexes[i - 1])) {
                throw new IllegalArgumentException("capsule indexes must increase strictly within 0.." + (capsuleCount - 1));
            }
            if (sizes[i] < 0) {
                throw new IllegalArgumentException("capsule size must not be negative: " + sizes[i]);
            }
            chunkStart[i + 1] = chunkStart[i] + chunkCount(sizes[i]);
        }
        this.totalChunks = chunkStart[indexes.length];
    }

    /** The scope of the {@code held} capsules (any order) of a datastore with {@code capsuleCount} capsules. */
    public static ChallengeScope of(Bytes32 datastoreId, int capsuleCount, List<CapsuleInfo> held) {
        CapsuleInfo[] sorted = held.toArray(new CapsuleInfo[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.index(), b.index()));
        int[] idx = new int[sorted.length];
        long[] size = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            idx[i] = sorted[i].index();
            size[i] = sorted[i].size();
        }
        return new ChallengeScope(datastoreId, capsuleCount, idx, size);
    }

    /** Chunks of a capsule of {@code size} bytes; an empty capsule has one (empty) chunk. */
    public static long chunkCount(long size) {
        return Math.max(1, (size + CHUNK_SIZE - 1) / CHUNK_SIZE);
    }

    public Bytes32 datastoreId() {
        return datastoreId;
    }

    public int capsuleCount() {
        return capsuleCount;
    }

    public int heldCount() {
        return indexes.length;
    }

    public int heldIndex(int i) {
        return indexes[i];
    }

    public long heldSize(int i) {
        return sizes[i];
    }

    public long totalChunks() {
        return totalChunks;
    }

    /** The (capsule, chunk) at global chunk index {@code g}. */
    public ChunkPosition locate(long g) {
        Objects.checkIndex(g, totalChunks);
        int lo = 0;
        int hi = indexes.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (chunkStart[mid] <= g) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return new ChunkPosition(indexes[lo], (int) (g - chunkStart[lo]));
    }

    /** The size of held capsule {@code capsuleIndex}, or -1 when the scope does not hold it. */
    public long sizeOf(int capsuleIndex) {
        int i = Arrays.binarySearch(indexes, capsuleIndex);
        return i < 0 ? -1 : sizes[i];
    }

    /** The exact length of chunk {@code chunkIndex} of a capsule of {@code size} bytes. */
    public static int chunkLength(long size, int chunkIndex) {
        return (int) Math.min(CHUNK_SIZE, size - (long) chunkIndex * CHUNK_SIZE);
    }
}
