package net.dig.wire;

import net.dig.core.Bytes32;

/** {@code RequestTransaction} (type 22): {@code transaction_id bytes32}. */
public record RequestTransaction(Bytes32 transactionId) implements ProtocolMessage {
    public RequestTransaction {
        WireChecks.notNull("transactionId", transactionId);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.REQUEST_TRANSACTION.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(transactionId);
    }

    public static RequestTransaction decode(StreamableReader r) {
        return new RequestTransaction(r.bytes32());
    }
}
