package net.dig.storage;

import java.util.List;
import java.util.Objects;

/**
 * How to turn a file or directory into a datastore.
 *
 * @param capsuleSize the bytes of one {@link CapsuleSize}
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
        CapsuleSize.ofBytes(capsuleSize);
    }
}
