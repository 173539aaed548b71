package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReplayGuardTest {
    private static Bytes32 sender(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        return Bytes32.wrap(b);
    }

    @Test
    void eachSequenceIsAcceptedOnceWithinASlidingWindowOf64Messages() {
        ReplayGuard g = new ReplayGuard(4);
        assertThat(g.accept(sender(1), 1000, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1000, 10)).isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 999, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1063, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 999, 10)).as("seen").isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 1000, 10)).as("seen").isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 1001, 10)).as("63 behind, unseen").isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 5000, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1063, 10)).isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(2), 1000, 10)).as("senders are independent").isEqualTo(ReplayGuard.Result.FRESH);
    }

    /**
     * Signers number messages {@code max(previous + 1, millis × 1000)}: a frame held back for a second by
     * the sender's outbound limiter arrives a million sequence values behind younger frames. It is one
     * message late, not a replay.
     */
    @Test
    void aFrameSentLateBehindYoungerOnesIsAcceptedOnceWhateverTheSequenceGap() {
        ReplayGuard g = new ReplayGuard(4);
        long late = 1_764_000_000_000_000L;
        for (int i = 1; i <= 10; i++) {
            assertThat(g.accept(sender(1), late + i * 1_000_000L, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        }
        assertThat(g.accept(sender(1), late, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), late, 10)).isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), late + 5_000_000L, 10)).isEqualTo(ReplayGuard.Result.REPLAYED);
    }

    @Test
    void aFrameMoreThan64MessagesLateIsRefusedAndSoIsEverythingBelowIt() {
        ReplayGuard g = new ReplayGuard(4);
        for (int i = 1; i <= ReplayGuard.WINDOW; i++) {
            assertThat(g.accept(sender(1), i * 1000L, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        }
        assertThat(g.accept(sender(1), 500, 10)).as("64 kept, 500 is below them but above the floor").isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 400, 10)).as("at or below the floor now").isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 65_000, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1000, 10)).as("pushed out of the 64 kept: the floor").isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 1500, 10)).as("unseen, above the floor").isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1200, 10)).as("unseen, below the new floor").isEqualTo(ReplayGuard.Result.REPLAYED);
        for (int i = 2; i <= ReplayGuard.WINDOW; i++) {
            assertThat(g.accept(sender(1), i * 1000L, 10)).as("seen: %s", i).isEqualTo(ReplayGuard.Result.REPLAYED);
        }
    }

    @Test
    void aForgottenSenderCannotBeReplayedBelowTheWatermark() {
        ReplayGuard g = new ReplayGuard(2);
        assertThat(g.accept(sender(1), 1, 100)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(2), 1, 105)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(3), 1, 110)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.size()).isEqualTo(2);
        // sender 1 was forgotten with its latest timestamp 100: its old message is refused
        assertThat(g.accept(sender(1), 1, 100)).isEqualTo(ReplayGuard.Result.FORGOTTEN);
        assertThat(g.accept(sender(1), 2, 111)).isEqualTo(ReplayGuard.Result.FRESH);
    }
}
