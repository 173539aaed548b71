package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import net.dig.wire.RelayTransaction;
import org.junit.jupiter.api.Test;

/** The Dandelion++ router on a stepped clock and seeded randomness. */
class DandelionRouterTest {
    private final ManualClock clock = new ManualClock(0);
    private final List<String> stems = new ArrayList<>();
    private final List<PeerId> stemTargets = new ArrayList<>();
    private final List<RelayTransaction> fluffs = new ArrayList<>();
    private int txCounter;

    private static PeerId peer(int n) {
        return new PeerId(Bytes32.fromHex(String.format("%064x", n)));
    }

    private RelayTransaction tx() {
        return new RelayTransaction(("tx-" + txCounter++).getBytes());
    }

    private DandelionRouter router(double q, long seed) {
        return router(new DandelionConfig(true, q, Duration.ofSeconds(30), Duration.ofSeconds(600)), seed);
    }

    private DandelionRouter router(DandelionConfig config, long seed) {
        return new DandelionRouter(config, clock, new SplittableRandom(seed), new DandelionRouter.Output() {
            @Override
            public void stem(PeerId to, RelayTransaction tx) {
                stems.add(to.shortHex() + " " + tx.id().toHex());
                stemTargets.add(to);
            }

            @Override
            public void fluff(RelayTransaction tx, Optional<PeerId> from) {
                fluffs.add(tx);
            }
        });
    }

    /** A router in the stem state this epoch (seed chosen so that its first draw is not a fluff), with 4 outbound peers. */
    private DandelionRouter stemming() {
        for (long seed = 1; ; seed++) {
            DandelionRouter r = router(0.1, seed);
            for (int i = 1; i <= 4; i++) {
                r.outboundUp(peer(i));
            }
            if (!r.fluffing()) {
                return r;
            }
        }
    }

    @Test
    void everyTransactionFromOneInboundEdgeTakesTheSameDestinationAndEdgesSpreadOverBoth() {
        DandelionRouter r = stemming();
        assertThat(r.destinations()).hasSize(2);
        PeerId in1 = peer(100);
        PeerId in2 = peer(101);
        for (int i = 0; i < 20; i++) {
            assertThat(r.stemReceived(in1, tx())).isEqualTo(DandelionRouter.Outcome.STEMMED);
        }
        assertThat(new HashSet<>(stemTargets)).hasSize(1);
        PeerId first = stemTargets.getFirst();
        stemTargets.clear();
        for (int i = 0; i < 20; i++) {
            r.stemReceived(in2, tx());
        }
        assertThat(new HashSet<>(stemTargets)).singleElement().isNotEqualTo(first);
        assertThat(r.destinations()).containsExactlyInAnyOrder(first, stemTargets.getFirst());
        assertThat(fluffs).isEmpty();
        assertThat(r.stempoolSize()).isEqualTo(40);
    }

    @Test
    void ownTransactionsAlwaysTakeTheOneOwnRouteEvenInTheFluffState() {
        DandelionRouter r = router(1.0, 3);
        for (int i = 1; i <= 4; i++) {
            r.outboundUp(peer(i));
        }
        assertThat(r.fluffing()).isTrue();
        for (int i = 0; i < 10; i++) {
            r.ownTransaction(tx());
        }
        assertThat(stemTargets).hasSize(10).containsOnly(r.ownRoute().orElseThrow());
        assertThat(r.stemReceived(peer(100), tx())).isEqualTo(DandelionRouter.Outcome.FLUFFED);
        assertThat(fluffs).hasSize(1);
    }

    @Test
    void theFluffStateIsDrawnOncePerEpochWithProbabilityQ() {
        DandelionRouter r = router(0.1, 11);
        r.outboundUp(peer(1));
        r.outboundUp(peer(2));
        int fluffEpochs = 0;
        int epochs = 4000;
        for (int e = 0; e < epochs; e++) {
            boolean state = r.fluffing();
            for (int k = 0; k < 3; k++) {
                clock.advance(Duration.ofSeconds(150));
                r.tick();
                if (k < 2) {
                    assertThat(r.fluffing()).isEqualTo(state);
                }
            }
            clock.advance(Duration.ofSeconds(150));
            r.tick();
            fluffEpochs += r.fluffing() ? 1 : 0;
        }
        assertThat(fluffEpochs / (double) epochs).isCloseTo(0.1, within(0.02));
    }

    @Test
    void theEmbargoMeanFollowsThePapersFormula() {
        assertThat(DandelionRouter.embargoMeanMillis(0.125)).isCloseTo(46_507, within(1.0));
        assertThat(DandelionRouter.embargoMeanMillis(0.1)).isCloseTo(74_743, within(1.0));
    }

    @Test
    void anEmbargoedTransactionFluffsWhenItsTimerEndsAndNeverAfterTheCeiling() {
        DandelionRouter r = stemming();
        List<RelayTransaction> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RelayTransaction t = tx();
            sent.add(t);
            r.stemReceived(peer(100), t);
        }
        clock.advance(Duration.ofSeconds(5));
        r.tick();
        int early = fluffs.size();
        assertThat(early).isBetween(1, 199);
        assertThat(r.nextDeadline()).isGreaterThan(clock.millis());
        clock.advance(Duration.ofSeconds(25));
        r.tick();
        assertThat(fluffs).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(r.stempoolSize()).isZero();
        assertThat(r.stats()).isEqualTo(new DandelionStats(200, 200, 200));
    }

    @Test
    void aTransactionSeenFluffedLeavesTheStempoolAndIsNotFluffedAgain() {
        DandelionRouter r = stemming();
        RelayTransaction t = tx();
        r.stemReceived(peer(100), t);
        assertThat(r.inStempool(t.id())).isTrue();
        r.seenFluffed(t.id());
        assertThat(r.inStempool(t.id())).isFalse();
        clock.advance(Duration.ofSeconds(31));
        r.tick();
        assertThat(fluffs).isEmpty();
        assertThat(r.stemReceived(peer(101), t)).isEqualTo(DandelionRouter.Outcome.DUPLICATE);
    }

    @Test
    void aRouteNeverPointsBackAndALostDestinationIsReplaced() {
        DandelionRouter r = stemming();
        List<PeerId> dest = r.destinations();
        for (int i = 0; i < 10; i++) {
            r.stemReceived(dest.get(0), tx());
        }
        assertThat(stemTargets).containsOnly(dest.get(1));
        r.peerDown(dest.get(1));
        assertThat(r.destinations()).hasSize(2).doesNotContain(dest.get(1));
        stemTargets.clear();
        r.stemReceived(dest.get(0), tx());
        assertThat(stemTargets).singleElement().isNotEqualTo(dest.get(0)).isNotEqualTo(dest.get(1));
    }

    @Test
    void aNewEpochRedrawsDestinationsAndRoutes() {
        DandelionRouter r = router(0.000001, 5);
        for (int i = 1; i <= 8; i++) {
            r.outboundUp(peer(i));
        }
        Set<List<PeerId>> seen = new HashSet<>();
        for (int e = 0; e < 20; e++) {
            seen.add(r.destinations());
            clock.advance(Duration.ofSeconds(600));
            r.tick();
        }
        assertThat(seen.size()).isGreaterThan(10);
    }

    @Test
    void disabledEveryTransactionFluffsAtOnce() {
        DandelionRouter r = router(new DandelionConfig(false, 0.1, Duration.ofSeconds(30), Duration.ofSeconds(600)), 1);
        r.outboundUp(peer(1));
        r.outboundUp(peer(2));
        r.ownTransaction(tx());
        assertThat(r.stemReceived(peer(100), tx())).isEqualTo(DandelionRouter.Outcome.FLUFFED);
        assertThat(fluffs).hasSize(2);
        assertThat(stems).isEmpty();
    }

    @Test
    void withoutOutboundPeersATransactionFluffs() {
        DandelionRouter r = router(0.1, 1);
        r.ownTransaction(tx());
        assertThat(fluffs).hasSize(1);
        assertThat(stems).isEmpty();
    }
}
