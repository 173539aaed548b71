package net.dig.proof;

import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;

/**
 * The prover's own copy of a datastore, as the proof pipeline reads it. Today a plain plot; a packed
 * per-node replica implements the same reads (returning the chunk as the datastore root commits it,
 * after unpacking) so the bundle and its verifier do not change.
 *
 * <p>Calls block on storage and may run on several threads at once. A read this replica cannot serve
 * throws an unchecked exception of the implementation's own kind; the pipeline passes it on unchanged.
 */
public interface ReplicaReader {
    /** The plot holding capsule {@code capsuleIndex} (plot ids are bound to the node's key). */
    Bytes32 plotId(int capsuleIndex);

    /** {@code SHA-256} of the capsule's uncompressed bytes, as the manifest lists it. */
    Bytes32 capsuleHash(int capsuleIndex);

    /** The root of the capsule's chunk tree, as the manifest lists it. */
    Bytes32 chunkRoot(int capsuleIndex);

    /** Chunk {@code chunkIndex} of the capsule (4 KiB, the last one shorter). */
    byte[] readChunk(int capsuleIndex, int chunkIndex);

    /** The proof of that chunk's leaf to {@link #chunkRoot}. */
    MerkleProof chunkProof(int capsuleIndex, int chunkIndex);

    /** The proof of {@code leaf(capsule_hash ‖ chunk_root)} to the datastore's root. */
    MerkleProof capsuleProof(int capsuleIndex);
}
