package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.Test;

class IntroducerBookTest {
    private static final long T0 = 1_700_000_000L;

    private static PeerAddress p(int i) {
        return PeerAddress.of("8.8." + i / 256 + "." + i % 256, 9444);
    }

    @Test
    void registrationsArePolicyChecked() {
        IntroducerBook b = new IntroducerBook(IntroducerBook.Settings.defaults(false), new SplittableRandom(1));
        assertThat(b.onRegister(p(1), T0).success()).isTrue();
        assertThat(b.onRegister(PeerAddress.of("8.8.8.8", 0), T0).success()).isFalse();
        assertThat(b.onRegister(PeerAddress.of("192.168.1.1", 9444), T0).success()).isFalse();
        assertThat(b.onRegister(PeerAddress.of("127.0.0.1", 9444), T0).success()).isFalse();
        IntroducerBook local = new IntroducerBook(IntroducerBook.Settings.defaults(true), new SplittableRandom(1));
        assertThat(local.onRegister(PeerAddress.of("127.0.0.1", 9444), T0).success()).isTrue();
        IntroducerBook tiny = new IntroducerBook(new IntroducerBook.Settings(20, 6000, 100, 3600, 500, -6, 1, false), new SplittableRandom(1));
        assertThat(tiny.onRegister(p(1), T0).success()).isTrue();
        assertThat(tiny.onRegister(p(2), T0).success()).as("book full").isFalse();
        assertThat(tiny.onRegister(p(1), T0 + 5).success()).as("re-registration refreshes").isTrue();
    }

    @Test
    void onlyVettedRecentPeersAreAnsweredAtMostTwentyExcludingTheAsker() {
        IntroducerBook b = new IntroducerBook(IntroducerBook.Settings.defaults(false), new SplittableRandom(2));
        for (int i = 0; i < 50; i++) {
            b.onRegister(p(i), T0);
        }
        assertThat(b.answer(p(0), T0)).as("nothing vetted yet").isEmpty();
        List<PeerAddress> probe = b.peersToVet(T0);
        assertThat(probe).hasSize(50);
        for (PeerAddress x : probe) {
            b.onVetResult(x, !x.equals(p(7)), T0);
        }
        List<TimestampedPeerInfo> answer = b.answer(p(3), T0 + 10);
        assertThat(answer).hasSize(20);
        assertThat(answer).allMatch(t -> t.timestamp() == 0);
        assertThat(answer).extracting(TimestampedPeerInfo::host).doesNotContain("8.8.0.3", "8.8.0.7").doesNotHaveDuplicates();
        // Peers not seen for more than 6000 s are no longer handed out.
        assertThat(b.answer(p(3), T0 + 6001)).isEmpty();
    }

    @Test
    void vettingScheduleAndForgetting() {
        IntroducerBook b = new IntroducerBook(IntroducerBook.Settings.defaults(false), new SplittableRandom(3));
        b.onRegister(p(1), T0);
        assertThat(b.peersToVet(T0)).containsExactly(p(1));
        assertThat(b.peersToVet(T0 + 499)).as("500 s between probes").isEmpty();
        b.onVetResult(p(1), true, T0 + 1);
        assertThat(b.peersToVet(T0 + 600)).as("vetted within the hour").isEmpty();
        assertThat(b.peersToVet(T0 + 3602)).containsExactly(p(1));
        long t = T0 + 4000;
        for (int i = 1; i <= 7; i++) {
            b.onVetResult(p(1), false, t);
            assertThat(b.peers().isEmpty()).isEqualTo(i == 7);
            if (i < 7) {
                assertThat(b.peers().get(0).vetted()).isEqualTo(-i);
            }
        }
    }

    @Test
    void vetBatchIsCappedAtOneHundred() {
        IntroducerBook b = new IntroducerBook(IntroducerBook.Settings.defaults(false), new SplittableRandom(4));
        for (int i = 0; i < 250; i++) {
            b.onFullNodeConnected(p(i), T0);
        }
        assertThat(b.peersToVet(T0)).hasSize(100).doesNotHaveDuplicates();
        assertThat(b.peersToVet(T0)).hasSize(100);
        assertThat(b.peersToVet(T0)).hasSize(50);
        assertThat(b.peersToVet(T0)).isEmpty();
    }
}
