package net.dig.gossip;

/**
 * Arithmetic in GF(2^32), the field PinSketch sketches live in.
 *
 * <p>Elements are Java {@code int}s read as 32-bit vectors over GF(2) in the polynomial basis modulo the
 * irreducible pentanomial {@code P(x) = x^32 + x^7 + x^3 + x^2 + 1} (the low bits are
 * {@value #MODULUS_LOW} = 0x8D), the same modulus minisketch uses for 32-bit elements, so sketches are
 * bit-for-bit comparable. Addition is XOR; multiplication is carry-less shift-and-add with reduction
 * after every shift; the inverse is {@code a^(2^32 - 2)} by repeated squaring.
 *
 * <p>Pure and stateless, safe from any thread. Zero has no inverse: {@link #inverse} throws on it.
 */
final class Gf2p32 {
    /** The low 32 bits of the modulus (bit 32 is implied). */
    static final int MODULUS_LOW = 0x8D;

    private Gf2p32() {}

    static int mul(int a, int b) {
        int r = 0;
        for (int i = 0; i < 32; i++) {
            r ^= a & -(b & 1);
            b >>>= 1;
            a = (a << 1) ^ ((a >> 31) & MODULUS_LOW);
        }
        return r;
    }

    static int square(int a) {
        return mul(a, a);
    }

    static int inverse(int a) {
        if (a == 0) {
            throw new ArithmeticException("zero has no inverse in GF(2^32)");
        }
        // a^(2^32 - 2) = product of a^(2^i) for i = 1..31
        int power = square(a);
        int result = power;
        for (int i = 2; i < 32; i++) {
            power = square(power);
            result = mul(result, power);
        }
        return result;
    }
}
