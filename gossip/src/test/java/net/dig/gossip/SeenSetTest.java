package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SeenSetTest {
    private static MessageId id(int n) {
        return MessageId.of(20, new byte[] {(byte) n, (byte) (n >> 8), (byte) (n >> 16)});
    }

    @Test
    void remembersUntilTheTtlPasses() {
        SeenSet s = new SeenSet(10, 100);
        assertThat(s.add(id(1), 0)).isTrue();
        assertThat(s.add(id(1), 50)).isFalse();
        assertThat(s.contains(id(1), 99)).isTrue();
        assertThat(s.contains(id(1), 100)).isFalse();
        assertThat(s.add(id(1), 100)).isTrue();
    }

    @Property(tries = 50)
    void neverHoldsMoreThanItsCapacity(@ForAll @IntRange(min = 1, max = 64) int capacity,
                                       @ForAll @IntRange(min = 0, max = 500) int inserts) {
        SeenSet s = new SeenSet(capacity, 1_000_000);
        for (int i = 0; i < inserts; i++) {
            s.add(id(i), i);
            assertThat(s.size()).isLessThanOrEqualTo(capacity);
        }
        if (inserts > 0) {
            assertThat(s.contains(id(inserts - 1), inserts)).isTrue();
        }
        assertThat(s.evictedEarly()).isEqualTo(Math.max(0, inserts - capacity));
    }

    @Test
    void messageIdIsSha256OfTypeThenData() {
        // SHA-256 of the two bytes 0x14 0x00 (type 20, data {0}).
        assertThat(MessageId.of(20, new byte[] {0}).value().toHex())
                .isEqualTo(net.dig.core.Bytes32.wrap(sha256(new byte[] {0x14, 0})).toHex());
        assertThat(MessageId.of(20, new byte[] {0})).isNotEqualTo(MessageId.of(21, new byte[] {0}));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
