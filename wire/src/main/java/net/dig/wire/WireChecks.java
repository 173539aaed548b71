package net.dig.wire;

/** Range checks shared by the record constructors, so an out-of-range field fails at construction. */
final class WireChecks {
    private WireChecks() {}

    static int u8(String field, int v) {
        if ((v & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " must be a u8 (0..255) but was " + v);
        }
        return v;
    }

    static int u16(String field, int v) {
        if ((v & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(field + " must be a u16 (0..65535) but was " + v);
        }
        return v;
    }

    static long u32(String field, long v) {
        if ((v & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException(field + " must be a u32 but was " + v);
        }
        return v;
    }

    static <T> T notNull(String field, T v) {
        if (v == null) {
            throw new NullPointerException(field + " is required");
        }
        return v;
    }
}
