package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

class PeerReputationsTest {
    private static final PeerId A = new PeerId(Bytes32.fromHex("aa".repeat(32)));
    private static final PeerId B = new PeerId(Bytes32.fromHex("bb".repeat(32)));
    private static final long T0 = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    @Test
    void penaltiesAccumulateAndBanAtOneHundred() {
        PeerReputations r = new PeerReputations(BanPolicy.DEFAULT);
        assertThat(r.penalize(A, "203.0.113.1", PenaltyReason.PROTOCOL_VIOLATION, T0).bannedNow()).isFalse();
        assertThat(r.penalize(A, "203.0.113.1", PenaltyReason.SPAM, T0).pointsNow()).isEqualTo(75);
        assertThat(r.penalize(A, "203.0.113.1", PenaltyReason.RATE_LIMIT_EXCEEDED, T0).bannedNow()).isFalse();
        var ban = r.penalize(A, "203.0.113.1", PenaltyReason.CONNECTION_ISSUE, T0 + 5);
        assertThat(ban.bannedNow()).isTrue();
        assertThat(ban.pointsNow()).isEqualTo(100);
        assertThat(ban.banUntilMillis()).isEqualTo(T0 + 5 + HOUR);
        assertThat(r.isBanned(A, T0 + HOUR)).isTrue();
        assertThat(r.isIpBanned("203.0.113.1", T0 + HOUR)).isTrue();
        assertThat(r.isBanned(B, T0)).isFalse();
    }

    @Test
    void bansExpireAndPointsResetToZero() {
        PeerReputations r = new PeerReputations(BanPolicy.DEFAULT);
        r.penalize(A, "203.0.113.1", PenaltyReason.INVALID_BLOCK, T0);
        assertThat(r.reputation(A, T0).banned()).isTrue();
        assertThat(r.reputation(A, T0).banExpiryMillis()).hasValue(T0 + HOUR);
        long after = T0 + HOUR;
        assertThat(r.isBanned(A, after)).isFalse();
        assertThat(r.isIpBanned("203.0.113.1", after)).isFalse();
        PeerReputation rep = r.reputation(A, after);
        assertThat(rep.penaltyPoints()).isZero();
        assertThat(rep.banCount()).isEqualTo(1);
        assertThat(r.penalize(A, "203.0.113.1", PenaltyReason.SPAM, after).pointsNow()).isEqualTo(25);
    }

    @Test
    void loopbackIpIsNeverBannedButItsPeerIdIs() {
        PeerReputations r = new PeerReputations(BanPolicy.DEFAULT);
        r.penalize(A, "127.0.0.1", PenaltyReason.CONSENSUS_ERROR, T0);
        assertThat(r.isBanned(A, T0)).isTrue();
        assertThat(r.isIpBanned("127.0.0.1", T0)).isFalse();
        r.banIp("::1", 10_000, T0);
        assertThat(r.isIpBanned("::1", T0)).isFalse();
    }

    @Test
    void shortIpBansFromProtocolErrors() {
        PeerReputations r = new PeerReputations(BanPolicy.DEFAULT);
        r.banIp("198.51.100.9", CloseReason.INVALID_HANDSHAKE.banSeconds() * 1000L, T0);
        assertThat(r.isIpBanned("198.51.100.9", T0 + 9_999)).isTrue();
        assertThat(r.isIpBanned("198.51.100.9", T0 + 10_000)).isFalse();
        assertThat(r.bannedIpCount(T0)).isEqualTo(1);
        r.expire(T0 + 10_000);
        assertThat(r.bannedIpCount(T0)).isZero();
    }

    @Test
    void explicitBanAndStatsAndExpiryForgetsCleanEntries() {
        PeerReputations r = new PeerReputations(new BanPolicy(100, Duration.ofSeconds(60), Set.of(), 3));
        r.ban(B, null, T0);
        assertThat(r.bannedPeerCount(T0)).isEqualTo(1);
        assertThat(r.reputation(B, T0).penaltyPoints()).isEqualTo(100);
        r.expire(T0 + 60_000);
        assertThat(r.bannedPeerCount(T0 + 60_000)).isZero();
    }

    @Test
    void rttRollingAverageAndScore() {
        PeerReputations r = new PeerReputations(new BanPolicy(100, Duration.ofSeconds(60), Set.of(), 3));
        r.recordRtt(A, 1000, T0);
        r.recordRtt(A, 10, T0);
        r.recordRtt(A, 20, T0);
        r.recordRtt(A, 30, T0);
        PeerReputation rep = r.reputation(A, T0);
        assertThat(rep.avgRttMillis()).hasValue(20);
        assertThat(rep.score()).isEqualTo(1.0 / 20);
        r.penalize(A, "203.0.113.1", PenaltyReason.INVALID_ATTESTATION, T0);
        assertThat(r.reputation(A, T0).score()).isEqualTo(0.5 / 20);
        assertThat(r.reputation(B, T0).score()).isEqualTo(1.0 / 1000);
    }

    @Test
    void concurrentPenaltiesFromManyThreadsAreNeverLostAndBanExactlyOnce() throws Exception {
        PeerId[] peers = new PeerId[16];
        for (int i = 0; i < peers.length; i++) {
            byte[] b = new byte[32];
            b[0] = (byte) i;
            peers[i] = new PeerId(Bytes32.wrap(b));
        }
        // Below the threshold: 8 threads x 100 rounds over 16 peers, with RTT samples and expiry sweeps
        // alongside; every point counts.
        PeerReputations counting = new PeerReputations(new BanPolicy(1_000_000, Duration.ofSeconds(60), Set.of(), 3));
        hammer(counting, peers, 8, 100);
        for (PeerId p : peers) {
            assertThat(counting.reputation(p, T0).penaltyPoints()).isEqualTo(8 * 100 * PenaltyReason.CONNECTION_ISSUE.points());
            assertThat(counting.reputation(p, T0).banned()).isFalse();
        }
        // Across the threshold: each peer is banned once, at exactly the threshold, and later penalties of the
        // banned peer change nothing.
        PeerReputations banning = new PeerReputations(new BanPolicy(500, Duration.ofSeconds(60), Set.of(), 3));
        hammer(banning, peers, 8, 100);
        for (PeerId p : peers) {
            PeerReputation rep = banning.reputation(p, T0);
            assertThat(rep.banCount()).isEqualTo(1);
            assertThat(rep.penaltyPoints()).isEqualTo(500);
        }
        assertThat(banning.bannedPeerCount(T0)).isEqualTo(peers.length);
    }

    private static void hammer(PeerReputations r, PeerId[] peers, int threads, int rounds) throws Exception {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads + 1);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads + 1)) {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        for (PeerId p : peers) {
                            r.penalize(p, null, PenaltyReason.CONNECTION_ISSUE, T0);
                            r.recordRtt(p, i, T0);
                        }
                    }
                    return null;
                }));
            }
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds * 10; i++) {
                    r.expire(T0);
                }
                return null;
            }));
            for (var f : done) {
                f.get();
            }
        }
    }

    @Test
    void pointsFromOneAddressAddUpAcrossFreshCertificatesAndBanTheAddress() {
        PeerReputations r = new PeerReputations(BanPolicy.DEFAULT);
        for (int i = 0; i < 6; i++) {
            PeerId fresh = new PeerId(Bytes32.fromHex(String.format("%064x", i + 1)));
            r.penalize(fresh, "203.0.113.7", PenaltyReason.RATE_LIMIT_EXCEEDED, T0 + i);
            assertThat(r.isBanned(fresh, T0 + i)).as("15 points are far from a PeerId ban").isFalse();
        }
        assertThat(r.isIpBanned("203.0.113.7", T0 + 6)).as("90 points from the address").isFalse();
        r.penalize(new PeerId(Bytes32.fromHex("77".repeat(32))), "203.0.113.7", PenaltyReason.RATE_LIMIT_EXCEEDED, T0 + 7);
        assertThat(r.isIpBanned("203.0.113.7", T0 + 7)).as("105 points from the address").isTrue();
        assertThat(r.isIpBanned("203.0.113.8", T0 + 7)).isFalse();
        assertThat(r.addressPoints("203.0.113.7")).as("reset by the ban").isZero();
    }

    @Test
    void addressPointsAreForgottenABanDurationAfterTheLastPenaltyAndLoopbackCollectsNone() {
        PeerReputations r = new PeerReputations(BanPolicy.DEFAULT);
        r.penalize(A, "198.51.100.1", PenaltyReason.SPAM, T0);
        r.penalize(B, "127.0.0.9", PenaltyReason.SPAM, T0);
        assertThat(r.addressPoints("198.51.100.1")).isEqualTo(25);
        assertThat(r.addressPoints("127.0.0.9")).isZero();
        assertThat(r.addressesWithPoints()).isEqualTo(1);
        r.expire(T0 + HOUR - 1);
        assertThat(r.addressesWithPoints()).isEqualTo(1);
        r.expire(T0 + HOUR);
        assertThat(r.addressesWithPoints()).isZero();
    }

    @Test
    void aShortBanHoldsThePeerIdAndTheAddressUntilItExpires() {
        PeerReputations r = new PeerReputations(BanPolicy.DEFAULT);
        r.banFor(A, "198.51.100.2", 300_000, T0);
        assertThat(r.isBanned(A, T0 + 299_999)).isTrue();
        assertThat(r.isIpBanned("198.51.100.2", T0 + 299_999)).isTrue();
        assertThat(r.isBanned(A, T0 + 300_000)).isFalse();
        assertThat(r.reputation(A, T0).banCount()).isEqualTo(1);
        r.banFor(B, "127.0.0.1", 300_000, T0);
        assertThat(r.isBanned(B, T0 + 1)).as("loopback: the PeerId is held").isTrue();
        assertThat(r.isIpBanned("127.0.0.1", T0 + 1)).as("loopback is exempt").isFalse();
    }
}
