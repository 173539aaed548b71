package net.dig.proof;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.Sha256;

/**
 * One chunk with everything needed to check it against the datastore root alone. Layout (big-endian),
 * one element of a {@link ProofBundle}:
 * <pre>
 * +-------------------+--------------+-----------------+-------+---------+
 * | u32 capsule_index | capsule_hash | u32 chunk_index | u16 C | chunk   |
 * |                   | 32 B         |                 |       | C B     |
 * +-------------------+--------------+-----------------+-------+---------+
 * | u16 P | chunk proof (P B) | u16 Q | capsule proof (Q B) |
 * +-------+-------------------+-------+---------------------+
 * </pre>
 * Proofs in {@link MerkleProof#encode()} form. The check: the chunk's leaf and the chunk proof give the
 * capsule's chunk root; {@code leaf(capsule_hash ‖ chunk_root)} and the capsule proof give the root.
 */
public record ChunkRead(int capsuleIndex, Bytes32 capsuleHash, int chunkIndex, byte[] chunk, MerkleProof chunkProof,
        MerkleProof capsuleProof) {
    public ChunkRead {
        Objects.requireNonNull(capsuleHash, "capsuleHash");
        Objects.requireNonNull(chunkProof, "chunkProof");
        Objects.requireNonNull(capsuleProof, "capsuleProof");
        chunk = chunk.clone();
    }

    @Override
    public byte[] chunk() {
        return chunk.clone();
    }

    /** Reads {@code at} from {@code replica}. */
    static ChunkRead read(ReplicaReader replica, ChunkPosition at) {
        byte[] chunk = replica.readChunk(at.capsuleIndex(), at.chunkIndex());
        return new ChunkRead(at.capsuleIndex(), replica.capsuleHash(at.capsuleIndex()), at.chunkIndex(), chunk,
                replica.chunkProof(at.capsuleIndex(), at.chunkIndex()), replica.capsuleProof(at.capsuleIndex()));
    }

    /** Bytes 0.. of {@link #chunk()} without a copy, for hashing. */
    byte[] chunkBytes() {
        return chunk;
    }

    int encodedLength() {
        return 4 + 32 + 4 + 2 + chunk.length + 2 + chunkProof.encode().length + 2 + capsuleProof.encode().length;
    }

    void writeTo(ByteBuffer b) {
        byte[] cp = chunkProof.encode();
        byte[] dp = capsuleProof.encode();
        b.putInt(capsuleIndex);
        capsuleHash.writeTo(b);
        b.putInt(chunkIndex).putShort((short) chunk.length).put(chunk);
        b.putShort((short) cp.length).put(cp).putShort((short) dp.length).put(dp);
    }

    /** Reads one; {@link java.nio.BufferUnderflowException} or a {@code MalformedProofException} when malformed. */
    static ChunkRead readFrom(ByteBuffer b) {
        int capsule = b.getInt();
        Bytes32 hash = Bytes32.read(b);
        int chunkIndex = b.getInt();
        int c = b.getShort() & 0xffff;
        if (c > ChallengeScope.CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk of " + c + " bytes exceeds " + ChallengeScope.CHUNK_SIZE);
        }
        byte[] chunk = new byte[c];
        b.get(chunk);
        byte[] cp = new byte[b.getShort() & 0xffff];
        b.get(cp);
        byte[] dp = new byte[b.getShort() & 0xffff];
        b.get(dp);
        return new ChunkRead(capsule, hash, chunkIndex, chunk, MerkleProof.decode(cp), MerkleProof.decode(dp));
    }

    /**
     * Whether this is chunk {@code at} of the scope and chains up to {@code root}: positions, chunk length
     * for the capsule's size, both proofs' indexes and leaf counts, then the hashes.
     */
    boolean provesAt(ChunkPosition at, ChallengeScope scope, Bytes32 root, MessageDigest sha256) {
        if (capsuleIndex != at.capsuleIndex() || chunkIndex != at.chunkIndex()) {
            return false;
        }
        long size = scope.sizeOf(capsuleIndex);
        if (size < 0 || chunk.length != ChallengeScope.chunkLength(size, chunkIndex)
                || chunkProof.leafIndex() != chunkIndex || chunkProof.leafCount() != ChallengeScope.chunkCount(size)
                || capsuleProof.leafIndex() != capsuleIndex || capsuleProof.leafCount() != scope.capsuleCount()) {
            return false;
        }
        Bytes32 chunkRoot;
        try {
            chunkRoot = chunkProof.computeRoot(sha256, MerkleTree.leafHash(sha256, chunk, 0, chunk.length));
        } catch (RuntimeException e) {
            return false;
        }
        return capsuleProof.verifies(sha256, capsuleLeaf(sha256, capsuleHash, chunkRoot), root);
    }

    /** {@code leaf(capsule_hash ‖ chunk_root)}: a capsule's leaf in the datastore tree. */
    static Bytes32 capsuleLeaf(Bytes32 capsuleHash, Bytes32 chunkRoot) {
        return capsuleLeaf(Sha256.newDigest(), capsuleHash, chunkRoot);
    }

    /** As {@link #capsuleLeaf(Bytes32, Bytes32)}, hashing with {@code sha256} (reset first). */
    static Bytes32 capsuleLeaf(MessageDigest sha256, Bytes32 capsuleHash, Bytes32 chunkRoot) {
        byte[] in = new byte[64];
        capsuleHash.copyTo(in, 0);
        chunkRoot.copyTo(in, 32);
        return MerkleTree.leafHash(sha256, in, 0, in.length);
    }
}
