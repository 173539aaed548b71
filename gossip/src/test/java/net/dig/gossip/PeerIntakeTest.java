package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.testkit.ManualClock;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.Test;

class PeerIntakeTest {
    private final ManualClock clock = new ManualClock();
    private final AddressManager book = AddressManager.create(clock, new SplittableRandom(3), false);
    private final PeerIntake intake = new PeerIntake(book);
    private static final PeerAddress SENDER = PeerAddress.of("5.5.5.5", 8444);

    private long now() {
        return clock.epochSeconds();
    }

    private static List<TimestampedPeerInfo> peers(int n, int offset, long ts) {
        List<TimestampedPeerInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i + offset;
            out.add(new TimestampedPeerInfo("9." + (k / 65536 % 256) + "." + (k / 256 % 256) + "." + (k % 256), 8444, ts));
        }
        return out;
    }

    @Test
    void moreThanOneThousandInOneMessageIsIgnoredWhole() {
        var o = intake.onPeerList(SENDER, peers(1001, 0, now()), now());
        assertThat(o.accepted()).isFalse();
        assertThat(o.reason()).contains("1001 peers in one message exceed 1000");
        assertThat(book.size()).isZero();
        assertThat(intake.onPeerList(SENDER, peers(1000, 0, now()), now()).accepted()).isTrue();
        assertThat(book.size()).isPositive();
    }

    @Test
    void threeThousandPerHostPerDay() {
        for (int i = 0; i < 3; i++) {
            assertThat(intake.onPeerList(SENDER, peers(1000, i * 1000, now()), now()).accepted()).isTrue();
        }
        var o = intake.onPeerList(SENDER, peers(1, 5000, now()), now());
        assertThat(o.accepted()).isFalse();
        assertThat(o.reason()).contains("more than 3000 peers in 24 h");
        assertThat(intake.onPeerList(PeerAddress.of("6.6.6.6", 8444), peers(1, 5000, now()), now()).accepted())
                .as("another host has its own budget").isTrue();
        clock.advance(java.time.Duration.ofHours(24));
        assertThat(intake.onPeerList(SENDER, peers(1, 6000, now()), now()).accepted()).isTrue();
    }

    @Test
    void badEntriesSkippedAndImplausibleTimestampsReplaced() {
        List<TimestampedPeerInfo> list = List.of(
                new TimestampedPeerInfo("a".repeat(46), 8444, now()),
                new TimestampedPeerInfo("seed.example.org", 8444, now()),
                new TimestampedPeerInfo("8.8.8.8", 8444, 5),
                new TimestampedPeerInfo("8.8.4.4", 8444, now() + 3600),
                new TimestampedPeerInfo("1.0.0.1", 8444, -1L));
        var o = intake.onPeerList(SENDER, list, now());
        assertThat(o.skipped()).isEqualTo(2);
        assertThat(o.added()).isEqualTo(3);
        long expected = now() - 5 * 86_400 - PeerIntake.PEER_EXCHANGE_PENALTY_SECONDS;
        assertThat(book.lookup(PeerAddress.of("8.8.8.8", 8444)).orElseThrow().timestamp()).isEqualTo(expected);
        assertThat(book.lookup(PeerAddress.of("8.8.4.4", 8444)).orElseThrow().timestamp()).isEqualTo(expected);
        assertThat(book.lookup(PeerAddress.of("1.0.0.1", 8444)).orElseThrow().timestamp()).isEqualTo(expected);
    }

    @Test
    void introducerPeersAndInboundFullNodes() {
        assertThat(intake.onIntroducerPeers(List.of(new TimestampedPeerInfo("8.8.8.8", 8444, 0)), now())).isEqualTo(1);
        assertThat(book.lookup(PeerAddress.of("8.8.8.8", 8444)).orElseThrow().timestamp()).isEqualTo(now() - 5 * 86_400);
        assertThat(intake.onInboundFullNode(PeerAddress.of("7.7.7.7", 9444), now())).isTrue();
        assertThat(book.lookup(PeerAddress.of("7.7.7.7", 9444)).orElseThrow().timestamp()).isEqualTo(now());
    }
}
