package net.dig.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * The Chia/DIG message envelope: one WebSocket binary frame carries exactly one of these.
 *
 * <pre>
 *  offset  size  field
 *  0       1     type      u8, raw: Chia opcodes 1..255 and DIG opcodes 200..226 alike
 *  1       1     has_id    00 = None | 01 = Some
 *  2       2     id        u16 big-endian, present only when has_id = 01
 *  2|4     4     data_len  u32 big-endian
 *  6|8     n     data      the Streamable body of the type
 * </pre>
 *
 * <p>Design notes. {@code type} stays a raw int so that unknown opcodes survive decoding and the
 * dispatcher, not the codec, decides what to do with them (DIG relies on this for 220+). Decoding
 * is Chia-strict: a has_id byte other than 00/01 is rejected (dig-peer-protocol tolerates any
 * non-zero value, but its encoder only writes 00/01, so nothing legitimate is lost), data_len is
 * compared with {@link WireLimits#maxMessageData()} before the payload is copied, and trailing
 * bytes after the payload are rejected (dig-peer-protocol ignores them; Chia refuses them).
 * Instances are immutable apart from the {@code data} array, which callers must not modify after
 * construction; {@link #data()} returns the array itself to keep the hot path copy-free.
 */
public record Message(int type, OptionalInt id, byte[] data) {
    public static final int MIN_HEADER = 6;
    /** Longest header: type, has_id, id, data_len. */
    public static final int MAX_HEADER = MIN_HEADER + 2;

    public Message {
        if ((type & ~0xFF) != 0) {
            throw new IllegalArgumentException("message type must be a u8 but was " + type);
        }
        if (id == null || data == null) {
            throw new NullPointerException("id and data are required");
        }
        if (id.isPresent() && (id.getAsInt() & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("message id must be a u16 but was " + id.getAsInt());
        }
    }

    public static Message of(int type, byte[] data) {
        return new Message(type, OptionalInt.empty(), data);
    }

    public static Message of(int type, int id, byte[] data) {
        return new Message(type, OptionalInt.of(id), data);
    }

    /** The encoded length of this envelope. */
    public int encodedSize() {
        return MIN_HEADER + (id.isPresent() ? 2 : 0) + data.length;
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        int p = writeHeader(out);
        System.arraycopy(data, 0, out, p, data.length);
        return out;
    }

    /**
     * The envelope without its data (6 or 8 bytes): a transport sends it followed by {@link #data()}
     * and so never copies the payload into one array.
     */
    public byte[] encodeHeader() {
        byte[] out = new byte[encodedSize() - data.length];
        writeHeader(out);
        return out;
    }

    private int writeHeader(byte[] out) {
        int p = 0;
        out[p++] = (byte) type;
        if (id.isPresent()) {
            int v = id.getAsInt();
            out[p++] = 1;
            out[p++] = (byte) (v >>> 8);
            out[p++] = (byte) v;
        } else {
            out[p++] = 0;
        }
        int n = data.length;
        out[p++] = (byte) (n >>> 24);
        out[p++] = (byte) (n >>> 16);
        out[p++] = (byte) (n >>> 8);
        out[p++] = (byte) n;
        return p;
    }

    /** Decodes one whole frame; trailing bytes are an error. */
    public static Message decode(byte[] frame, WireLimits limits) {
        return decode(frame, 0, frame.length, limits);
    }

    public static Message decode(byte[] frame, int offset, int length, WireLimits limits) {
        StreamableReader reader = new StreamableReader(frame, offset, length, limits);
        Message m = read(reader);
        reader.requireFullyConsumed();
        return m;
    }

    /** Reads one envelope from the reader's position, leaving anything after it unread. */
    public static Message read(StreamableReader reader) {
        Header header = readHeader(reader);
        return new Message(header.type, header.id, reader.fixed(header.dataLength, "message data"));
    }

    /** An envelope's fields before its data, and the header's size in bytes (6 or 8). */
    public record Header(int type, OptionalInt id, int dataLength, int size) {}

    /**
     * Checks the header of a frame of {@code frameLength} bytes, given its first
     * {@code min(frameLength, MAX_HEADER)} bytes, exactly as {@link #decode} would check the whole
     * frame (has_id tag, data_len within the limit, nothing missing, nothing trailing). A transport
     * then copies the data once, straight from its own buffer.
     */
    public static Header decodeHeader(byte[] prefix, int frameLength, WireLimits limits) {
        int available = Math.min(frameLength, MAX_HEADER);
        if (prefix.length < available) {
            throw new IllegalArgumentException("a header needs the frame's first " + available + " bytes, got " + prefix.length);
        }
        Header header = readHeader(new StreamableReader(prefix, 0, available, limits), frameLength);
        long trailing = (long) frameLength - header.size - header.dataLength;
        if (trailing > 0) {
            throw new WireException("trailing bytes: " + trailing + " unread after the value", header.size + header.dataLength);
        }
        return header;
    }

    private static Header readHeader(StreamableReader reader) {
        return readHeader(reader, -1);
    }

    /** {@code frameLength} < 0: the data must follow in {@code reader}; else it is what the frame holds after the header. */
    private static Header readHeader(StreamableReader reader, int frameLength) {
        int start = reader.position();
        int type = reader.u8();
        int tagAt = reader.position();
        int tag = reader.u8();
        OptionalInt id;
        if (tag == 0) {
            id = OptionalInt.empty();
        } else if (tag == 1) {
            id = OptionalInt.of(reader.u16());
        } else {
            throw new WireException("invalid optional tag 0x" + Integer.toHexString(tag) + " for message id", tagAt);
        }
        int lenAt = reader.position();
        long len = reader.u32();
        int limit = reader.limits().maxMessageData();
        if (len > limit) {
            throw new WireException("message data length " + len + " exceeds the limit " + limit, lenAt);
        }
        int size = reader.position() - start;
        long remaining = frameLength < 0 ? reader.remaining() : (long) frameLength - size;
        if (len > remaining) {
            throw new WireException(
                    "truncated input: message data of " + len + " bytes but " + remaining + " remain", lenAt);
        }
        return new Header(type, id, (int) len, size);
    }

    /** Decodes {@link #data()} as the body of this message's type; trailing bytes are an error. */
    public <T> T body(WireLimits limits, java.util.function.Function<StreamableReader, T> decoder) {
        return Streamable.decodeFully(data, limits, decoder);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && type == m.type && id.equals(m.id) && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type + id.hashCode()) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String shown = data.length <= 32
                ? HexFormat.of().formatHex(data)
                : HexFormat.of().formatHex(data, 0, 32) + "...";
        return "Message[type=" + type + ", id=" + (id.isPresent() ? Integer.toString(id.getAsInt()) : "None")
                + ", data(" + data.length + ")=" + shown + "]";
    }
}
