package net.dig.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import net.dig.core.Bytes32;

/**
 * DIG opcode 214, Plumtree IHAVE: "I have these messages; ask me if you miss one".
 *
 * <pre>
 * offset  size      field
 * 0       1         version          = 1
 * 1       4         count            u32 big-endian, 1..{@value #MAX_ENTRIES}
 * 5       33*count  entries          { bytes32 message_id, u8 msg_type }
 * </pre>
 *
 * {@code message_id = SHA-256(msg_type || data)} of the announced message (the same id dig-gossip uses for
 * fan-out dedup); {@code msg_type} lets the receiver check the announcement against the message it gets.
 * A body with zero entries, more than {@value #MAX_ENTRIES}, or trailing bytes is rejected.
 */
public record LazyAnnounce(List<Announcement> entries) {
    public static final int OPCODE = 214;
    public static final int VERSION = 1;
    public static final int MAX_ENTRIES = 1024;
    private static final int ENTRY_SIZE = Bytes32.SIZE + 1;

    /** One announced message. */
    public record Announcement(Bytes32 messageId, int messageType) {
        public Announcement {
            if (messageType < 0 || messageType > 255) {
                throw new IllegalArgumentException("msg_type must be a u8 but was " + messageType);
            }
        }
    }

    public LazyAnnounce {
        entries = List.copyOf(entries);
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a LazyAnnounce holds 1.." + MAX_ENTRIES + " entries, not " + entries.size());
        }
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(5 + ENTRY_SIZE * entries.size());
        b.put((byte) VERSION).putInt(entries.size());
        for (Announcement a : entries) {
            a.messageId().writeTo(b);
            b.put((byte) a.messageType());
        }
        return b.array();
    }

    public Message toMessage() {
        return new Message(OPCODE, OptionalInt.empty(), encode());
    }

    /** Size in bytes of the encoded body for {@code n} entries. */
    public static int encodedSize(int n) {
        return 5 + ENTRY_SIZE * n;
    }

    public static LazyAnnounce decode(byte[] data) {
        PlumtreeBodyReader r = new PlumtreeBodyReader("LazyAnnounce", data);
        r.expectVersion(VERSION);
        int n = r.count("entries", MAX_ENTRIES, ENTRY_SIZE);
        List<Announcement> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Announcement(r.bytes32("message_id"), r.u8("msg_type")));
        }
        r.requireFullyConsumed();
        return new LazyAnnounce(entries);
    }
}
