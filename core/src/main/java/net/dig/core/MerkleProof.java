package net.dig.core;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An inclusion proof in the tree of {@link MerkleTree} (docs/architecture.md §4.1).
 *
 * <p>Binary encoding (the {@code X-Merkle-Proof} header carries its Base64), big-endian:
 * <pre>
 *   offset  size    field
 *   0       4       leaf_index   u32
 *   4       4       leaf_count   u32 (≥ 1, &gt; leaf_index)
 *   8       1       n            u8, the number of siblings
 *   9       32 × n  siblings     bottom-up
 * </pre>
 * Which side each sibling is on, and which levels have none (a carried last node), follows from
 * {@code leaf_index} and {@code leaf_count} alone, so the proof carries no direction bits.
 *
 * <p>The constructor rejects an index outside the tree; {@link #computeRoot} rejects a sibling count
 * that does not match the shape. Both throw {@link MalformedProofException} naming the problem.
 */
public record MerkleProof(int leafIndex, int leafCount, List<Bytes32> siblings) {
    private static final int HEADER = 9;

    public MerkleProof {
        if (leafCount <= 0) {
            throw new MalformedProofException("leaf count must be at least 1, got " + Integer.toUnsignedString(leafCount));
        }
        if (leafIndex < 0 || leafIndex >= leafCount) {
            throw new MalformedProofException("leaf index " + Integer.toUnsignedString(leafIndex)
                    + " is not below leaf count " + leafCount);
        }
        if (siblings == null) {
            throw new MalformedProofException("siblings are missing");
        }
        if (siblings.size() > 255) {
            throw new MalformedProofException("a proof has at most 255 siblings, got " + siblings.size());
        }
        for (Bytes32 s : siblings) {
            if (s == null) {
                throw new MalformedProofException("a sibling hash is missing");
            }
        }
        siblings = List.copyOf(siblings);
    }

    /** {@code u32 leaf_index || u32 leaf_count || u8 n || n × 32 bytes}. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + Bytes32.SIZE * siblings.size());
        b.putInt(leafIndex).putInt(leafCount).put((byte) siblings.size());
        for (Bytes32 s : siblings) {
            s.writeTo(b);
        }
        return b.array();
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(encode());
    }

    /** Decodes {@link #encode()}'s form, rejecting anything that is not exactly a well-shaped proof. */
    public static MerkleProof decode(byte[] encoded) {
        if (encoded == null) {
            throw new MalformedProofException("proof is missing");
        }
        if (encoded.length < HEADER) {
            throw new MalformedProofException("proof is " + encoded.length + " bytes, shorter than its 9-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(encoded);
        int index = b.getInt();
        int count = b.getInt();
        int n = Byte.toUnsignedInt(b.get());
        if (encoded.length != HEADER + Bytes32.SIZE * n) {
            throw new MalformedProofException("proof declares " + n + " siblings, so it must be "
                    + (HEADER + Bytes32.SIZE * n) + " bytes, but it is " + encoded.length);
        }
        if (count <= 0) {
            throw new MalformedProofException("leaf count must be between 1 and " + Integer.MAX_VALUE
                    + ", got " + Integer.toUnsignedString(count));
        }
        List<Bytes32> siblings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            siblings.add(Bytes32.read(b));
        }
        MerkleProof proof = new MerkleProof(index, count, siblings);
        proof.checkShape();
        return proof;
    }

    /** Decodes the Base64 form of {@link #encode()}. */
    public static MerkleProof fromBase64(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException("proof is not valid Base64: " + e.getMessage());
        }
        return decode(bytes);
    }

    /** The root this proof leads to from {@code leafHash}; throws if the sibling count is wrong. */
    public Bytes32 computeRoot(Bytes32 leafHash) {
        return computeRoot(Sha256.newDigest(), leafHash);
    }

    /**
     * As {@link #computeRoot(Bytes32)}, hashing with {@code sha256}, a SHA-256 digest the caller reuses
     * across proofs (reset before each hash; one per thread).
     */
    public Bytes32 computeRoot(MessageDigest sha256, Bytes32 leafHash) {
        checkShape();
        Bytes32 h = leafHash;
        int index = leafIndex;
        int next = 0;
        for (int n = leafCount; n > 1; n = (n + 1) >>> 1) {
            if ((index & 1) == 1) {
                h = MerkleTree.nodeHash(sha256, siblings.get(next++), h);
            } else if (index + 1 < n) {
                h = MerkleTree.nodeHash(sha256, h, siblings.get(next++));
            }
            index >>>= 1;
        }
        return h;
    }

    /** True iff the proof is well-shaped and leads from {@code leafHash} to {@code root}. */
    public boolean verifies(Bytes32 leafHash, Bytes32 root) {
        return verifies(Sha256.newDigest(), leafHash, root);
    }

    /** As {@link #verifies(Bytes32, Bytes32)}, hashing with {@code sha256} (as {@link #computeRoot(MessageDigest, Bytes32)}). */
    public boolean verifies(MessageDigest sha256, Bytes32 leafHash, Bytes32 root) {
        try {
            return computeRoot(sha256, leafHash).equals(root);
        } catch (MalformedProofException e) {
            return false;
        }
    }

    /**
     * As {@link #verifies(Bytes32, Bytes32)}, and the proof must be for a tree of exactly
     * {@code expectedLeafCount} leaves. The root does not commit to the leaf count (counts with the same
     * path shape give the same root), so a verifier that knows the count (a datastore's
     * {@code capsule_count}) should use this form.
     */
    public boolean verifies(Bytes32 leafHash, Bytes32 root, int expectedLeafCount) {
        return leafCount == expectedLeafCount && verifies(leafHash, root);
    }

    private void checkShape() {
        int expected = MerkleTree.siblingCount(leafIndex, leafCount);
        if (siblings.size() != expected) {
            throw new MalformedProofException("leaf " + leafIndex + " of " + leafCount + " needs " + expected
                    + " siblings but the proof has " + siblings.size() + (siblings.size() > expected ? " (too many)" : " (too few)"));
        }
    }
}
