package net.dig.wire;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;

/**
 * DIG opcode 217 (PlumtreeRequestByHash): "send me the messages with these ids". Each answer is the
 * message itself, unchanged, as an ordinary frame; ids the peer no longer holds are skipped silently.
 *
 * <pre>
 * offset  size      field
 * 0       1         version      u8 = 1
 * 1       4         count        u32 big-endian, 1..{@value #MAX_IDS}
 * 5       32*count  message_ids  bytes32 each, SHA-256(msg_type || data)
 * </pre>
 */
public record RequestByHash(List<Bytes32> messageIds) implements ProtocolMessage {
    public static final int OPCODE = 217;
    public static final int MAX_IDS = 256;

    public RequestByHash {
        messageIds = List.copyOf(messageIds);
        if (messageIds.isEmpty() || messageIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("a RequestByHash holds 1.." + MAX_IDS + " ids, not " + messageIds.size());
        }
    }

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(PlumtreeBodies.VERSION).u32(messageIds.size());
        messageIds.forEach(w::bytes32);
    }

    public static RequestByHash decode(StreamableReader r) {
        PlumtreeBodies.readVersion(r, "RequestByHash");
        int n = PlumtreeBodies.readCount(r, "RequestByHash", MAX_IDS, Bytes32.SIZE);
        List<Bytes32> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(r.bytes32());
        }
        return new RequestByHash(ids);
    }

    public static RequestByHash decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, RequestByHash::decode);
    }
}
