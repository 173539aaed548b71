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
    /** The capsule size classes, smallest first. */
    public static final List<Integer> CAPSULE_SIZES = List.of(262_144, 1_048_576, 4_194_304, 16_777_216);
    public static final int DEFAULT_CAPSULE_SIZE = 16_777_216;

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
        if (!CAPSULE_SIZES.contains(capsuleSize)) {
            throw new IllegalArgumentException("capsule size " + capsuleSize
                    + " is not one of 262144 (256 KiB), 1048576 (1 MiB), 4194304 (4 MiB), 16777216 (16 MiB)");
        }
    }
}
