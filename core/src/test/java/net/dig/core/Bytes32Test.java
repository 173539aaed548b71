package net.dig.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

class Bytes32Test {
    @Test
    void hexRoundTrips() {
        PropertyRunner.tries(1000).check(g -> {
            Bytes32 value = Bytes32.wrap(g.bytes(32));
            assertThat(Bytes32.fromHex(value.toHex())).isEqualTo(value);
            assertThat(value.toHex()).startsWith("0x").hasSize(66).isLowerCase();
        });
    }

    @Test
    void rejectsWrongLengthAndBadDigitsWithAReason() {
        assertThatThrownBy(() -> Bytes32.fromHex("0x1234")).hasMessageContaining("expected 32 bytes");
        assertThatThrownBy(() -> Bytes32.fromHex("0x" + "zz".repeat(32))).hasMessageContaining("non-hex character at position 0");
        assertThatThrownBy(() -> Hex.decode("abc")).hasMessageContaining("odd number");
    }

    @Test
    void ordersUnsigned() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0x80;
        assertThat(Bytes32.wrap(low)).isLessThan(Bytes32.wrap(high));
    }
}
