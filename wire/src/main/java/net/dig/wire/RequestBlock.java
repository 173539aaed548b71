package net.dig.wire;

/** {@code RequestBlock} (type 26): {@code height u32, include_transaction_block bool}. */
public record RequestBlock(long height, boolean includeTransactionBlock) implements ProtocolMessage {
    public RequestBlock {
        WireChecks.u32("height", height);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.REQUEST_BLOCK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u32(height).bool(includeTransactionBlock);
    }

    public static RequestBlock decode(StreamableReader r) {
        return new RequestBlock(r.u32(), r.bool());
    }
}
