package net.dig.wire;

/**
 * DIG opcode 215 (PlumtreePrune): "stop pushing payloads to me; announce them lazily instead".
 *
 * <pre>
 * offset  size  field
 * 0       1     version  u8 = 1
 * </pre>
 *
 * Only a version byte, so a later version can add fields (a per-root tree id, for example).
 */
public record Prune() implements ProtocolMessage {
    public static final int OPCODE = 215;

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(PlumtreeBodies.VERSION);
    }

    public static Prune decode(StreamableReader r) {
        PlumtreeBodies.readVersion(r, "Prune");
        return new Prune();
    }

    public static Prune decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, Prune::decode);
    }
}
