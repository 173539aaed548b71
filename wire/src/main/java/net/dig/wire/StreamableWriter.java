package net.dig.wire;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import net.dig.core.Bytes32;

/**
 * Writes Chia Streamable encoding into a growable buffer.
 *
 * <pre>
 *  uintN / intN     fixed width, big-endian
 *  bool             1 byte: 00 | 01
 *  Optional&lt;T&gt;      00 (None) | 01 ‖ T
 *  bytes            u32 length ‖ raw bytes
 *  str              u32 length of the UTF-8 bytes ‖ UTF-8
 *  List&lt;T&gt;          u32 count ‖ elements
 *  bytes32 / tuple  raw, no prefix; struct fields in declaration order
 * </pre>
 *
 * <p>Values out of a field's range (a u16 of 70 000, a string with an unpaired surrogate) are
 * refused with a {@link WireException} instead of being silently truncated. Not thread-safe.
 */
public final class StreamableWriter {
    private byte[] buf;
    private int size;

    public StreamableWriter() {
        this(64);
    }

    public StreamableWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        int needed = size + more;
        if (needed < 0) {
            throw new WireException("encoded value exceeds 2 GiB");
        }
        if (needed > buf.length) {
            int grown = Math.max(needed, buf.length <= (Integer.MAX_VALUE >> 1) ? buf.length << 1 : Integer.MAX_VALUE);
            buf = Arrays.copyOf(buf, grown);
        }
    }

    public StreamableWriter u8(int value) {
        if ((value & ~0xFF) != 0) {
            throw new WireException("u8 out of range: " + value);
        }
        ensure(1);
        buf[size++] = (byte) value;
        return this;
    }

    public StreamableWriter u16(int value) {
        if ((value & ~0xFFFF) != 0) {
            throw new WireException("u16 out of range: " + value);
        }
        ensure(2);
        buf[size++] = (byte) (value >>> 8);
        buf[size++] = (byte) value;
        return this;
    }

    public StreamableWriter i16(int value) {
        if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
            throw new WireException("i16 out of range: " + value);
        }
        ensure(2);
        buf[size++] = (byte) (value >>> 8);
        buf[size++] = (byte) value;
        return this;
    }

    public StreamableWriter u32(long value) {
        if ((value & ~0xFFFF_FFFFL) != 0) {
            throw new WireException("u32 out of range: " + value);
        }
        ensure(4);
        putInt((int) value);
        return this;
    }

    /** Writes the 64 bits of {@code value}; Java's signed long carries the u64 bit pattern. */
    public StreamableWriter u64(long value) {
        ensure(8);
        putInt((int) (value >>> 32));
        putInt((int) value);
        return this;
    }

    public StreamableWriter u128(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 128) {
            throw new WireException("u128 out of range: " + value);
        }
        byte[] magnitude = value.toByteArray();
        ensure(16);
        int significant = Math.min(magnitude.length, 16);
        Arrays.fill(buf, size, size + 16 - significant, (byte) 0);
        System.arraycopy(magnitude, magnitude.length - significant, buf, size + 16 - significant, significant);
        size += 16;
        return this;
    }

    public StreamableWriter bool(boolean value) {
        ensure(1);
        buf[size++] = (byte) (value ? 1 : 0);
        return this;
    }

    /** Raw bytes without a length prefix (fixed-size fields, opaque tails). */
    public StreamableWriter raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    public StreamableWriter bytes32(Bytes32 value) {
        ensure(Bytes32.SIZE);
        value.copyTo(buf, size);
        size += Bytes32.SIZE;
        return this;
    }

    /** Variable-length bytes: u32 length prefix. */
    public StreamableWriter bytes(byte[] bytes) {
        u32(bytes.length);
        return raw(bytes);
    }

    public StreamableWriter str(String value) {
        if (isAscii(value)) {
            int n = value.length();
            u32(n);
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[size++] = (byte) value.charAt(i);
            }
            return this;
        }
        return bytes(strictUtf8(value));
    }

    public <T> StreamableWriter optional(Optional<T> value, BiConsumer<StreamableWriter, T> element) {
        if (value.isEmpty()) {
            return u8(0);
        }
        u8(1);
        element.accept(this, value.get());
        return this;
    }

    public <T> StreamableWriter list(List<T> values, BiConsumer<StreamableWriter, T> element) {
        u32(values.size());
        for (T v : values) {
            element.accept(this, v);
        }
        return this;
    }

    public StreamableWriter write(Streamable value) {
        value.writeTo(this);
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void putInt(int v) {
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static byte[] strictUtf8(String value) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new WireException("string is not valid Unicode (unpaired surrogate): " + e.getMessage());
        }
    }
}
