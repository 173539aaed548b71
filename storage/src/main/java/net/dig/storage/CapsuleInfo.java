package net.dig.storage;

import java.util.Objects;
import net.dig.core.Bytes32;

/**
 * One capsule of a datastore: its position, {@code SHA256} of its (uncompressed) bytes, its length,
 * and the root of the Merkle tree over its 4 KiB chunks (docs/architecture.md §4.1).
 */
public record CapsuleInfo(int index, Bytes32 hash, long size, Bytes32 chunkRoot) {
    private static final int LARGEST = CapsuleSize.allBytes().getLast();

    public CapsuleInfo {
        if (index < 0) {
            throw new IllegalArgumentException("capsule index must not be negative: " + index);
        }
        Objects.requireNonNull(hash, "capsule hash");
        Objects.requireNonNull(chunkRoot, "chunk root");
        if (size < 0 || size > LARGEST) {
            throw new IllegalArgumentException("capsule size " + size + " outside 0.." + LARGEST);
        }
    }
}
