package net.dig.storage;

import java.util.List;
import java.util.Objects;

/**
 * How to turn a file or directory into a datastore.
 *
 * @param capsuleSize one of 262144, 1048576, 4194304, 16777216 bytes (DESIGN.md §4.2)
 * @param compression per-capsule codec
 * @param name        display name; {@code null} means the file or directory name
 */
public record IngestOptions(int capsuleSize, Compression compression, String name) {
    /** The capsule size classes, smallest first ({@link CapsuleSize}). */
    public static final List<Integer> CAPSULE_SIZES = CapsuleSize.allBytes();
    public static final int DEFAULT_CAPSULE_SIZE = CapsuleSize.DEFAULT.bytes();

    public IngestOptions {
        checkCapsuleSize(capsuleSize);
        Objects.requireNonNull(compression, "compression");
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("datastore name must not be blank");
        }
    }

    /** 16 MiB capsules, zstd, name from the source. */
    public static IngestOptions defaults() {
        return new IngestOptions(DEFAULT_CAPSULE_SIZE, Compression.ZSTD, null);
    }

    public IngestOptions withCapsuleSize(int size) {
        return new IngestOptions(size, compression, name);
    }

    public IngestOptions withCompression(Compression c) {
        return new IngestOptions(capsuleSize, c, name);
    }

    public IngestOptions withName(String n) {
        return new IngestOptions(capsuleSize, compression, n);
    }

    static void checkCapsuleSize(int capsuleSize) {
        CapsuleSize.ofBytes(capsuleSize);
    }
}
