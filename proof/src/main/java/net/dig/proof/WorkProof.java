package net.dig.proof;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;

/**
 * The work part of a bundle: a nonce such that {@code SHA-256("DIG-WORK-v1" ‖ plot_id ‖ capsule_hash ‖
 * challenge_id ‖ u64 BE nonce)} starts with at least {@code difficulty} zero bits, for the challenge's
 * anchor capsule, whose hash is proven to the datastore root by {@code leaf(capsule_hash ‖ chunk_root)}
 * and the capsule proof. Layout (big-endian), inside {@link ProofBundle}:
 * <pre>
 * +-------------------+--------------+------------+-------+---------------------+----------------+-----------+
 * | u32 capsule_index | capsule_hash | chunk_root | u16 Q | capsule proof (Q B) | u8 difficulty  | u64 nonce |
 * |                   | 32 B         | 32 B       |       |                     |                |           |
 * +-------------------+--------------+------------+-------+---------------------+----------------+-----------+
 * </pre>
 * The nonce is the smallest that works ({@link WorkBackend}), so an honest answer is reproducible.
 */
public record WorkProof(int capsuleIndex, Bytes32 capsuleHash, Bytes32 chunkRoot, MerkleProof capsuleProof, int difficulty,
        long nonce) {
    static final byte[] DOMAIN = "DIG-WORK-v1".getBytes(StandardCharsets.US_ASCII);

    public WorkProof {
        Objects.requireNonNull(capsuleHash, "capsuleHash");
        Objects.requireNonNull(chunkRoot, "chunkRoot");
        Objects.requireNonNull(capsuleProof, "capsuleProof");
    }

    /** The fixed bytes before the nonce in the work hash. */
    public static byte[] puzzlePrefix(Bytes32 plotId, Bytes32 capsuleHash, Bytes32 challengeId) {
        ByteBuffer b = ByteBuffer.allocate(DOMAIN.length + 96);
        b.put(DOMAIN);
        plotId.writeTo(b);
        capsuleHash.writeTo(b);
        challengeId.writeTo(b);
        return b.array();
    }

    /** Leading zero bits of a digest. */
    public static int leadingZeroBits(byte[] digest) {
        int bits = 0;
        for (byte x : digest) {
            if (x == 0) {
                bits += 8;
            } else {
                return bits + Integer.numberOfLeadingZeros(x & 0xff) - 24;
            }
        }
        return bits;
    }

    int encodedLength() {
        return 4 + 64 + 2 + capsuleProof.encode().length + 1 + 8;
    }

    void writeTo(ByteBuffer b) {
        byte[] dp = capsuleProof.encode();
        b.putInt(capsuleIndex);
        capsuleHash.writeTo(b);
        chunkRoot.writeTo(b);
        b.putShort((short) dp.length).put(dp).put((byte) difficulty).putLong(nonce);
    }

    static WorkProof readFrom(ByteBuffer b) {
        int capsule = b.getInt();
        Bytes32 hash = Bytes32.read(b);
        Bytes32 root = Bytes32.read(b);
        byte[] dp = new byte[b.getShort() & 0xffff];
        b.get(dp);
        int difficulty = b.get() & 0xff;
        long nonce = b.getLong();
        return new WorkProof(capsule, hash, root, MerkleProof.decode(dp), difficulty, nonce);
    }
}
