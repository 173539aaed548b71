package net.dig.wire;

import net.dig.core.Bytes32;

/** DIG {@code PROFILE_ROOT_ANNOUNCE} (type 223): {@code store_id bytes32 ‖ root bytes32}, 64 bytes. */
public record ProfileRootAnnounce(Bytes32 storeId, Bytes32 root) implements ProtocolMessage {
    public ProfileRootAnnounce {
        WireChecks.notNull("storeId", storeId);
        WireChecks.notNull("root", root);
    }

    @Override
    public int messageType() {
        return DigMessageType.PROFILE_ROOT_ANNOUNCE.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(storeId).bytes32(root);
    }

    public static ProfileRootAnnounce decode(StreamableReader r) {
        return new ProfileRootAnnounce(r.bytes32(), r.bytes32());
    }
}
