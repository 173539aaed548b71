package net.dig.wire;

import java.util.Arrays;

/**
 * DIG opcode 212 (ReconciliationResponse): the responder's answer to a {@link ReconciliationSketch}.
 *
 * <pre>
 * offset  size      field
 * 0       1         version     u8 = 1
 * 1       4         round       u32 big-endian, echoes the sketch's round
 * 5       1         outcome     u8: 0 = decoded, 1 = extend (send the extension), 2 = failed
 * 6       4         set_size    u32 big-endian, transactions in the responder's snapshot for this round
 * 10      4         count       u32 big-endian, 0..{@value #MAX_ASKED}; 0 unless decoded
 * 14      4*count   asked       short ids u32 big-endian: transactions the responder lacks
 * </pre>
 *
 * On {@code decoded} the initiator announces the asked transactions and the responder has already
 * announced those the initiator lacks; on {@code failed} both sides announce their whole snapshot. Another
 * version, an unknown outcome, asked ids with another outcome, a count over the cap or beyond the bytes
 * present, or trailing bytes are {@link WireException}s.
 */
public record ReconciliationResponse(long round, Outcome outcome, long setSize, int[] asked) implements ProtocolMessage {
    public static final int OPCODE = 212;
    public static final int VERSION = 1;
    /** Twice the sketch cap: an initial sketch and its extension decode at most this many differences. */
    public static final int MAX_ASKED = 2 * ReconciliationSketch.MAX_CAPACITY;

    /** What the responder made of the sketch. */
    public enum Outcome {
        DECODED, EXTEND, FAILED
    }

    public ReconciliationResponse {
        WireChecks.notNull("outcome", outcome);
        WireChecks.notNull("asked", asked);
        ReconciliationBodies.checkU32("round", round);
        ReconciliationBodies.checkU32("set_size", setSize);
        if (asked.length > MAX_ASKED || (asked.length > 0 && outcome != Outcome.DECODED)) {
            throw new IllegalArgumentException("a " + outcome + " response asks for 0.." + (outcome == Outcome.DECODED ? MAX_ASKED : 0)
                    + " transactions, not " + asked.length);
        }
        asked = asked.clone();
    }

    @Override
    public int[] asked() {
        return asked.clone();
    }

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(VERSION).u32(round).u8(outcome.ordinal()).u32(setSize).u32(asked.length);
        for (int id : asked) {
            w.u32(Integer.toUnsignedLong(id));
        }
    }

    public static ReconciliationResponse decode(StreamableReader r) {
        ReconciliationBodies.readVersion(r, "ReconciliationResponse", VERSION);
        long round = r.u32();
        int at = r.position();
        int outcome = r.u8();
        if (outcome >= Outcome.values().length) {
            throw new WireException("ReconciliationResponse: unknown outcome " + outcome, at);
        }
        long setSize = r.u32();
        at = r.position();
        long count = r.u32();
        long max = outcome == Outcome.DECODED.ordinal() ? MAX_ASKED : 0;
        if (count > max || count > r.remaining() / 4) {
            throw new WireException("ReconciliationResponse: count " + count + " is outside 0.." + max
                    + " or beyond the " + r.remaining() + " bytes left", at);
        }
        int[] asked = new int[(int) count];
        for (int i = 0; i < asked.length; i++) {
            asked[i] = (int) r.u32();
        }
        return new ReconciliationResponse(round, Outcome.values()[outcome], setSize, asked);
    }

    /** Decodes a whole message body. */
    public static ReconciliationResponse decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, ReconciliationResponse::decode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReconciliationResponse s && round == s.round && outcome == s.outcome && setSize == s.setSize
                && Arrays.equals(asked, s.asked);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(round ^ setSize) + Arrays.hashCode(asked);
    }

    @Override
    public String toString() {
        return "ReconciliationResponse[round=" + round + ", outcome=" + outcome + ", setSize=" + setSize + ", asked=" + asked.length + "]";
    }
}
