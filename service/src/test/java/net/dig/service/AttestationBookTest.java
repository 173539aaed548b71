package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload.StorageAttestation;
import org.junit.jupiter.api.Test;

/** {@link AttestationBook}: one per validator and challenge, a window of a week, every validator counted, clock bounds. */
class AttestationBookTest {
    private final ManualClock clock = new ManualClock(1_800_000_000_000L);
    private static final Bytes32 PROVER = Bytes32.wrap(new byte[32]);

    private static NodeIdentity validator(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        return NodeIdentity.fromSeed(seed);
    }

    private StorageAttestation attest(int validator, int challenge, boolean passed, long atMillis) {
        byte[] c = new byte[32];
        c[0] = (byte) challenge;
        return StorageAttestation.sign(validator(validator), PROVER, Bytes32.wrap(new byte[32]), 1, 1L << 30, Bytes32.wrap(c),
                passed ? StorageAttestation.VALID : 7, 1000, atMillis);
    }

    @Test
    void reputationCountsEveryValidatorWithinTheWindowOncePerChallenge() {
        AttestationBook book = new AttestationBook(clock);
        assertThat(book.reputation(PROVER)).isEmpty();
        long now = clock.millis();
        assertThat(book.add(attest(1, 1, true, now))).isTrue();
        assertThat(book.add(attest(1, 1, true, now))).as("the same attestation again").isFalse();
        assertThat(book.add(attest(2, 1, true, now))).as("another validator, same challenge id").isTrue();
        assertThat(book.add(attest(2, 2, false, now))).isTrue();
        AttestationBook.Standing s = book.standing(PROVER);
        assertThat(s.passed()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.validators()).isEqualTo(2);
        assertThat(s.lastFailureMillis()).isEqualTo(now);
        assertThat(book.reputation(PROVER)).hasValue(3.0 / 5.0);

        assertThat(book.add(attest(3, 1, true, now + AttestationBook.MAX_SKEW_MILLIS + 1))).as("from the future").isFalse();
        assertThat(book.add(attest(3, 2, true, now - AttestationBook.WINDOW_MILLIS - 1))).as("older than the window").isFalse();

        clock.advance(Duration.ofMillis(AttestationBook.WINDOW_MILLIS + 1));
        assertThat(book.reputation(PROVER)).as("out of the window").isEmpty();
        assertThat(book.received()).isEqualTo(3);
    }

    @Test
    void theOldestAreForgottenPastTheBoundFromTheIndexToo() {
        AttestationBook book = new AttestationBook(clock);
        NodeIdentity v = validator(5);
        Bytes32 other = Bytes32.wrap(new byte[] {
            7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        long now = clock.millis();
        for (int i = 0; i <= AttestationBook.MAX_KEPT; i++) {
            byte[] c = java.nio.ByteBuffer.allocate(32).putInt(i).array();
            assertThat(book.add(StorageAttestation.sign(v, i == 0 ? PROVER : other, Bytes32.wrap(new byte[32]), 1, 1,
                    Bytes32.wrap(c), StorageAttestation.VALID, 1, now))).isTrue();
        }
        assertThat(book.about(PROVER)).as("the oldest, forgotten").isEmpty();
        assertThat(book.reputation(PROVER)).isEmpty();
        assertThat(book.about(other)).hasSize(AttestationBook.MAX_KEPT);
    }
}
