package net.dig.gossip;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed 64-bit
 * hash, two compression rounds per 8-byte word and four finalisation rounds. Keys are the two
 * little-endian 64-bit halves {@code k0, k1} of the 16-byte key; the message is read as
 * little-endian words, the last one padded with zeros and carrying the message length mod 256 in
 * its top byte.
 *
 * <p>Stateless and thread-safe. Written from the paper's description; checked against the
 * reference implementation's 64 test vectors.
 */
public final class SipHash24 {
    private SipHash24() {}

    /** SipHash-2-4 of {@code data} under the key {@code (k0, k1)}. */
    public static long hash(long k0, long k1, byte[] data) {
        long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L};
        int whole = data.length & ~7;
        for (int i = 0; i < whole; i += 8) {
            compress(v, littleEndian(data, i, 8));
        }
        compress(v, littleEndian(data, whole, data.length - whole) | ((long) data.length << 56));
        v[2] ^= 0xff;
        rounds(v, 4);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void compress(long[] v, long word) {
        v[3] ^= word;
        rounds(v, 2);
        v[0] ^= word;
    }

    private static void rounds(long[] v, int n) {
        long v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3];
        for (int r = 0; r < n; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v[0] = v0; v[1] = v1; v[2] = v2; v[3] = v3;
    }

    /** The little-endian value of {@code length} (0..8) bytes at {@code offset}. */
    static long littleEndian(byte[] b, int offset, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = (v << 8) | (b[offset + i] & 0xFFL);
        }
        return v;
    }
}
