package net.dig.wire;

/**
 * DIG {@code RegisterPeer} (type 218), sent to an introducer: {@code ip str, port u16, node_type u8}
 * (dig-peer-protocol; golden body {@code 0000000b3139322e3136382e312e3124e401}). The introducer
 * answers {@link RegisterAck} echoing the request id.
 */
public record RegisterPeer(String ip, int port, int nodeType) implements ProtocolMessage {
    public RegisterPeer {
        WireChecks.notNull("ip", ip);
        WireChecks.u16("port", port);
        WireChecks.u8("nodeType", nodeType);
    }

    @Override
    public int messageType() {
        return DigMessageType.REGISTER_PEER.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.str(ip).u16(port).u8(nodeType);
    }

    public static RegisterPeer decode(StreamableReader r) {
        return new RegisterPeer(r.str(), r.u16(), r.u8());
    }
}
