package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** {@link ReplicaRepair}: volunteering waits, confirmation, back-off, and the rate limits, on a manual clock. */
class ReplicaRepairTest {
    private static final long MIB = 1L << 20;
    private final ManualClock clock = new ManualClock();

    private ReplicaRepair repair(int maxConcurrent, long bytesPerSecond) {
        return new ReplicaRepair(new ReplicaRepair.Settings(3, maxConcurrent, bytesPerSecond, 1_000, 4), clock,
                new SplittableRandom(7));
    }

    private static Bytes32 id(int i) {
        byte[] b = new byte[32];
        b[0] = (byte) i;
        b[1] = (byte) (i >>> 8);
        return Bytes32.wrap(b);
    }

    /** Advances the clock until something is due, at most {@code limit}; returns what came due. */
    private List<Bytes32> runUntilDue(ReplicaRepair r, long room, Duration limit) {
        for (long waited = 0; waited <= limit.toMillis(); waited += 100) {
            List<Bytes32> due = r.due(room);
            if (!due.isEmpty()) {
                return due;
            }
            clock.advance(Duration.ofMillis(100));
        }
        return List.of();
    }

    @Test
    void aDatastoreAtItsTargetIsNeverTracked() {
        ReplicaRepair r = repair(2, 100 * MIB);
        r.observe(id(1), MIB, 3, 10);
        r.observe(id(2), MIB, 5, 10);
        assertThat(r.tracked()).isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(r.due(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aShortDatastoreWaitsThenIsConfirmedAndFetchedOnce() {
        ReplicaRepair r = repair(2, 100 * MIB);
        r.observe(id(1), MIB, 2, 1);
        assertThat(r.phase(id(1))).contains(ReplicaRepair.Phase.WAITING);
        assertThat(r.nextWakeMillis()).isPresent();
        List<Bytes32> due = runUntilDue(r, 10 * MIB, Duration.ofMinutes(5));
        assertThat(due).containsExactly(id(1));
        assertThat(r.confirm(id(1), 2)).isTrue();
        assertThat(r.phase(id(1))).contains(ReplicaRepair.Phase.FETCHING);
        assertThat(r.due(10 * MIB)).isEmpty();
        r.finished(id(1), true);
        assertThat(r.tracked()).isZero();
        assertThat(r.started()).isEqualTo(1);
    }

    @Test
    void anotherHolderAppearingBeforeTheWaitEndsOrAtConfirmationBacksOff() {
        ReplicaRepair r = repair(2, 100 * MIB);
        r.observe(id(1), MIB, 2, 4);
        r.observe(id(1), MIB, 3, 4);
        assertThat(r.tracked()).isZero();

        r.observe(id(2), MIB, 2, 1);
        assertThat(runUntilDue(r, 10 * MIB, Duration.ofMinutes(5))).containsExactly(id(2));
        assertThat(r.confirm(id(2), 3)).isFalse();
        assertThat(r.tracked()).isZero();
        assertThat(r.busy()).isZero();
        assertThat(r.started()).isZero();
    }

    @Test
    void theMeanWaitGrowsWithCandidatesOverDeficitAndWithTheDatastoresFetchTime() {
        double few = meanWait(1, 2, 10, MIB);
        double many = meanWait(1, 2, 40, MIB);
        double deeper = meanWait(1, 0, 40, MIB);
        assertThat(many / few).isBetween(3.0, 5.0);
        assertThat(many / deeper).isBetween(2.0, 4.0);
        // 400 MiB at 100 MiB/s: 4 s per fetch, times periodPerFetch 4 = a 16 s period instead of the 1 s minimum
        assertThat(meanWait(1, 2, 10, 400 * MIB) / few).isBetween(12.0, 20.0);
    }

    private double meanWait(int seedBase, int holders, int candidates, long size) {
        double sum = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            ReplicaRepair r = new ReplicaRepair(new ReplicaRepair.Settings(3, 2, 100 * MIB, 1_000, 4), clock,
                    new SplittableRandom(seedBase * 100_003L + i));
            long before = clock.nanos() / 1_000_000;
            r.observe(id(1), size, holders, candidates);
            sum += r.nextWakeMillis().getAsLong() - before;
        }
        return sum / n;
    }

    @Test
    void concurrencyRoomAndTheByteBudgetLimitWhatStarts() {
        ReplicaRepair r = repair(2, 10 * MIB);
        for (int i = 0; i < 5; i++) {
            r.observe(id(i), 4 * MIB, 1, 1);
        }
        clock.advance(Duration.ofHours(1));
        List<Bytes32> first = r.due(100 * MIB);
        assertThat(first).hasSize(2);
        assertThat(r.due(100 * MIB)).isEmpty();
        assertThat(r.confirm(first.get(0), 1)).isTrue();
        assertThat(r.confirm(first.get(1), 1)).isTrue();
        r.finished(first.get(0), true);
        r.finished(first.get(1), true);
        // 8 MiB taken from a 10 MiB/s budget that held 10 MiB: not in debt, one more may start
        List<Bytes32> second = r.due(100 * MIB);
        assertThat(second).hasSize(2);
        assertThat(r.confirm(second.get(0), 1)).isTrue();
        r.finished(second.get(0), true);
        assertThat(r.confirm(second.get(1), 1)).isTrue();
        r.finished(second.get(1), true);
        // now 6 MiB in debt: nothing until the budget refills
        assertThat(r.due(100 * MIB)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        List<Bytes32> third = r.due(3 * MIB);
        assertThat(third).as("4 MiB does not fit in 3 MiB of room: it waits again").isEmpty();
        assertThat(r.tracked()).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        assertThat(r.due(100 * MIB)).hasSize(1);
    }

    @Test
    void aFailedFetchWaitsLongerAndIsTriedAgain() {
        ReplicaRepair r = repair(1, 100 * MIB);
        r.observe(id(1), MIB, 2, 1);
        assertThat(runUntilDue(r, 10 * MIB, Duration.ofMinutes(5))).containsExactly(id(1));
        assertThat(r.confirm(id(1), 2)).isTrue();
        r.finished(id(1), false);
        assertThat(r.phase(id(1))).contains(ReplicaRepair.Phase.WAITING);
        assertThat(runUntilDue(r, 10 * MIB, Duration.ofMinutes(30))).containsExactly(id(1));
    }

    @Test
    void forgettingFreesTheSlotAndMisuseIsRefused() {
        ReplicaRepair r = repair(1, 100 * MIB);
        r.observe(id(1), MIB, 0, 1);
        clock.advance(Duration.ofHours(1));
        assertThat(r.due(10 * MIB)).containsExactly(id(1));
        assertThat(r.confirm(id(1), 0)).isTrue();
        r.forget(id(1));
        assertThat(r.busy()).isZero();
        assertThatThrownBy(() -> r.finished(id(1), true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> r.confirm(id(2), 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ReplicaRepair.Settings(0, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
