package net.dig.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reassembles {@link Message} envelopes from bytes that arrive in arbitrary pieces (a TCP stream,
 * WebSocket continuation frames, a test slicing vectors at every offset).
 *
 * <p>The header is parsed as soon as it is complete, and its {@code data_len} is checked against
 * {@link WireLimits#maxMessageData()} before a single payload byte is buffered, so a peer cannot
 * make us reserve memory by announcing a huge payload. After any {@link WireException} the decoder
 * is failed for good (the stream has lost framing); every later call throws. Not thread-safe: one
 * decoder per connection, driven by its event loop.
 */
public final class MessageStreamDecoder {
    /** A buffer grown for one large frame is shrunk back to this once the frame is consumed. */
    static final int RETAINED_CAPACITY = 64 * 1024;

    private final WireLimits limits;
    private byte[] pending = new byte[64];
    private int pendingSize;
    private String failure;

    public MessageStreamDecoder(WireLimits limits) {
        this.limits = limits;
    }

    /** Feeds a piece of the stream and returns the envelopes it completed, in order. */
    public List<Message> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    public List<Message> feed(byte[] chunk, int offset, int length) {
        if (failure != null) {
            throw new WireException("stream decoder already failed: " + failure);
        }
        append(chunk, offset, length);
        List<Message> out = new ArrayList<>(1);
        int consumed = 0;
        try {
            while (true) {
                int frameLength = completeFrameLength(consumed);
                if (frameLength < 0) {
                    break;
                }
                out.add(Message.decode(pending, consumed, frameLength, limits));
                consumed += frameLength;
            }
        } catch (WireException e) {
            failure = e.getMessage();
            throw e;
        }
        if (consumed > 0) {
            System.arraycopy(pending, consumed, pending, 0, pendingSize - consumed);
            pendingSize -= consumed;
            if (pending.length > RETAINED_CAPACITY && pendingSize < pending.length / 4) {
                pending = Arrays.copyOf(pending, Math.max(RETAINED_CAPACITY, pendingSize));
            }
        }
        return out;
    }

    int capacity() {
        return pending.length;
    }

    /** Bytes held that do not yet form a whole envelope. */
    public int buffered() {
        return pendingSize;
    }

    /** The length of the complete frame starting at {@code from}, or -1 if more bytes are needed. */
    private int completeFrameLength(int from) {
        int avail = pendingSize - from;
        if (avail < 2) {
            return -1;
        }
        int tag = pending[from + 1] & 0xFF;
        if (tag > 1) {
            throw new WireException("invalid optional tag 0x" + Integer.toHexString(tag) + " for message id", 1);
        }
        int header = tag == 1 ? 8 : 6;
        if (avail < header) {
            return -1;
        }
        int l = header - 4;
        long len = ((pending[from + l] & 0xFFL) << 24) | ((pending[from + l + 1] & 0xFFL) << 16)
                | ((pending[from + l + 2] & 0xFFL) << 8) | (pending[from + l + 3] & 0xFFL);
        if (len > limits.maxMessageData()) {
            throw new WireException("message data length " + len + " exceeds the limit " + limits.maxMessageData(), l);
        }
        return avail >= header + len ? header + (int) len : -1;
    }

    private void append(byte[] chunk, int offset, int length) {
        int needed = pendingSize + length;
        if (needed > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(needed, pending.length * 2));
        }
        System.arraycopy(chunk, offset, pending, pendingSize, length);
        pendingSize = needed;
    }
}
