package net.dig.wire;

/** {@code RejectBlock} (type 28): {@code height u32}. */
public record RejectBlock(long height) implements ProtocolMessage {
    public RejectBlock {
        WireChecks.u32("height", height);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.REJECT_BLOCK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u32(height);
    }

    public static RejectBlock decode(StreamableReader r) {
        return new RejectBlock(r.u32());
    }
}
