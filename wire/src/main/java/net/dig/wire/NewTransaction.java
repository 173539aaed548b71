package net.dig.wire;

import net.dig.core.Bytes32;

/** {@code NewTransaction} (type 21): {@code transaction_id bytes32, cost u64, fees u64}. */
public record NewTransaction(Bytes32 transactionId, long cost, long fees) implements ProtocolMessage {
    public NewTransaction {
        WireChecks.notNull("transactionId", transactionId);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.NEW_TRANSACTION.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(transactionId).u64(cost).u64(fees);
    }

    public static NewTransaction decode(StreamableReader r) {
        return new NewTransaction(r.bytes32(), r.u64(), r.u64());
    }
}
