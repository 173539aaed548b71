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
        Objects.checkFromIndexSize(off, len, data.length);
        MessageDigest d = Sha256.newDigest();
        d.update(LEAF_PREFIX);
        d.update(data, off, len);
        return Bytes32.wrap(d.digest());
    }

    /** {@code SHA256(0x02 || left || right)}. */
    public static Bytes32 nodeHash(Bytes32 left, Bytes32 right) {
        MessageDigest d = Sha256.newDigest();
        d.update(NODE_PREFIX);
        d.update(left.toArray());
        d.update(right.toArray());
        return Bytes32.wrap(d.digest());
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
        while (level.length > 1) {
            Bytes32[] next = new Bytes32[(level.length + 1) / 2];
            for (int i = 0; i < level.length; i += 2) {
                next[i / 2] = i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : level[i];
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
