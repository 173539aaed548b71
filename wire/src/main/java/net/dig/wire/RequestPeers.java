package net.dig.wire;

/** {@code RequestPeers} (type 43): empty body. */
public record RequestPeers() implements ProtocolMessage {
    @Override
    public int messageType() {
        return ChiaMessageType.REQUEST_PEERS.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {}

    public static RequestPeers decode(StreamableReader r) {
        return new RequestPeers();
    }
}
