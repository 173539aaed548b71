package net.dig.wire;

import java.util.OptionalInt;

/**
 * DIG opcode 216, Plumtree GRAFT: "push payloads to me eagerly again" (the link joins the tree).
 *
 * <pre>
 * offset  size  field
 * 0       1     version = 1
 * </pre>
 *
 * Unlike the paper's GRAFT(mID, round), the missing message itself is asked for with a separate
 * {@link RequestByHash} (as dig-gossip does: a lazy timeout sends GRAFT + RequestByHash), so the tree
 * optimisation can graft a link without asking for any message.
 */
public record Graft() {
    public static final int OPCODE = 216;
    public static final int VERSION = 1;

    public byte[] encode() {
        return new byte[] {VERSION};
    }

    public Message toMessage() {
        return new Message(OPCODE, OptionalInt.empty(), encode());
    }

    public static Graft decode(byte[] data) {
        PlumtreeBodyReader r = new PlumtreeBodyReader("Graft", data);
        r.expectVersion(VERSION);
        r.requireFullyConsumed();
        return new Graft();
    }
}
