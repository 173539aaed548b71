package net.dig.gossip;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash with a 128-bit key {@code (k0, k1)},
 * each half read little-endian from the key bytes, over a message of any length. Pure and thread-safe.
 */
final class SipHash24 {
    private SipHash24() {}

    static long hash(long k0, long k1, byte[] message) {
        long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L};
        int blocks = message.length / 8;
        for (int b = 0; b < blocks; b++) {
            compress(v, littleEndian(message, b * 8, 8));
        }
        compress(v, ((long) message.length << 56) | littleEndian(message, blocks * 8, message.length - blocks * 8));
        v[2] ^= 0xff;
        rounds(v, 4);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void compress(long[] v, long m) {
        v[3] ^= m;
        rounds(v, 2);
        v[0] ^= m;
    }

    private static void rounds(long[] v, int n) {
        for (int r = 0; r < n; r++) {
            v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
            v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
            v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
            v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
        }
    }

    private static long littleEndian(byte[] b, int at, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}
