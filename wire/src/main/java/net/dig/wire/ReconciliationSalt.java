package net.dig.wire;

/**
 * DIG opcode 211 with kind 2 (ReconciliationSalt): the 64-bit salt one side of a connection drew for ERLAY's
 * short ids on that connection (BIP-330's {@code sendtxrcncl}). Each side sends one as soon as the connection
 * is up; short ids are then salted with both.
 *
 * <pre>
 * offset  size  field
 * 0       1     version     u8 = 1
 * 1       4     round       u32 big-endian = 0 (a salt belongs to no round)
 * 5       1     kind        u8 = 2 (salt; 0 and 1 are {@link ReconciliationSketch}'s kinds)
 * 6       8     salt        u64 big-endian, drawn at random per connection
 * </pre>
 *
 * It shares opcode 211 with the sketches, and the kind byte at the same offset, so a reader tells the two
 * apart by byte 5 ({@link #isSalt}). Another version, a non-zero round, another kind, a short body or trailing
 * bytes are {@link WireException}s.
 */
public record ReconciliationSalt(long salt) implements ProtocolMessage {
    public static final int OPCODE = ReconciliationSketch.OPCODE;
    public static final int VERSION = 1;
    public static final int KIND = 2;
    private static final int KIND_OFFSET = 5;

    /** True when a 211 body is a salt rather than a sketch (its kind byte says so). */
    public static boolean isSalt(byte[] body) {
        return body.length > KIND_OFFSET && body[KIND_OFFSET] == KIND;
    }

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(VERSION).u32(0).u8(KIND).u64(salt);
    }

    public static ReconciliationSalt decode(StreamableReader r) {
        ReconciliationBodies.readVersion(r, "ReconciliationSalt", VERSION);
        int at = r.position();
        long round = r.u32();
        if (round != 0) {
            throw new WireException("ReconciliationSalt: round " + round + " must be 0", at);
        }
        at = r.position();
        int kind = r.u8();
        if (kind != KIND) {
            throw new WireException("ReconciliationSalt: kind " + kind + " is not " + KIND, at);
        }
        return new ReconciliationSalt(r.u64());
    }

    /** Decodes a whole message body. */
    public static ReconciliationSalt decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, ReconciliationSalt::decode);
    }
}
