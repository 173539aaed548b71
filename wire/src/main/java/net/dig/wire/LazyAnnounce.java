package net.dig.wire;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;

/**
 * DIG opcode 214 (PlumtreeLazyAnnounce), Plumtree's IHAVE: "I have these messages; ask me if you miss one".
 *
 * <pre>
 * offset  size      field
 * 0       1         version     u8 = 1
 * 1       4         count       u32 big-endian, 1..{@value #MAX_ENTRIES}
 * 5       33*count  entries     { message_id bytes32, msg_type u8 }
 * </pre>
 *
 * {@code message_id = SHA-256(msg_type || data)} of the announced message (dig-gossip's fan-out dedup id);
 * {@code msg_type} lets the receiver refuse announcements of control opcodes. Zero entries, more than
 * {@value #MAX_ENTRIES}, a count the remaining bytes cannot hold, another version, or trailing bytes are
 * {@link WireException}s. dig-gossip's draft struct {@code {hash, msg_type}} is one entry of this list.
 */
public record LazyAnnounce(List<Announcement> entries) implements ProtocolMessage {
    public static final int OPCODE = 214;
    public static final int MAX_ENTRIES = 1024;
    private static final int ENTRY_SIZE = Bytes32.SIZE + 1;

    /** One announced message. */
    public record Announcement(Bytes32 messageId, int messageType) {
        public Announcement {
            if (messageId == null) {
                throw new NullPointerException("message id is required");
            }
            if ((messageType & ~0xFF) != 0) {
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

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(PlumtreeBodies.VERSION).u32(entries.size());
        for (Announcement a : entries) {
            w.bytes32(a.messageId()).u8(a.messageType());
        }
    }

    public static LazyAnnounce decode(StreamableReader r) {
        PlumtreeBodies.readVersion(r, "LazyAnnounce");
        int n = PlumtreeBodies.readCount(r, "LazyAnnounce", MAX_ENTRIES, ENTRY_SIZE);
        List<Announcement> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Announcement(r.bytes32(), r.u8()));
        }
        return new LazyAnnounce(entries);
    }

    /** Decodes a whole message body. */
    public static LazyAnnounce decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, LazyAnnounce::decode);
    }
}
