package net.dig.storage;

import java.security.DigestException;
import java.security.MessageDigest;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * The hashes of one capsule (docs/architecture.md §4.1): {@code capsule_hash = SHA256(bytes)}, the leaf hash of each
 * 4 KiB chunk {@code SHA256(0x01 || chunk)} (flat, 32 bytes each) and {@code chunk_root}, the tree over
 * those leaves. One pass over the data feeds both digests chunk by chunk while the chunk is in cache,
 * and the tree is folded in place in the flat array, with no per-node allocation.
 */
record CapsuleHashes(Bytes32 hash, byte[] chunkHashes, Bytes32 chunkRoot) {
    static final int CHUNK = 4096;

    static CapsuleHashes of(byte[] data, int length) {
        MessageDigest whole = Sha256.newDigest();
        MessageDigest chunk = Sha256.newDigest();
        int chunks = (length + CHUNK - 1) / CHUNK;
        byte[] leaves = new byte[32 * chunks];
        try {
            for (int c = 0; c < chunks; c++) {
                int off = c * CHUNK;
                int len = Math.min(CHUNK, length - off);
                whole.update(data, off, len);
                chunk.update((byte) 0x01);
                chunk.update(data, off, len);
                chunk.digest(leaves, 32 * c, 32);
            }
            return new CapsuleHashes(Bytes32.wrap(whole.digest()), leaves, root(leaves, chunk));
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The §4.1 root over flat 32-byte leaf hashes. */
    static Bytes32 root(byte[] leaves) {
        try {
            return root(leaves, Sha256.newDigest());
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Bytes32 root(byte[] leaves, MessageDigest d) throws DigestException {
        int n = leaves.length / 32;
        if (n == 0) {
            return Bytes32.ZERO;
        }
        byte[] level = leaves.clone();
        while (n > 1) {
            int next = 0;
            for (int i = 0; i < n; i += 2) {
                if (i + 1 < n) {
                    d.update((byte) 0x02);
                    d.update(level, 32 * i, 64);
                    d.digest(level, 32 * next, 32);
                } else {
                    System.arraycopy(level, 32 * i, level, 32 * next, 32);
                }
                next++;
            }
            n = next;
        }
        return Bytes32.wrap(level, 0);
    }
}
