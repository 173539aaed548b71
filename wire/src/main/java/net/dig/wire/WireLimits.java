package net.dig.wire;

/**
 * Caps applied while decoding, each checked before the bytes or elements it guards are allocated.
 *
 * @param maxMessageData largest {@code data} payload of one {@link Message} envelope
 * @param maxBytesLength largest Streamable {@code bytes} field
 * @param maxStringLength largest Streamable {@code str} field, in UTF-8 bytes
 * @param maxListCount largest Streamable {@code List} count
 */
public record WireLimits(int maxMessageData, int maxBytesLength, int maxStringLength, int maxListCount) {
    /** 16 MiB payloads as dig-peer-protocol's {@code MAX_MESSAGE_SIZE}; 64 KiB strings; 65 536 list entries. */
    public static final WireLimits DEFAULT = new WireLimits(16 << 20, 16 << 20, 64 << 10, 1 << 16);

    public WireLimits {
        requireNonNegative("maxMessageData", maxMessageData);
        requireNonNegative("maxBytesLength", maxBytesLength);
        requireNonNegative("maxStringLength", maxStringLength);
        requireNonNegative("maxListCount", maxListCount);
    }

    /** A builder holding {@link #DEFAULT}. */
    public static Builder builder() {
        return DEFAULT.toBuilder();
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
        private int maxMessageData;
        private int maxBytesLength;
        private int maxStringLength;
        private int maxListCount;

        private Builder(WireLimits from) {
            maxMessageData = from.maxMessageData;
            maxBytesLength = from.maxBytesLength;
            maxStringLength = from.maxStringLength;
            maxListCount = from.maxListCount;
        }

        public Builder maxMessageData(int value) {
            maxMessageData = value;
            return this;
        }

        public Builder maxBytesLength(int value) {
            maxBytesLength = value;
            return this;
        }

        public Builder maxStringLength(int value) {
            maxStringLength = value;
            return this;
        }

        public Builder maxListCount(int value) {
            maxListCount = value;
            return this;
        }

        public WireLimits build() {
            return new WireLimits(maxMessageData, maxBytesLength, maxStringLength, maxListCount);
        }
    }

    private static void requireNonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
        }
    }
}
