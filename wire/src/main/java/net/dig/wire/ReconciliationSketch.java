package net.dig.wire;

import java.util.Arrays;

/**
 * DIG opcode 211 (ReconciliationSketch): one ERLAY round's set sketch, from the round's initiator to its
 * responder.
 *
 * <pre>
 * offset  size        field
 * 0       1           version     u8 = 1
 * 1       4           round       u32 big-endian, the initiator's round number on this connection
 * 5       1           kind        u8: 0 = initial sketch, 1 = extension (the next power sums of the same set)
 * 6       4           set_size    u32 big-endian, transactions in the initiator's snapshot for this round
 * 10      2           capacity    u16 big-endian, 1..{@value #MAX_CAPACITY}: power sums in this message
 * 12      4*capacity  sketch      PinSketch power sums, each u32 little-endian (minisketch's byte order)
 * </pre>
 *
 * An initial sketch holds the power sums {@code s_0 .. s_(c-1)}; its extension holds
 * {@code s_c .. s_(2c-1)} of the same snapshot, so the responder can decode twice the difference. Another
 * version, an unknown kind, a capacity outside the range, a sketch shorter than declared or trailing bytes
 * are {@link WireException}s.
 */
public record ReconciliationSketch(long round, Kind kind, long setSize, byte[] sketch) implements ProtocolMessage {
    public static final int OPCODE = 211;
    public static final int VERSION = 1;
    public static final int MAX_CAPACITY = 1024;
    static final int BYTES_PER_CAPACITY = 4;

    /** Initial sketch or its extension. */
    public enum Kind {
        INITIAL, EXTENSION
    }

    public ReconciliationSketch {
        WireChecks.notNull("kind", kind);
        WireChecks.notNull("sketch", sketch);
        ReconciliationBodies.checkU32("round", round);
        ReconciliationBodies.checkU32("set_size", setSize);
        if (sketch.length == 0 || sketch.length % BYTES_PER_CAPACITY != 0 || sketch.length / BYTES_PER_CAPACITY > MAX_CAPACITY) {
            throw new IllegalArgumentException("a sketch is 1.." + MAX_CAPACITY + " power sums of 4 bytes, not " + sketch.length + " bytes");
        }
        sketch = sketch.clone();
    }

    public int capacity() {
        return sketch.length / BYTES_PER_CAPACITY;
    }

    @Override
    public byte[] sketch() {
        return sketch.clone();
    }

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(VERSION).u32(round).u8(kind.ordinal()).u32(setSize).u16(capacity()).raw(sketch);
    }

    public static ReconciliationSketch decode(StreamableReader r) {
        ReconciliationBodies.readVersion(r, "ReconciliationSketch", VERSION);
        long round = r.u32();
        int at = r.position();
        int kind = r.u8();
        if (kind >= Kind.values().length) {
            throw new WireException("ReconciliationSketch: unknown kind " + kind, at);
        }
        long setSize = r.u32();
        at = r.position();
        int capacity = r.u16();
        if (capacity == 0 || capacity > MAX_CAPACITY) {
            throw new WireException("ReconciliationSketch: capacity " + capacity + " is outside 1.." + MAX_CAPACITY, at);
        }
        byte[] sketch = r.fixed(capacity * BYTES_PER_CAPACITY, "sketch");
        return new ReconciliationSketch(round, Kind.values()[kind], setSize, sketch);
    }

    /** Decodes a whole message body. */
    public static ReconciliationSketch decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, ReconciliationSketch::decode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReconciliationSketch s && round == s.round && kind == s.kind && setSize == s.setSize
                && Arrays.equals(sketch, s.sketch);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(round ^ setSize) + Arrays.hashCode(sketch);
    }

    @Override
    public String toString() {
        return "ReconciliationSketch[round=" + round + ", kind=" + kind + ", setSize=" + setSize + ", capacity=" + capacity() + "]";
    }
}
