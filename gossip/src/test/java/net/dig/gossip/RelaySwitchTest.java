package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.wire.RelayFrame;
import net.dig.wire.RelayFrame.Reason;
import org.junit.jupiter.api.Test;

class RelaySwitchTest {
    private static final Bytes32 HIDDEN = id(1);
    private static final Bytes32 OUTSIDE = id(2);
    private static final Bytes32 OTHER = id(3);

    private static Bytes32 id(int b) {
        byte[] v = new byte[32];
        Arrays.fill(v, (byte) b);
        return Bytes32.wrap(v);
    }

    private static RelaySwitch<String> withThree(RelaySwitch.Settings settings) {
        RelaySwitch<String> s = new RelaySwitch<>(settings);
        s.connected("hidden", HIDDEN, 0);
        s.connected("outside", OUTSIDE, 0);
        s.connected("other", OTHER, 0);
        return s;
    }

    private static RelaySwitch.Send<String> send(String link, RelayFrame frame) {
        return new RelaySwitch.Send<>(link, frame);
    }

    @Test
    void aSessionIsPairedAndDataCrossesWithTheSessionIdRewritten() {
        RelaySwitch<String> s = withThree(RelaySwitch.Settings.defaults());
        assertThat(s.received("hidden", new RelayFrame.Register(), 0)).containsExactly(send("hidden", new RelayFrame.Registered(Reason.NORMAL)));
        int relayId = 0x8000_0000;
        assertThat(s.received("outside", new RelayFrame.Open(5, HIDDEN.toArray()), 0))
                .containsExactly(send("hidden", new RelayFrame.Open(relayId, OUTSIDE.toArray())));
        assertThat(s.received("outside", new RelayFrame.Data(5, new byte[] {1, 2}), 0))
                .containsExactly(send("hidden", new RelayFrame.Data(relayId, new byte[] {1, 2})));
        assertThat(s.received("hidden", new RelayFrame.Data(relayId, new byte[] {3}), 0))
                .containsExactly(send("outside", new RelayFrame.Data(5, new byte[] {3})));
        assertThat(s.counts()).isEqualTo(new RelaySwitch.Counts(3, 1, 1, 3, 0));
        assertThat(s.received("hidden", new RelayFrame.Close(relayId, Reason.NORMAL), 0))
                .containsExactly(send("outside", new RelayFrame.Close(5, Reason.NORMAL)));
        assertThat(s.received("outside", new RelayFrame.Data(5, new byte[] {4}), 0)).isEmpty();
        assertThat(s.counts().sessions()).isZero();
    }

    @Test
    void refusalsCarryTheirReason() {
        RelaySwitch<String> s = withThree(new RelaySwitch.Settings(1, 1, 1L << 20, 1L << 20));
        assertThat(s.received("outside", new RelayFrame.Open(1, HIDDEN.toArray()), 0))
                .containsExactly(send("outside", new RelayFrame.Close(1, Reason.UNKNOWN_TARGET)));
        s.received("hidden", new RelayFrame.Register(), 0);
        assertThat(s.received("other", new RelayFrame.Register(), 0)).containsExactly(send("other", new RelayFrame.Registered(Reason.RELAY_FULL)));
        assertThat(s.received("hidden", new RelayFrame.Open(1, HIDDEN.toArray()), 0))
                .containsExactly(send("hidden", new RelayFrame.Close(1, Reason.SELF)));
        s.received("outside", new RelayFrame.Open(1, HIDDEN.toArray()), 0);
        assertThat(s.received("other", new RelayFrame.Open(1, HIDDEN.toArray()), 0))
                .containsExactly(send("other", new RelayFrame.Close(1, Reason.SESSION_LIMIT)));
        assertThat(s.counts().sessionsRefused()).isEqualTo(3);
        assertThat(s.received("outside", new RelayFrame.Open(1, HIDDEN.toArray()), 0)).singleElement().isInstanceOf(RelaySwitch.Reject.class);
        assertThat(s.received("other", new RelayFrame.Open(0x8000_0005, HIDDEN.toArray()), 0)).singleElement().isInstanceOf(RelaySwitch.Reject.class);
        assertThat(s.received("outside", new RelayFrame.Registered(Reason.NORMAL), 0)).singleElement().isInstanceOf(RelaySwitch.Reject.class);
    }

    @Test
    void aSenderThatRunsItsByteBucketDryLosesTheSessionAtBothEndsAndTheBucketRefills() {
        long burst = RelayFrame.MAX_DATA;
        RelaySwitch<String> s = withThree(new RelaySwitch.Settings(8, 8, 1000, burst));
        s.received("hidden", new RelayFrame.Register(), 0);
        s.received("outside", new RelayFrame.Open(1, HIDDEN.toArray()), 0);
        byte[] chunk = new byte[RelayFrame.MAX_DATA / 2];
        assertThat(s.received("outside", new RelayFrame.Data(1, chunk), 0)).hasSize(1);
        assertThat(s.received("outside", new RelayFrame.Data(1, chunk), 0)).hasSize(1);
        assertThat(s.received("outside", new RelayFrame.Data(1, new byte[1]), 0)).containsExactly(
                send("outside", new RelayFrame.Close(1, Reason.BYTE_LIMIT)), send("hidden", new RelayFrame.Close(0x8000_0000, Reason.BYTE_LIMIT)));
        s.received("outside", new RelayFrame.Open(2, HIDDEN.toArray()), 0);
        // 1000 bytes per second: after 2 s the sender may push 2000 bytes again, not 2001
        assertThat(s.received("outside", new RelayFrame.Data(2, new byte[2000]), 2000)).hasSize(1);
        assertThat(s.received("outside", new RelayFrame.Data(2, new byte[1]), 2000)).hasSize(2);
    }

    @Test
    void aForwardThatCouldNotBeSentEndsTheSessionAtBothEnds() {
        RelaySwitch<String> s = withThree(RelaySwitch.Settings.defaults());
        s.received("hidden", new RelayFrame.Register(), 0);
        s.received("outside", new RelayFrame.Open(4, HIDDEN.toArray()), 0);
        assertThat(s.sendFailed("hidden", 0x8000_0000)).containsExactly(
                send("outside", new RelayFrame.Close(4, Reason.TARGET_GONE)), send("hidden", new RelayFrame.Close(0x8000_0000, Reason.TARGET_GONE)));
        assertThat(s.counts().sessions()).isZero();
        assertThat(s.received("outside", new RelayFrame.Data(4, new byte[] {1}), 0)).isEmpty();
    }

    @Test
    void aClosedConnectionEndsItsRegistrationAndClosesItsSessionsAtTheOtherEnd() {
        RelaySwitch<String> s = withThree(RelaySwitch.Settings.defaults());
        s.received("hidden", new RelayFrame.Register(), 0);
        s.received("outside", new RelayFrame.Open(9, HIDDEN.toArray()), 0);
        List<RelaySwitch.Effect<String>> out = s.disconnected("hidden");
        assertThat(out).containsExactly(send("outside", new RelayFrame.Close(9, Reason.TARGET_GONE)));
        assertThat(s.counts()).isEqualTo(new RelaySwitch.Counts(2, 0, 0, 0, 0));
        assertThat(s.received("other", new RelayFrame.Open(1, HIDDEN.toArray()), 0))
                .containsExactly(send("other", new RelayFrame.Close(1, Reason.UNKNOWN_TARGET)));
    }
}
