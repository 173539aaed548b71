package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PinSketchTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Rabin's test: x^(2^32) = x mod P, and gcd(x^(2^16) - x, P) = 1 (32 has the single prime factor 2). */
    @Test
    void theModulusIsIrreducible() {
        int x = 2;
        int power = x;
        for (int i = 0; i < 16; i++) {
            power = Gf2p32.square(power);
        }
        long p = 0x1_0000_0000L | Gf2p32.MODULUS_LOW;
        assertThat(gf2Gcd(p, Integer.toUnsignedLong(power ^ x))).isEqualTo(1L);
        for (int i = 0; i < 16; i++) {
            power = Gf2p32.square(power);
        }
        assertThat(power).isEqualTo(x);
    }

    private static long gf2Gcd(long a, long b) {
        while (b != 0) {
            long r = a;
            int db = 63 - Long.numberOfLeadingZeros(b);
            while (r != 0 && 63 - Long.numberOfLeadingZeros(r) >= db) {
                r ^= b << (63 - Long.numberOfLeadingZeros(r) - db);
            }
            a = b;
            b = r;
        }
        return a;
    }

    @Test
    void fieldArithmetic() {
        assertThat(Gf2p32.mul(0x8000_0000, 2)).as("x^31 * x = x^7 + x^3 + x^2 + 1").isEqualTo(0x8D);
        assertThat(Gf2p32.mul(0x1234_5678, 1)).isEqualTo(0x1234_5678);
        for (int a : new int[] {1, 2, 3, 0x8D, 0xDEAD_BEEF, 0xFFFF_FFFF, 0x8000_0000}) {
            assertThat(Gf2p32.mul(a, Gf2p32.inverse(a))).isEqualTo(1);
        }
        assertThatThrownBy(() -> Gf2p32.inverse(0)).isInstanceOf(ArithmeticException.class);
    }

    /** Fixed bytes: s_0 = sum x, s_1 = sum x^3, little-endian, computed by hand in the field. */
    @Test
    void goldenBytes() {
        assertThat(HEX.formatHex(PinSketch.of(2, 1).toBytes())).isEqualTo("0100000001000000");
        assertThat(HEX.formatHex(PinSketch.of(3, 2).toBytes())).as("x, x^3, x^5").isEqualTo("020000000800000020000000");
        // {x, x^2}: s_0 = x + x^2 = 6, s_1 = x^3 + x^6 = 0x48
        assertThat(HEX.formatHex(PinSketch.of(2, 2, 4).toBytes())).isEqualTo("0600000048000000");
    }

    @Test
    void addingTwiceRemovesAndEmptyDecodesToNothing() {
        PinSketch s = PinSketch.of(4, 7, 9, 7);
        assertThat(s).isEqualTo(PinSketch.of(4, 9));
        assertThat(PinSketch.of(4, 9, 9).isEmpty()).isTrue();
        assertThat(PinSketch.empty(4).decode(4)).hasValueSatisfying(v -> assertThat(v).isEmpty());
        assertThat(PinSketch.of(4, 0xFFFF_FFFF, 1).decode(4)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 0xFFFF_FFFF));
    }

    @Test
    void truncationKeepsTheLowerPowerSums() {
        assertThat(PinSketch.of(8, 5, 6, 7).truncate(3)).isEqualTo(PinSketch.of(3, 5, 6, 7));
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> PinSketch.fromBytes(new byte[5])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PinSketch.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PinSketch.fromBytes(new byte[4 * (PinSketch.MAX_CAPACITY + 1)]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PinSketch.of(2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** minisketch's own example: 8 differences at 16 false-positive bits need capacity 9; 9 need 9. */
    @Test
    void capacityForMatchesMinisketchRule() {
        assertThat(PinSketch.capacityFor(8, 16)).isEqualTo(9);
        assertThat(PinSketch.capacityFor(9, 16)).isEqualTo(9);
        assertThat(PinSketch.capacityFor(1, 16)).isEqualTo(2);
        assertThat(PinSketch.capacityFor(20, 0)).isEqualTo(20);
    }
}
