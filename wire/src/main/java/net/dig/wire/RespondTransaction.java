package net.dig.wire;

import java.util.Arrays;

/**
 * {@code RespondTransaction{transaction: SpendBundle}} (type 23).
 *
 * <p>The node only relays this body, so it is kept as opaque Streamable bytes: the whole
 * {@code data} of the envelope, with no extra length prefix. Consensus-level decoding is out of scope.
 */
public record RespondTransaction(byte[] spendBundle) implements ProtocolMessage {
    public RespondTransaction {
        WireChecks.notNull("spendBundle", spendBundle);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.RESPOND_TRANSACTION.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.raw(spendBundle);
    }

    public static RespondTransaction decode(StreamableReader r) {
        return new RespondTransaction(r.rest());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RespondTransaction other && Arrays.equals(spendBundle, other.spendBundle);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spendBundle);
    }

    @Override
    public String toString() {
        return "RespondTransaction[spendBundle(" + spendBundle.length + " bytes)]";
    }
}
