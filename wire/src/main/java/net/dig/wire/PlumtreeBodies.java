package net.dig.wire;

/** Shared checks of the Plumtree control bodies (opcodes 214-217). */
final class PlumtreeBodies {
    static final int VERSION = 1;

    private PlumtreeBodies() {}

    static void readVersion(StreamableReader r, String body) {
        int at = r.position();
        int version = r.u8();
        if (version != VERSION) {
            throw new WireException(body + ": unsupported version " + version + " (this node reads version " + VERSION + ")", at);
        }
    }

    /** A u32 count in {@code 1..max}, checked against the bytes present before anything is allocated. */
    static int readCount(StreamableReader r, String body, int max, int elementSize) {
        int at = r.position();
        long count = r.u32();
        if (count == 0 || count > max) {
            throw new WireException(body + ": count " + count + " is outside 1.." + max, at);
        }
        if (count > r.remaining() / elementSize) {
            throw new WireException(body + ": count " + count + " needs " + count * elementSize + " bytes but "
                    + r.remaining() + " remain", at);
        }
        return (int) count;
    }
}
