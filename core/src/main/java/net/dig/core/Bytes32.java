package net.dig.core;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An immutable 32-byte value: a SHA-256 digest, a datastore id, a plot id, a peer id.
 *
 * <p>Text form is {@code 0x} + 64 lowercase hex digits ({@link #toString()}, {@link #fromHex}).
 * Ordering is unsigned lexicographic, so sorted collections match sorted hex.
 */
public final class Bytes32 implements Comparable<Bytes32> {
    public static final int SIZE = 32;
    public static final Bytes32 ZERO = new Bytes32(new byte[SIZE]);

    private final byte[] bytes;
    private final int hash;

    private Bytes32(byte[] owned) {
        this.bytes = owned;
        this.hash = Arrays.hashCode(owned);
    }

    /** Copies exactly 32 bytes. */
    public static Bytes32 wrap(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("expected 32 bytes but got " + bytes.length);
        }
        return new Bytes32(bytes.clone());
    }

    /** Copies 32 bytes starting at {@code offset}. */
    public static Bytes32 wrap(byte[] bytes, int offset) {
        if (offset < 0 || offset > bytes.length - SIZE) {
            throw new IllegalArgumentException("32 bytes at offset " + offset + " exceed array of " + bytes.length);
        }
        return new Bytes32(Arrays.copyOfRange(bytes, offset, offset + SIZE));
    }

    /** Reads 32 bytes at the buffer's position and advances it. */
    public static Bytes32 read(ByteBuffer buffer) {
        byte[] b = new byte[SIZE];
        buffer.get(b);
        return new Bytes32(b);
    }

    /** Parses {@code 0x}-prefixed (or bare) hex of exactly 64 digits. */
    public static Bytes32 fromHex(CharSequence hex) {
        return new Bytes32(Hex.decode(hex, SIZE));
    }

    /** A defensive copy of the bytes. */
    public byte[] toArray() {
        return bytes.clone();
    }

    public byte get(int index) {
        return bytes[index];
    }

    /** Writes the 32 bytes at the buffer's position and advances it. */
    public ByteBuffer writeTo(ByteBuffer buffer) {
        return buffer.put(bytes);
    }

    /** Copies the 32 bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, SIZE);
    }

    public String toHex() {
        return Hex.encode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes32 other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Bytes32 o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
