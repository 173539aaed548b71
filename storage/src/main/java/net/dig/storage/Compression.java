package net.dig.storage;

import java.util.Locale;

/** How a capsule's bytes are kept in a plot. The capsule hash is always of the uncompressed bytes. */
public enum Compression {
    /** Stored as is. Codec byte 0 in the plot. */
    NONE,
    /** One zstd frame, kept only when it saves at least 10 %. Codec byte 1 in the plot. */
    ZSTD;

    /** {@code "none"} or {@code "zstd"} (any case). */
    public static Compression parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> { return NONE; }
                case "zstd" -> { return ZSTD; }
                default -> { }
            }
        }
        throw new IllegalArgumentException("unknown compression '" + text + "': expected none or zstd");
    }

    /** The lowercase name used in config, CLI and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    byte code() {
        return (byte) ordinal();
    }

    static Compression ofCode(int code) {
        return switch (code) {
            case 0 -> NONE;
            case 1 -> ZSTD;
            default -> throw new IllegalArgumentException("unknown codec byte " + code);
        };
    }
}
