package net.dig.wire;

import net.dig.core.Bytes32;

/** DIG {@code PROFILE_BODY_REQUEST} (type 224): {@code store_id bytes32 ‖ root bytes32}, 64 bytes. */
public record ProfileBodyRequest(Bytes32 storeId, Bytes32 root) implements ProtocolMessage {
    public ProfileBodyRequest {
        WireChecks.notNull("storeId", storeId);
        WireChecks.notNull("root", root);
    }

    @Override
    public int messageType() {
        return DigMessageType.PROFILE_BODY_REQUEST.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(storeId).bytes32(root);
    }

    public static ProfileBodyRequest decode(StreamableReader r) {
        return new ProfileBodyRequest(r.bytes32(), r.bytes32());
    }
}
