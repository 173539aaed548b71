package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RelayBackoffTest {
    private final RelayBackoff backoff = new RelayBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 5);

    @Test
    void theWaitDoublesWithJitterInItsUpperHalfUpToTheCeiling() {
        SplittableRandom random = new SplittableRandom(1);
        long[] ceilings = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
        for (int attempt = 0; attempt < ceilings.length; attempt++) {
            for (int draw = 0; draw < 200; draw++) {
                long d = backoff.delay(attempt, random).toMillis();
                assertThat(d).as("attempt %d", attempt).isBetween(ceilings[attempt] / 2, ceilings[attempt]);
            }
        }
        assertThat(backoff.delay(Integer.MAX_VALUE, random).toMillis()).isBetween(30_000L, 60_000L);
    }

    @Test
    void jitterSpreadsTheWaits() {
        SplittableRandom random = new SplittableRandom(2);
        long first = backoff.delay(3, random).toMillis();
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = backoff.delay(3, random).toMillis() != first;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void givesUpAfterMaxAttemptsUnlessZero() {
        assertThat(backoff.exhausted(4)).isFalse();
        assertThat(backoff.exhausted(5)).isTrue();
        assertThat(new RelayBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0).exhausted(1_000_000)).isFalse();
        assertThatThrownBy(() -> new RelayBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelayBackoff(Duration.ZERO, Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
