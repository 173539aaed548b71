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
    void eachSequenceIsAcceptedOnceWithinASlidingWindowOf64() {
        ReplayGuard g = new ReplayGuard(4);
        assertThat(g.accept(sender(1), 1000, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1000, 10)).isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 999, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1063, 10)).isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 999, 10)).as("64 behind").isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 1000, 10)).as("63 behind, seen").isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(1), 1001, 10)).as("63 behind, unseen").isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 5000, 10)).as("a jump clears the window").isEqualTo(ReplayGuard.Result.FRESH);
        assertThat(g.accept(sender(1), 1063, 10)).isEqualTo(ReplayGuard.Result.REPLAYED);
        assertThat(g.accept(sender(2), 1000, 10)).as("senders are independent").isEqualTo(ReplayGuard.Result.FRESH);
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
