package net.dig.wire;

import java.util.OptionalInt;

/**
 * DIG opcode 215, Plumtree PRUNE: "stop pushing payloads to me; announce them lazily instead".
 *
 * <pre>
 * offset  size  field
 * 0       1     version = 1
 * </pre>
 *
 * The body is only a version byte so that later versions can add fields (for example a per-root tree id).
 */
public record Prune() {
    public static final int OPCODE = 215;
    public static final int VERSION = 1;

    public byte[] encode() {
        return new byte[] {VERSION};
    }

    public Message toMessage() {
        return new Message(OPCODE, OptionalInt.empty(), encode());
    }

    public static Prune decode(byte[] data) {
        PlumtreeBodyReader r = new PlumtreeBodyReader("Prune", data);
        r.expectVersion(VERSION);
        r.requireFullyConsumed();
        return new Prune();
    }
}
