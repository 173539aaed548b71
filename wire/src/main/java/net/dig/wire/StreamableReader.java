package net.dig.wire;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import net.dig.core.Bytes32;

/**
 * Reads Chia Streamable encoding (rules drawn in {@link StreamableWriter}) from a byte-array slice.
 *
 * <p>Every read checks the remaining length before touching or allocating anything. Declared
 * lengths and counts are checked against {@link WireLimits} and then against the bytes actually
 * present, so a 9-byte input claiming four billion list entries is refused at once. A list count
 * is also bounded by {@code remaining / minElementSize}. Strings must be valid UTF-8 (Chia rejects
 * invalid UTF-8 too). Errors are {@link WireException}s naming the field and the offset.
 * Not thread-safe; one reader per buffer.
 */
public final class StreamableReader {
    private final byte[] buf;
    private final int start;
    private final int end;
    private final WireLimits limits;
    private int pos;

    public StreamableReader(byte[] buf, WireLimits limits) {
        this(buf, 0, buf.length, limits);
    }

    public StreamableReader(byte[] buf, int offset, int length, WireLimits limits) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new IllegalArgumentException(
                    "slice [" + offset + ", +" + length + ") outside array of " + buf.length);
        }
        this.buf = buf;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
        this.limits = limits;
    }

    public WireLimits limits() {
        return limits;
    }

    /** Bytes consumed so far. */
    public int position() {
        return pos - start;
    }

    public int remaining() {
        return end - pos;
    }

    private void need(int n, String what) {
        if (end - pos < n) {
            throw new WireException(
                    "truncated input: " + what + " needs " + n + " bytes but " + (end - pos) + " remain", position());
        }
    }

    public int u8() {
        need(1, "u8");
        return buf[pos++] & 0xFF;
    }

    public int u16() {
        need(2, "u16");
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int i16() {
        return (short) u16();
    }

    public long u32() {
        need(4, "u32");
        return getInt() & 0xFFFF_FFFFL;
    }

    /** The u64 bit pattern in a Java long (values above 2^63-1 read as negative). */
    public long u64() {
        need(8, "u64");
        long hi = getInt() & 0xFFFF_FFFFL;
        long lo = getInt() & 0xFFFF_FFFFL;
        return (hi << 32) | lo;
    }

    public BigInteger u128() {
        need(16, "u128");
        BigInteger v = new BigInteger(1, Arrays.copyOfRange(buf, pos, pos + 16));
        pos += 16;
        return v;
    }

    public boolean bool() {
        need(1, "bool");
        int b = buf[pos] & 0xFF;
        if (b > 1) {
            throw new WireException("invalid bool byte 0x" + Integer.toHexString(b) + " (must be 00 or 01)", position());
        }
        pos++;
        return b == 1;
    }

    /** Exactly {@code n} raw bytes. */
    public byte[] fixed(int n, String what) {
        need(n, what);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public Bytes32 bytes32() {
        need(Bytes32.SIZE, "bytes32");
        Bytes32 v = Bytes32.wrap(buf, pos);
        pos += Bytes32.SIZE;
        return v;
    }

    /** Variable-length bytes with a u32 prefix, capped by {@link WireLimits#maxBytesLength()}. */
    public byte[] bytes() {
        return bytes(limits.maxBytesLength());
    }

    /** Variable-length bytes capped by the smaller of {@code maxLength} and the configured limit. */
    public byte[] bytes(int maxLength) {
        int n = length("bytes", Math.min(maxLength, limits.maxBytesLength()));
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** A UTF-8 string with a u32 byte-length prefix; invalid UTF-8 is an error. */
    public String str() {
        int at = position();
        int n = length("string", limits.maxStringLength());
        String s = ascii(n);
        if (s == null) {
            try {
                s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, n))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new WireException("string is not valid UTF-8", at);
            }
        }
        pos += n;
        return s;
    }

    private String ascii(int n) {
        for (int i = pos; i < pos + n; i++) {
            if (buf[i] < 0) {
                return null;
            }
        }
        return new String(buf, pos, n, StandardCharsets.ISO_8859_1);
    }

    public <T> Optional<T> optional(Function<StreamableReader, T> element) {
        need(1, "optional tag");
        int tag = buf[pos] & 0xFF;
        if (tag > 1) {
            throw new WireException("invalid optional tag 0x" + Integer.toHexString(tag) + " (must be 00 or 01)", position());
        }
        pos++;
        return tag == 0 ? Optional.empty() : Optional.of(element.apply(this));
    }

    /** A list whose elements each take at least one byte. */
    public <T> List<T> list(Function<StreamableReader, T> element) {
        return list(element, 1);
    }

    /**
     * A list with a u32 count. The count must be within {@link WireLimits#maxListCount()} and within
     * {@code remaining / minElementSize} before any element is read or any capacity is reserved.
     */
    public <T> List<T> list(Function<StreamableReader, T> element, int minElementSize) {
        int at = position();
        long count = u32();
        if (count > limits.maxListCount()) {
            throw new WireException("list count " + count + " exceeds the limit " + limits.maxListCount(), at);
        }
        if (minElementSize > 0 && count > remaining() / minElementSize) {
            throw new WireException("list count " + count + " needs at least " + count * minElementSize
                    + " bytes but " + remaining() + " remain", at);
        }
        List<T> out = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            out.add(element.apply(this));
        }
        return List.copyOf(out);
    }

    /** Everything not yet read (an opaque tail such as a relayed block). */
    public byte[] rest() {
        byte[] out = Arrays.copyOfRange(buf, pos, end);
        pos = end;
        return out;
    }

    /** Chia's {@code from_bytes} rule: a value must use the whole buffer. */
    public void requireFullyConsumed() {
        if (pos != end) {
            throw new WireException("trailing bytes: " + (end - pos) + " unread after the value", position());
        }
    }

    private int length(String what, int limit) {
        int at = position();
        long n = u32();
        if (n > limit) {
            throw new WireException(what + " length " + n + " exceeds the limit " + limit, at);
        }
        if (n > remaining()) {
            throw new WireException("truncated input: " + what + " of " + n + " bytes but " + remaining() + " remain", at);
        }
        return (int) n;
    }

    private int getInt() {
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }
}
