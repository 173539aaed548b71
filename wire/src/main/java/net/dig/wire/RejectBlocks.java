package net.dig.wire;

/** {@code RejectBlocks} (type 31): {@code start_height u32, end_height u32}. */
public record RejectBlocks(long startHeight, long endHeight) implements ProtocolMessage {
    public RejectBlocks {
        WireChecks.u32("startHeight", startHeight);
        WireChecks.u32("endHeight", endHeight);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.REJECT_BLOCKS.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u32(startHeight).u32(endHeight);
    }

    public static RejectBlocks decode(StreamableReader r) {
        return new RejectBlocks(r.u32(), r.u32());
    }
}
