package net.dig.wire;

/** {@code RequestBlocks} (type 29): {@code start_height u32, end_height u32, include_transaction_block bool}. */
public record RequestBlocks(long startHeight, long endHeight, boolean includeTransactionBlock) implements ProtocolMessage {
    public RequestBlocks {
        WireChecks.u32("startHeight", startHeight);
        WireChecks.u32("endHeight", endHeight);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.REQUEST_BLOCKS.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u32(startHeight).u32(endHeight).bool(includeTransactionBlock);
    }

    public static RequestBlocks decode(StreamableReader r) {
        return new RequestBlocks(r.u32(), r.u32(), r.bool());
    }
}
