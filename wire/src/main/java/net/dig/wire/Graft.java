package net.dig.wire;

/**
 * DIG opcode 216 (PlumtreeGraft): "push payloads to me eagerly again" (the link rejoins the tree).
 *
 * <pre>
 * offset  size  field
 * 0       1     version  u8 = 1
 * </pre>
 *
 * Unlike the paper's GRAFT(mID, round), a missing message is asked for with a separate
 * {@link RequestByHash}, as dig-gossip does (a lazy timeout sends GRAFT + RequestByHash), so the tree
 * optimisation can graft a link without asking for any message.
 */
public record Graft() implements ProtocolMessage {
    public static final int OPCODE = 216;

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(PlumtreeBodies.VERSION);
    }

    public static Graft decode(StreamableReader r) {
        PlumtreeBodies.readVersion(r, "Graft");
        return new Graft();
    }

    public static Graft decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, Graft::decode);
    }
}
