package net.dig.wire;

import java.nio.ByteBuffer;
import net.dig.core.Bytes32;

/**
 * Bounds-checked reading of the Plumtree control bodies. Every read checks the remaining length first and
 * every count is checked against its cap before anything is allocated, so a hostile count costs nothing.
 */
final class PlumtreeBodyReader {
    private final String body;
    private final ByteBuffer buffer;

    PlumtreeBodyReader(String body, byte[] data) {
        this.body = body;
        this.buffer = ByteBuffer.wrap(data);
    }

    void expectVersion(int supported) {
        int version = u8("version");
        if (version != supported) {
            throw fail("unsupported version " + version + " (this node reads version " + supported + ")", -1);
        }
    }

    int u8(String field) {
        need(1, field);
        return buffer.get() & 0xFF;
    }

    /** A u32 list count in {@code 1..max}; checks that {@code count * elementSize} bytes are present. */
    int count(String field, int max, int elementSize) {
        need(4, field);
        int at = buffer.position();
        long count = buffer.getInt() & 0xFFFF_FFFFL;
        if (count == 0 || count > max) {
            throw fail(field + " count " + count + " is outside 1.." + max, at);
        }
        if ((long) buffer.remaining() < count * elementSize) {
            throw fail(field + " count " + count + " needs " + count * elementSize + " bytes but only "
                    + buffer.remaining() + " remain", at);
        }
        return (int) count;
    }

    Bytes32 bytes32(String field) {
        need(Bytes32.SIZE, field);
        return Bytes32.read(buffer);
    }

    void requireFullyConsumed() {
        if (buffer.hasRemaining()) {
            throw fail(buffer.remaining() + " trailing bytes", buffer.position());
        }
    }

    private void need(int n, String field) {
        if (buffer.remaining() < n) {
            throw fail("truncated: " + field + " needs " + n + " bytes but " + buffer.remaining() + " remain",
                    buffer.position());
        }
    }

    private PlumtreeFormatException fail(String what, int offset) {
        int at = offset >= 0 ? offset : buffer.position() - 1;
        return new PlumtreeFormatException(body + ": " + what + " at offset " + at);
    }
}
