package net.dig.wire;

/** DIG {@code RegisterAck} (type 219): {@code success bool}; false is a policy refusal, not an error. */
public record RegisterAck(boolean success) implements ProtocolMessage {
    @Override
    public int messageType() {
        return DigMessageType.REGISTER_ACK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bool(success);
    }

    public static RegisterAck decode(StreamableReader r) {
        return new RegisterAck(r.bool());
    }
}
