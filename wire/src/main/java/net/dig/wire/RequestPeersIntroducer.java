package net.dig.wire;

/** {@code RequestPeersIntroducer} (type 63): empty body. */
public record RequestPeersIntroducer() implements ProtocolMessage {
    @Override
    public int messageType() {
        return ChiaMessageType.REQUEST_PEERS_INTRODUCER.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {}

    public static RequestPeersIntroducer decode(StreamableReader r) {
        return new RequestPeersIntroducer();
    }
}
