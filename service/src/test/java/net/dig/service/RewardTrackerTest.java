package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload.StorageAttestation;
import org.junit.jupiter.api.Test;

/** {@link RewardTracker}: the documented formula, per UTC day, each version once, scaled by the day's success rate. */
class RewardTrackerTest {
    private static final long DAY = RewardTracker.EPOCH_MILLIS;
    private static final long T0 = 20_000 * DAY; // a day boundary
    private static final Bytes32 NODE = Bytes32.wrap(new byte[32]);
    private static final Bytes32 OTHER = Bytes32.wrap(new byte[] {
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    private int challenges;

    private StorageAttestation attest(int validator, Bytes32 prover, int datastore, long size, boolean passed, long at) {
        byte[] seed = new byte[32];
        seed[0] = (byte) validator;
        byte[] ds = new byte[32];
        ds[0] = (byte) datastore;
        byte[] c = new byte[32];
        c[0] = (byte) ++challenges;
        return StorageAttestation.sign(NodeIdentity.fromSeed(seed), prover, Bytes32.wrap(ds), 1, size, Bytes32.wrap(c),
                passed ? StorageAttestation.VALID : 7, 1000, at);
    }

    @Test
    void aDayEarnsTheRateOnEachProvenVersionOnceTimesItsSuccessRate() {
        ManualClock clock = new ManualClock(T0 + 2 * DAY + 3600_000);
        RewardTracker rewards = new RewardTracker(2.0, clock);
        List<StorageAttestation> all = new ArrayList<>();
        // day 0: 1 TB proven by two validators (counted once), 0.5 TB proven, one failure: s = 3/4
        all.add(attest(1, NODE, 1, 1_000_000_000_000L, true, T0 + 1000));
        all.add(attest(2, NODE, 1, 1_000_000_000_000L, true, T0 + 2000));
        all.add(attest(1, NODE, 2, 500_000_000_000L, true, T0 + 3000));
        all.add(attest(2, NODE, 3, 2_000_000_000_000L, false, T0 + 4000));
        // day 1: 0.25 TB, all passed
        all.add(attest(1, NODE, 1, 250_000_000_000L, true, T0 + DAY + 10));
        // day 2 (today): 1 TB so far
        all.add(attest(1, NODE, 1, 1_000_000_000_000L, true, T0 + 2 * DAY + 10));
        // someone else's
        all.add(attest(1, OTHER, 1, 9_000_000_000_000L, true, T0 + 10));

        RewardTracker.Earnings e = rewards.earnings(NODE, all);
        assertThat(e.totalDig()).isCloseTo(2.0 * 0.75 * 1.5 + 2.0 * 1.0 * 0.25, within(1e-9));
        assertThat(e.pendingDig()).isCloseTo(2.0, within(1e-9));
        assertThat(e.successRate()).isCloseTo(5.0 / 6.0, within(1e-9));
        assertThat(e.earningsPerTbDay()).as("the last completed day, per TB proven").isCloseTo(2.0, within(1e-9));
        assertThat(e.attestations()).isEqualTo(6);

        assertThat(rewards.earnings(Bytes32.wrap(new byte[] {
            9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), all))
                .isEqualTo(new RewardTracker.Earnings(0, 0, 0, 0, 0));
        assertThatThrownBy(() -> new RewardTracker(-1, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
