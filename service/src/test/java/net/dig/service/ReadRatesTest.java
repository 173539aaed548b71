package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** {@link ReadRates}: a steady rate reads as itself, an idle datastore halves each hour, and the table is bounded. */
class ReadRatesTest {
    private static Bytes32 id(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[1] = (byte) (n >> 8);
        b[2] = (byte) (n >> 16);
        return Bytes32.wrap(b);
    }

    @Test
    void aSteadyRateReadsAsItselfAndAnIdleOneHalvesEachHour() {
        ManualClock clock = new ManualClock();
        ReadRates rates = new ReadRates(clock);
        assertThat(rates.perHour(id(1))).isZero();
        for (int i = 0; i < 120 * 10; i++) { // 120 reads an hour for ten hours: settled to within 0.1 %
            rates.read(id(1));
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(rates.perHour(id(1))).isCloseTo(120, within(2.0));
        assertThat(rates.perHour(id(2))).isZero();

        double before = rates.perHour(id(1));
        clock.advance(Duration.ofHours(1));
        assertThat(rates.perHour(id(1))).isCloseTo(before / 2, within(0.01));
        clock.advance(Duration.ofHours(20));
        assertThat(rates.perHour(id(1))).isLessThan(0.001);
    }

    @Test
    void pastTheBoundTheDatastoreReadLeastRecentlyIsForgotten() {
        ManualClock clock = new ManualClock();
        ReadRates rates = new ReadRates(clock);
        rates.read(id(0));
        for (int n = 1; n <= ReadRates.MAX_TRACKED; n++) {
            rates.read(id(n));
        }
        assertThat(rates.tracked()).isEqualTo(ReadRates.MAX_TRACKED);
        assertThat(rates.perHour(id(0))).isZero();
        assertThat(rates.perHour(id(ReadRates.MAX_TRACKED))).isPositive();
    }
}
