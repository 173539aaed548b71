package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.proptest.PropertyRunner;
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

    @Test
    void neverHoldsMoreThanItsCapacity() {
        PropertyRunner.tries(50).check(g -> neverHoldsMoreThanItsCapacity(g.ints(1, 64), g.ints(0, 500)));
    }

    private static void neverHoldsMoreThanItsCapacity(int capacity, int inserts) {
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
