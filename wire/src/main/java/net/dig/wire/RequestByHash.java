package net.dig.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import net.dig.core.Bytes32;

/**
 * DIG opcode 217, Plumtree pull: "send me the messages with these ids". The answer is each message itself,
 * unchanged, as a normal frame; ids the peer no longer holds are silently skipped.
 *
 * <pre>
 * offset  size      field
 * 0       1         version      = 1
 * 1       4         count        u32 big-endian, 1..{@value #MAX_IDS}
 * 5       32*count  message_ids  bytes32 each, SHA-256(msg_type || data)
 * </pre>
 */
public record RequestByHash(List<Bytes32> messageIds) {
    public static final int OPCODE = 217;
    public static final int VERSION = 1;
    public static final int MAX_IDS = 256;

    public RequestByHash {
        messageIds = List.copyOf(messageIds);
        if (messageIds.isEmpty() || messageIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("a RequestByHash holds 1.." + MAX_IDS + " ids, not " + messageIds.size());
        }
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(5 + Bytes32.SIZE * messageIds.size());
        b.put((byte) VERSION).putInt(messageIds.size());
        messageIds.forEach(id -> id.writeTo(b));
        return b.array();
    }

    public Message toMessage() {
        return new Message(OPCODE, OptionalInt.empty(), encode());
    }

    public static RequestByHash decode(byte[] data) {
        PlumtreeBodyReader r = new PlumtreeBodyReader("RequestByHash", data);
        r.expectVersion(VERSION);
        int n = r.count("message_ids", MAX_IDS, Bytes32.SIZE);
        List<Bytes32> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(r.bytes32("message_id"));
        }
        r.requireFullyConsumed();
        return new RequestByHash(ids);
    }
}
