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

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A copy under construction: starts from a record's values; {@link #build()} calls the canonical
     * constructor, so a copy is validated exactly as a new record is.
     */
    public static final class Builder {
        private int capsuleSize;
        private Compression compression;
        private String name;

        private Builder(IngestOptions from) {
            capsuleSize = from.capsuleSize;
            compression = from.compression;
            name = from.name;
        }

        public Builder capsuleSize(int value) {
            capsuleSize = value;
            return this;
        }

        public Builder compression(Compression value) {
            compression = value;
            return this;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public IngestOptions build() {
            return new IngestOptions(capsuleSize, compression, name);
        }
    }

    static void checkCapsuleSize(int capsuleSize) {
        if (!CAPSULE_SIZES.contains(capsuleSize)) {
            throw new IllegalArgumentException("capsule size " + capsuleSize
                    + " is not one of 262144 (256 KiB), 1048576 (1 MiB), 4194304 (4 MiB), 16777216 (16 MiB)");
        }
    }
}
