package net.dig.core;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The binary Merkle tree of docs/architecture.md §4.1, which clients depend on byte for byte.
 *
 * <ul>
 *   <li>{@code leaf(x) = SHA256(0x01 || x)}, {@code node(l, r) = SHA256(0x02 || l || r)} (Chia's CLVM
 *       tree-hash prefixes, as used by Chia DataLayer).</li>
 *   <li>Leaves in index order; each level pairs neighbours left to right; a last unpaired node is
 *       carried up unchanged, never duplicated (so no second-preimage trick with a duplicated leaf).</li>
 *   <li>One leaf: root = that leaf hash. Zero leaves: root = {@link Bytes32#ZERO}.</li>
 * </ul>
 *
 * <p>An instance keeps every level (about {@code 2 * leafCount} hashes) so that proofs cost no hashing.
 * Immutable and thread-safe once built.
 */
public final class MerkleTree {
    static final byte LEAF_PREFIX = 0x01;
    static final byte NODE_PREFIX = 0x02;

    /** levels.get(0) are the leaf hashes; the last level has one element (absent for an empty tree). */
    private final List<Bytes32[]> levels;
    private final int leafCount;

    private MerkleTree(List<Bytes32[]> levels, int leafCount) {
        this.levels = levels;
        this.leafCount = leafCount;
    }

    /** {@code SHA256(0x01 || data)}. */
    public static Bytes32 leafHash(byte[] data) {
        return leafHash(data, 0, data.length);
    }

    /** {@code SHA256(0x01 || data[off, off+len))}. */
    public static Bytes32 leafHash(byte[] data, int off, int len) {
        return leafHash(Sha256.newDigest(), data, off, len);
    }

    /**
     * As {@link #leafHash(byte[], int, int)}, computed with {@code sha256}, a SHA-256 digest the caller
     * reuses across hashes (it is reset first; one per thread, as a digest is not thread-safe).
     */
    public static Bytes32 leafHash(MessageDigest sha256, byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        sha256.reset();
        sha256.update(LEAF_PREFIX);
        sha256.update(data, off, len);
        return Bytes32.wrap(sha256.digest());
    }

    /** {@code SHA256(0x02 || left || right)}. */
    public static Bytes32 nodeHash(Bytes32 left, Bytes32 right) {
        return nodeHash(Sha256.newDigest(), left, right);
    }

    /** As {@link #nodeHash(Bytes32, Bytes32)}, computed with {@code sha256} (reset first, as in {@link #leafHash(MessageDigest, byte[], int, int)}). */
    public static Bytes32 nodeHash(MessageDigest sha256, Bytes32 left, Bytes32 right) {
        byte[] in = new byte[1 + 2 * Bytes32.SIZE];
        in[0] = NODE_PREFIX;
        left.copyTo(in, 1);
        right.copyTo(in, 1 + Bytes32.SIZE);
        sha256.reset();
        return Bytes32.wrap(sha256.digest(in));
    }

    /** Builds the tree over already-hashed leaves (use {@link #leafHash} on the raw leaf inputs). */
    public static MerkleTree of(List<Bytes32> leafHashes) {
        Bytes32[] level = leafHashes.toArray(new Bytes32[0]);
        for (Bytes32 b : level) {
            Objects.requireNonNull(b, "leaf hash");
        }
        List<Bytes32[]> levels = new ArrayList<>();
        if (level.length == 0) {
            return new MerkleTree(levels, 0);
        }
        levels.add(level);
        MessageDigest sha256 = Sha256.newDigest();
        while (level.length > 1) {
            Bytes32[] next = new Bytes32[(level.length + 1) / 2];
            for (int i = 0; i < level.length; i += 2) {
                next[i / 2] = i + 1 < level.length ? nodeHash(sha256, level[i], level[i + 1]) : level[i];
            }
            levels.add(next);
            level = next;
        }
        return new MerkleTree(levels, leafHashes.size());
    }

    /** The root over {@code leafHashes} without keeping the tree. */
    public static Bytes32 root(List<Bytes32> leafHashes) {
        return of(leafHashes).root();
    }

    public Bytes32 root() {
        return leafCount == 0 ? Bytes32.ZERO : levels.getLast()[0];
    }

    public int leafCount() {
        return leafCount;
    }

    /** The inclusion proof of leaf {@code leafIndex}: siblings bottom-up, none for carried levels. */
    public MerkleProof proof(int leafIndex) {
        if (leafIndex < 0 || leafIndex >= leafCount) {
            throw new IndexOutOfBoundsException("leaf index " + leafIndex + " outside a tree of " + leafCount + " leaves");
        }
        List<Bytes32> siblings = new ArrayList<>();
        int index = leafIndex;
        for (int l = 0; l < levels.size() - 1; l++) {
            Bytes32[] level = levels.get(l);
            if ((index & 1) == 1) {
                siblings.add(level[index - 1]);
            } else if (index + 1 < level.length) {
                siblings.add(level[index + 1]);
            }
            index >>>= 1;
        }
        return new MerkleProof(leafIndex, leafCount, siblings);
    }

    /** How many siblings a proof for {@code leafIndex} in a tree of {@code leafCount} leaves carries. */
    public static int siblingCount(int leafIndex, int leafCount) {
        int count = 0;
        int index = leafIndex;
        for (int n = leafCount; n > 1; n = (n + 1) >>> 1) {
            if ((index & 1) == 1 || index + 1 < n) {
                count++;
            }
            index >>>= 1;
        }
        return count;
    }
}
