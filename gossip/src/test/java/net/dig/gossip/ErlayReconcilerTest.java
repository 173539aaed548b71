package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.wire.ReconciliationResponse;
import net.dig.wire.ReconciliationSalt;
import net.dig.wire.ReconciliationSketch;
import org.junit.jupiter.api.Test;

class ErlayReconcilerTest {
    private static final PeerId A = peer(1);
    private static final PeerId B = peer(2);

    private static PeerId peer(int n) {
        byte[] b = new byte[32];
        b[31] = (byte) n;
        return new PeerId(Bytes32.wrap(b));
    }

    private static Bytes32 tx(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) 0x7e;
        b[28] = (byte) (n >>> 24);
        b[29] = (byte) (n >>> 16);
        b[30] = (byte) (n >>> 8);
        b[31] = (byte) n;
        return Bytes32.wrap(b);
    }

    /** Two reconcilers wired back to back; messages go through the real codecs, queued and run in order. */
    private static final class Pair {
        final Queue<Runnable> wire = new ArrayDeque<>();
        final Map<PeerId, Set<Bytes32>> known = new HashMap<>();
        final Map<PeerId, ErlayReconciler> nodes = new HashMap<>();
        final List<ErlayViolation> violations = new ArrayList<>();
        final Map<Class<?>, Integer> bodies = new HashMap<>();
        /** Salts sent by the node the pair holds back, until the test releases them. */
        final Queue<Runnable> heldSalts = new ArrayDeque<>();
        final Map<PeerId, Long> sentSalts = new HashMap<>();
        long announcements;

        Pair(ErlayConfig config) {
            this(config, Optional.empty());
        }

        Pair(ErlayConfig config, Optional<PeerId> holdSaltOf) {
            for (PeerId self : List.of(A, B)) {
                known.put(self, new HashSet<>());
                PeerId other = self.equals(A) ? B : A;
                nodes.put(self, new ErlayReconciler(config, new SplittableRandom(self.hashCode()), new ErlayReconciler.Output() {
                    @Override
                    public void send(PeerId peer, ReconciliationSketch sketch) {
                        bodies.merge(ReconciliationSketch.class, 1, Integer::sum);
                        ReconciliationSketch copy = ReconciliationSketch.decode(sketch.encode());
                        wire.add(() -> nodes.get(other).onSketch(self, copy));
                    }

                    @Override
                    public void send(PeerId peer, ReconciliationSalt salt) {
                        sentSalts.put(self, salt.salt());
                        ReconciliationSalt copy = ReconciliationSalt.decode(salt.encode());
                        (holdSaltOf.equals(Optional.of(self)) ? heldSalts : wire).add(() -> nodes.get(other).onSalt(self, copy, now));
                    }

                    @Override
                    public void send(PeerId peer, ReconciliationResponse response) {
                        bodies.merge(ReconciliationResponse.class, 1, Integer::sum);
                        ReconciliationResponse copy = ReconciliationResponse.decode(response.encode());
                        wire.add(() -> nodes.get(other).onResponse(self, copy));
                    }

                    @Override
                    public void announce(PeerId peer, Bytes32 transactionId) {
                        announcements++;
                        wire.add(() -> receive(other, self, transactionId));
                    }

                    @Override
                    public void violation(PeerId peer, ErlayViolation violation) {
                        violations.add(violation);
                    }
                }));
            }
            nodes.get(A).peerConnected(B, true, 0);
            nodes.get(B).peerConnected(A, false, 0);
            drain();
        }

        void drain() {
            while (!wire.isEmpty()) {
                wire.poll().run();
            }
        }

        void receive(PeerId node, PeerId from, Bytes32 tx) {
            if (known.get(node).add(tx)) {
                nodes.get(node).relay(tx, Optional.of(from));
            } else {
                nodes.get(node).peerHas(from, tx);
            }
        }

        void originate(PeerId node, Bytes32 tx) {
            known.get(node).add(tx);
            nodes.get(node).relay(tx, Optional.empty());
        }

        long now;

        void tickUntil(long millis) {
            for (; now <= millis; now += 100) {
                for (ErlayReconciler r : nodes.values()) {
                    r.onTick(now);
                }
                while (!wire.isEmpty()) {
                    wire.poll().run();
                }
            }
        }
    }

    /** Nothing is flooded (flood_peer_count 0): every transaction crosses by reconciliation alone. */
    @Test
    void reconciliationAloneDeliversBothWays() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8));
        for (int i = 0; i < 3; i++) {
            pair.originate(A, tx(i));
            pair.originate(B, tx(100 + i));
        }
        assertThat(pair.announcements).isZero();
        pair.tickUntil(1_000);
        assertThat(pair.known.get(A)).isEqualTo(pair.known.get(B)).hasSize(6);
        assertThat(pair.nodes.get(A).stats().decoded()).isEqualTo(1);
        assertThat(pair.nodes.get(A).stats().extensions()).isZero();
        assertThat(pair.announcements).as("each transaction announced once").isEqualTo(6);
        assertThat(pair.violations).isEmpty();
    }

    /** A difference above the first capacity (8) but within twice it is recovered by the extension. */
    @Test
    void aLargerDifferenceIsRecoveredByTheExtension() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8));
        for (int i = 0; i < 14; i++) {
            pair.originate(i % 2 == 0 ? A : B, tx(i));
        }
        pair.tickUntil(1_000);
        assertThat(pair.known.get(A)).isEqualTo(pair.known.get(B)).hasSize(14);
        assertThat(pair.nodes.get(A).stats().extensions()).isEqualTo(1);
        assertThat(pair.nodes.get(A).stats().failures()).isZero();
        assertThat(pair.announcements).isEqualTo(14);
    }

    /** Beyond twice the capacity the round fails, detected, and both sides fall back to announcing their sets. */
    @Test
    void aDifferenceBeyondTheExtensionFallsBackToAnnouncing() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 4));
        for (int i = 0; i < 40; i++) {
            pair.originate(i % 3 == 0 ? A : B, tx(i));
        }
        pair.tickUntil(1_000);
        assertThat(pair.known.get(A)).isEqualTo(pair.known.get(B)).hasSize(40);
        assertThat(pair.nodes.get(A).stats().failures()).isEqualTo(1);
        assertThat(pair.nodes.get(A).stats().wrongDecodes()).isZero();
    }

    /** After a measured round the capacity follows the difference: a later, similar round needs no extension. */
    @Test
    void capacityEstimationLearnsFromTheLastRound() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 1));
        int n = 0;
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < 12; i++) {
                pair.originate(i % 2 == 0 ? A : B, tx(n++));
            }
            pair.tickUntil(1_000 * (round + 1L));
        }
        ErlayReconciler.Stats s = pair.nodes.get(A).stats();
        assertThat(pair.known.get(A)).isEqualTo(pair.known.get(B)).hasSize(n);
        assertThat(s.failures()).as("the first round, at capacity 1, fails").isGreaterThanOrEqualTo(1);
        assertThat(s.decoded()).isGreaterThanOrEqualTo(4);
    }

    /** Shared transactions cost nothing: only the difference is announced. */
    @Test
    void sharedTransactionsAreNotAnnounced() {
        Pair pair = new Pair(new ErlayConfig(1, 1_000, 8));
        for (int i = 0; i < 50; i++) {
            pair.originate(A, tx(i));
        }
        pair.tickUntil(0);
        long flooded = pair.announcements;
        assertThat(flooded).as("flood_peer_count 1 floods to the only peer").isEqualTo(50);
        pair.originate(B, tx(999));
        pair.tickUntil(2_000);
        assertThat(pair.known.get(A)).contains(tx(999));
        assertThat(pair.announcements - flooded).isEqualTo(1);
    }

    /** A silent peer's round is abandoned for direct announcements; its late answer is no violation. */
    @Test
    void aLateAnswerToAnAbandonedRoundIsIgnored() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8));
        pair.originate(A, tx(1));
        pair.nodes.get(A).onTick(1_000);
        pair.nodes.get(A).onTick(10_000);
        while (!pair.wire.isEmpty()) {
            pair.wire.poll().run();
        }
        assertThat(pair.known.get(B)).contains(tx(1));
        assertThat(pair.nodes.get(A).stats().flooded()).isEqualTo(1);
        assertThat(pair.violations).isEmpty();
    }

    /** Each side draws its own salt; both derive the same short ids from the two. */
    @Test
    void bothSidesSettleOnTheTwoSaltsTheyDrew() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8));
        long a = pair.sentSalts.get(A);
        long b = pair.sentSalts.get(B);
        assertThat(a).isNotEqualTo(b);
        assertThat(pair.nodes.get(A).salts(B)).contains(new ErlayReconciler.Salts(a, b));
        assertThat(pair.nodes.get(B).salts(A)).contains(new ErlayReconciler.Salts(b, a));
        assertThat(SaltedShortIds.forSalts(a, b).of(tx(3))).isEqualTo(SaltedShortIds.forSalts(b, a).of(tx(3)));
    }

    /** Without the peer's salt nothing is reconciled: transactions go to it by direct announcement. */
    @Test
    void reconciliationWaitsForThePeersSalt() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8), Optional.of(B));
        assertThat(pair.nodes.get(A).salts(B)).isEmpty();
        assertThat(pair.nodes.get(B).salts(A)).as("B has A's salt").isPresent();
        pair.originate(A, tx(1));
        pair.tickUntil(5_000);
        assertThat(pair.known.get(B)).contains(tx(1));
        assertThat(pair.nodes.get(A).stats().rounds()).as("no round without B's salt").isZero();
        assertThat(pair.nodes.get(A).stats().flooded()).isEqualTo(1);
        assertThat(pair.nodes.get(A).pendingFor(B)).isZero();

        pair.heldSalts.forEach(Runnable::run);
        pair.originate(A, tx(2));
        assertThat(pair.nodes.get(A).pendingFor(B)).as("queued for reconciliation now").isEqualTo(1);
        pair.tickUntil(7_000);
        assertThat(pair.known.get(B)).contains(tx(2));
        assertThat(pair.nodes.get(A).stats().decoded()).isPositive();
        assertThat(pair.violations).isEmpty();
    }

    /** A second salt on a connection, a salt from no connected peer and a sketch before the salt are violations. */
    @Test
    void saltsOutOfOrderAreViolations() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8), Optional.of(A));
        pair.nodes.get(A).onSalt(B, new ReconciliationSalt(5), 0);
        pair.nodes.get(A).onSalt(peer(9), new ReconciliationSalt(5), 0);
        pair.nodes.get(B).onSketch(A, new ReconciliationSketch(1, ReconciliationSketch.Kind.INITIAL, 0, new byte[4]));
        assertThat(pair.violations).containsExactly(ErlayViolation.SECOND_SALT, ErlayViolation.UNEXPECTED_SALT,
                ErlayViolation.UNEXPECTED_SKETCH);
        assertThat(pair.nodes.get(A).salts(B).orElseThrow().remote()).as("the first salt stands").isEqualTo(pair.sentSalts.get(B));
    }

    /** A new connection to the same peer draws a new salt. */
    @Test
    void aReconnectionDrawsAFreshSalt() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8));
        long first = pair.sentSalts.get(A);
        pair.nodes.get(A).peerDisconnected(B);
        assertThat(pair.nodes.get(A).salts(B)).isEmpty();
        pair.nodes.get(A).peerConnected(B, true, 0);
        assertThat(pair.sentSalts.get(A)).isNotEqualTo(first);
    }

    @Test
    void messagesOutOfRoleAreViolations() {
        Pair pair = new Pair(new ErlayConfig(0, 1_000, 8));
        pair.nodes.get(A).onSketch(B, new ReconciliationSketch(1, ReconciliationSketch.Kind.INITIAL, 0, new byte[4]));
        pair.nodes.get(A).onResponse(B, new ReconciliationResponse(9, ReconciliationResponse.Outcome.DECODED, 0, new int[0]));
        pair.nodes.get(B).onSketch(A, new ReconciliationSketch(1, ReconciliationSketch.Kind.EXTENSION, 0, new byte[4]));
        assertThat(pair.violations).containsExactly(ErlayViolation.UNEXPECTED_SKETCH, ErlayViolation.UNEXPECTED_RESPONSE,
                ErlayViolation.UNEXPECTED_SKETCH);
    }

    /** BIP-330's short ids: never zero, salted per connection, the same on both sides. */
    @Test
    void shortIdsAreSaltedPerConnectionAndSymmetric() {
        SaltedShortIds ab = SaltedShortIds.forSalts(11, 22);
        assertThat(ab.of(tx(5))).isEqualTo(SaltedShortIds.forSalts(22, 11).of(tx(5)));
        assertThat(ab.of(tx(5))).isNotEqualTo(SaltedShortIds.forSalts(11, 23).of(tx(5)));
        for (int i = 0; i < 1000; i++) {
            assertThat(ab.of(tx(i))).isNotZero();
        }
    }

    /** The reference vector of the SipHash paper (appendix A): key 00..0f, message 00..0e. */
    @Test
    void sipHashMatchesThePaperVector() {
        byte[] message = new byte[15];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        assertThat(SipHash24.hash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, message)).isEqualTo(0xa129ca6149be45e5L);
    }
}
