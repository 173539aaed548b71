package net.dig.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;

/**
 * The answer to a storage challenge ({@code POST /validation/challenge}, field {@code proof}, hex): an
 * inclusion proof of one challenge-chosen 4 KiB chunk of a capsule, signed by the node.
 *
 * <p>Layout (big-endian; version 1):
 * <pre>
 * +--------+----+-------+--------------+---------+--------------+-----------+--------------+
 * | "DIGP" | 01 | u16 L | challenge_id | plot_id | datastore_id | u32 index | capsule_hash |
 * | 4 B    | u8 |       | L B (UTF-8)  | 32 B    | 32 B         | capsule   | 32 B         |
 * +--------+----+-------+--------------+---------+--------------+-----------+--------------+
 * | u32 chunk_index | u32 C | chunk (C B) | u16 P | chunk proof (P B) | u16 Q | capsule proof (Q B) |
 * +-----------------+-------+-------------+-------+-------------------+-------+---------------------+
 * | node public key (32 B, Ed25519) | signature (64 B) over every byte before it                   |
 * +---------------------------------+--------------------------------------------------------------+
 * </pre>
 * Proofs use {@link MerkleProof#encode()} (docs/architecture.md §4.1). {@code chunk_index} is not free: it is
 * {@link #chunkIndex(String, Bytes32, long)} of the challenge, so a node cannot pick an easy chunk.
 *
 * <p>Verification ({@link #verify(Bytes32, int, long)}): index, length and leaf counts first, then the chunk's leaf hash and the chunk proof give the
 * capsule's chunk root; {@code leaf(capsule_hash ‖ chunk_root)} and the capsule proof give the
 * datastore root, which must equal the signed {@code merkle_root}; the signature must verify under
 * the embedded key (a validator also checks that key belongs to the node it challenged).
 */
public record ChallengeProof(String challengeId, Bytes32 plotId, Bytes32 datastoreId, int capsuleIndex,
        Bytes32 capsuleHash, int chunkIndex, byte[] chunk, MerkleProof chunkProof, MerkleProof capsuleProof,
        byte[] nodePublicKey, byte[] signature) {
    public static final byte[] MAGIC = {'D', 'I', 'G', 'P'};
    public static final int VERSION = 1;
    public static final int CHUNK_SIZE = 4096;

    public ChallengeProof {
        Objects.requireNonNull(challengeId, "challengeId");
        chunk = chunk.clone();
        nodePublicKey = nodePublicKey.clone();
        signature = signature.clone();
    }

    /** The chunk a challenge designates: u32 of SHA-256("DIG-CHUNK" ‖ id ‖ capsule_hash) mod chunk count. */
    public static int chunkIndex(String challengeId, Bytes32 capsuleHash, long capsuleSize) {
        long chunks = chunkCount(capsuleSize);
        byte[] d = Sha256.hash("DIG-CHUNK".getBytes(StandardCharsets.US_ASCII),
                challengeId.getBytes(StandardCharsets.UTF_8), capsuleHash.toArray()).toArray();
        long v = ByteBuffer.wrap(d, 0, 4).getInt() & 0xffffffffL;
        return (int) (v % chunks);
    }

    /** Builds and signs a proof. */
    public static ChallengeProof sign(String challengeId, Bytes32 plotId, Bytes32 datastoreId, int capsuleIndex,
            Bytes32 capsuleHash, int chunkIndex, byte[] chunk, MerkleProof chunkProof, MerkleProof capsuleProof,
            NodeIdentity identity) {
        ChallengeProof unsigned = new ChallengeProof(challengeId, plotId, datastoreId, capsuleIndex, capsuleHash,
                chunkIndex, chunk, chunkProof, capsuleProof, identity.publicKey(), new byte[64]);
        byte[] body = unsigned.signedPart();
        return new ChallengeProof(challengeId, plotId, datastoreId, capsuleIndex, capsuleHash, chunkIndex, chunk,
                chunkProof, capsuleProof, identity.publicKey(), identity.sign(body));
    }

    byte[] signedPart() {
        byte[] id = challengeId.getBytes(StandardCharsets.UTF_8);
        byte[] cp = chunkProof.encode();
        byte[] dp = capsuleProof.encode();
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + id.length + 32 + 32 + 4 + 32 + 4 + 4 + chunk.length + 2 + cp.length
                + 2 + dp.length + 32);
        b.put(MAGIC).put((byte) VERSION).putShort((short) id.length).put(id);
        plotId.writeTo(b);
        datastoreId.writeTo(b);
        b.putInt(capsuleIndex);
        capsuleHash.writeTo(b);
        b.putInt(chunkIndex).putInt(chunk.length).put(chunk);
        b.putShort((short) cp.length).put(cp).putShort((short) dp.length).put(dp);
        b.put(nodePublicKey);
        return b.array();
    }

    public byte[] encode() {
        byte[] body = signedPart();
        byte[] out = Arrays.copyOf(body, body.length + 64);
        System.arraycopy(signature, 0, out, body.length, 64);
        return out;
    }

    /** Parses an encoded proof; {@link IllegalArgumentException} naming the problem if malformed. */
    public static ChallengeProof decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC) || b.get() != VERSION) {
                throw new IllegalArgumentException("not a DIGP v1 challenge proof");
            }
            byte[] id = new byte[b.getShort() & 0xffff];
            b.get(id);
            Bytes32 plot = Bytes32.read(b);
            Bytes32 ds = Bytes32.read(b);
            int index = b.getInt();
            Bytes32 hash = Bytes32.read(b);
            int chunkIndex = b.getInt();
            int c = b.getInt();
            if (c < 0 || c > CHUNK_SIZE) {
                throw new IllegalArgumentException("chunk length " + c + " exceeds " + CHUNK_SIZE);
            }
            byte[] chunk = new byte[c];
            b.get(chunk);
            byte[] cp = new byte[b.getShort() & 0xffff];
            b.get(cp);
            byte[] dp = new byte[b.getShort() & 0xffff];
            b.get(dp);
            byte[] key = new byte[32];
            b.get(key);
            byte[] sig = new byte[64];
            b.get(sig);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing bytes after the signature");
            }
            return new ChallengeProof(new String(id, StandardCharsets.UTF_8), plot, ds, index, hash, chunkIndex, chunk,
                    MerkleProof.decode(cp), MerkleProof.decode(dp), key, sig);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("challenge proof is truncated");
        }
    }

    /**
     * True iff this proves the chunk the challenge designates and the signature holds. The caller supplies
     * what it knows independently from the signed manifest: {@code merkleRoot}, the datastore's
     * {@code capsuleCount} and the challenged capsule's uncompressed {@code capsuleSize}. Checked: the chunk
     * index is {@link #chunkIndex(String, Bytes32, long)} of (challenge id, capsule hash, size), the chunk
     * has the length that index implies, the chunk proof spans {@code chunkCount(size)} leaves and the
     * capsule proof {@code capsuleCount} leaves (a proof's path alone does not fix its leaf count: (2 of 3)
     * and (1 of 2) have the same shape), both indexes match, and the roots chain up to {@code merkleRoot}.
     */
    public boolean verify(Bytes32 merkleRoot, int capsuleCount, long capsuleSize) {
        try {
            long chunks = chunkCount(capsuleSize);
            if (capsuleIndex < 0 || capsuleIndex >= capsuleCount
                    || chunkIndex != chunkIndex(challengeId, capsuleHash, capsuleSize)
                    || chunk.length != expectedChunkLength(capsuleSize, chunkIndex)
                    || chunkProof.leafIndex() != chunkIndex || chunkProof.leafCount() != chunks
                    || capsuleProof.leafIndex() != capsuleIndex || capsuleProof.leafCount() != capsuleCount) {
                return false;
            }
            Bytes32 chunkRoot = chunkProof.computeRoot(MerkleTree.leafHash(chunk));
            byte[] leafInput = new byte[64];
            capsuleHash.copyTo(leafInput, 0);
            chunkRoot.copyTo(leafInput, 32);
            return capsuleProof.verifies(MerkleTree.leafHash(leafInput), merkleRoot)
                    && NodeIdentity.verify(nodePublicKey, signedPart(), signature);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Chunks of a capsule of {@code size} bytes; an empty capsule has one (empty) chunk. */
    static long chunkCount(long size) {
        return Math.max(1, (size + CHUNK_SIZE - 1) / CHUNK_SIZE);
    }

    private static long expectedChunkLength(long size, int index) {
        return Math.min(CHUNK_SIZE, size - (long) index * CHUNK_SIZE);
    }
}
