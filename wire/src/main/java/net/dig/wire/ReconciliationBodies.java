package net.dig.wire;

/** Shared checks of the ERLAY bodies (opcodes 211 and 212). */
final class ReconciliationBodies {
    private ReconciliationBodies() {}

    static void readVersion(StreamableReader r, String body, int version) {
        int at = r.position();
        int v = r.u8();
        if (v != version) {
            throw new WireException(body + ": unsupported version " + v + " (this node reads version " + version + ")", at);
        }
    }

    static void checkU32(String field, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(field + " must be a u32 but was " + value);
        }
    }
}
