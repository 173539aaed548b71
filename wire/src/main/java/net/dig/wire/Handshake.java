package net.dig.wire;

import java.util.List;

/**
 * Chia {@code Handshake} (type 1), the first message on every connection.
 *
 * <pre>
 *  network_id        str
 *  protocol_version  str
 *  software_version  str
 *  server_port       u16
 *  node_type         u8   ({@link NodeType})
 *  capabilities      List&lt;(u16 id, str value)&gt;
 * </pre>
 *
 * <p>The codec checks only ranges; policy (network match, version sanitising, node type) lives in
 * dig-gossip's {@code HandshakeRules}. {@code nodeType} stays a raw int so an unknown type decodes
 * and can be refused with a proper close reason.
 */
public record Handshake(String networkId, String protocolVersion, String softwareVersion, int serverPort,
        int nodeType, List<Capability> capabilities) implements ProtocolMessage {

    public Handshake {
        WireChecks.notNull("networkId", networkId);
        WireChecks.notNull("protocolVersion", protocolVersion);
        WireChecks.notNull("softwareVersion", softwareVersion);
        WireChecks.u16("serverPort", serverPort);
        WireChecks.u8("nodeType", nodeType);
        capabilities = List.copyOf(capabilities);
    }

    /** True if the capability is listed with value "1". */
    public boolean hasCapability(int id) {
        for (Capability c : capabilities) {
            if (c.id() == id && c.isEnabled()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int messageType() {
        return ChiaMessageType.HANDSHAKE.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.str(networkId).str(protocolVersion).str(softwareVersion).u16(serverPort).u8(nodeType);
        w.list(capabilities, (ww, c) -> c.writeTo(ww));
    }

    public static Handshake decode(StreamableReader r) {
        return new Handshake(r.str(), r.str(), r.str(), r.u16(), r.u8(), r.list(Capability::decode, 6));
    }
}
