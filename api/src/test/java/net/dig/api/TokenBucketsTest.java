package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void admitsABurstOfPermitsThenRefusesWithTheTimeToTheNextToken() {
        TokenBuckets b = new TokenBuckets(RateLimit.perMinute(100), clock, 1000);
        for (int i = 0; i < 100; i++) {
            assertThat(b.acquire("1.2.3.4")).as("request %d", i).isZero();
        }
        Duration wait = b.acquire("1.2.3.4");
        assertThat(wait).isEqualTo(Duration.ofMillis(600));
        clock.advance(Duration.ofMillis(599));
        assertThat(b.acquire("1.2.3.4")).isPositive();
        clock.advance(Duration.ofMillis(2));
        assertThat(b.acquire("1.2.3.4")).isZero();
        assertThat(b.acquire("1.2.3.4")).isPositive();
    }

    @Test
    void keysAreIndependent() {
        TokenBuckets b = new TokenBuckets(new RateLimit(1, Duration.ofSeconds(10)), clock, 1000);
        assertThat(b.acquire("a")).isZero();
        assertThat(b.acquire("a")).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.acquire("b")).isZero();
    }

    @Test
    void refillIsCappedAtTheBurstSize() {
        TokenBuckets b = new TokenBuckets(new RateLimit(3, Duration.ofSeconds(3)), clock, 1000);
        clock.advance(Duration.ofHours(1));
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            if (b.acquire("k").isZero()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(3);
    }

    @Test
    void unlimitedNeverRefuses() {
        TokenBuckets b = new TokenBuckets(RateLimit.unlimited(), clock, 10);
        for (int i = 0; i < 10_000; i++) {
            assertThat(b.acquire("k")).isZero();
        }
    }
}
