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

    private static void requireNonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
        }
    }

    public WireLimits withMaxMessageData(int value) {
        return new WireLimits(value, maxBytesLength, maxStringLength, maxListCount);
    }

    public WireLimits withMaxListCount(int value) {
        return new WireLimits(maxMessageData, maxBytesLength, maxStringLength, value);
    }

    public WireLimits withMaxStringLength(int value) {
        return new WireLimits(maxMessageData, maxBytesLength, value, maxListCount);
    }

    public WireLimits withMaxBytesLength(int value) {
        return new WireLimits(maxMessageData, value, maxStringLength, maxListCount);
    }
}
