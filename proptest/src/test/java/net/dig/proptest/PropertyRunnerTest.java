package net.dig.proptest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PropertyRunnerTest {
    @AfterEach
    void clearReplayProperties() {
        System.clearProperty(PropertyRunner.SEED_PROPERTY);
        System.clearProperty(PropertyRunner.TRY_SEED_PROPERTY);
    }

    private static List<String> drawsOfARun(PropertyRunner runner) {
        List<String> draws = new ArrayList<>();
        runner.check(g -> {
            g.ints(-5, 5);
            g.longs();
            g.bytes(0, 8);
            g.lists(0, 3, e -> e.choice("a", "b"));
            draws.add(g.toString());
        });
        return draws;
    }

    @Test
    void runsTheGivenNumberOfTriesAndTheSameBaseSeedDrawsTheSameValues() {
        List<String> a = drawsOfARun(PropertyRunner.tries(50).seed(7));
        assertThat(a).hasSize(50);
        assertThat(drawsOfARun(PropertyRunner.tries(50).seed(7))).isEqualTo(a);
        assertThat(drawsOfARun(PropertyRunner.tries(50).seed(8))).isNotEqualTo(a);
        System.setProperty(PropertyRunner.SEED_PROPERTY, "7");
        assertThat(drawsOfARun(PropertyRunner.tries(50))).isEqualTo(a);
    }

    @Test
    void theFirstTryDrawsEveryLowerBoundAndTheSecondEveryUpperBound() {
        List<String> draws = drawsOfARun(PropertyRunner.tries(2).seed(1));
        assertThat(draws.get(0)).isEqualTo("-5, " + Long.MIN_VALUE + ", bytes(0), list(0)[]");
        assertThat(draws.get(1)).isEqualTo("5, " + Long.MAX_VALUE + ", bytes(8) ffffffffffffffff, list(3)[b, b, b]");
    }

    @Test
    void mixedTriesStayInRangeAndReachTheEdges() {
        Set<Integer> ints = new HashSet<>();
        Set<Long> longs = new HashSet<>();
        Set<Integer> lengths = new HashSet<>();
        Set<BigInteger> bigs = new HashSet<>();
        Set<Boolean> optionalPresent = new HashSet<>();
        BigInteger u128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        PropertyRunner.tries(2_000).seed(3).check(g -> {
            int i = g.ints(-3, 10_000);
            assertThat(i).isBetween(-3, 10_000);
            ints.add(i);
            int full = g.ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
            ints.add(full);
            long l = g.longs(0, 0xFFFF_FFFFL);
            assertThat(l).isBetween(0L, 0xFFFF_FFFFL);
            longs.add(l);
            byte[] b = g.bytes(0, 40);
            assertThat(b.length).isBetween(0, 40);
            lengths.add(b.length);
            BigInteger big = g.bigIntegers(BigInteger.ZERO, u128);
            assertThat(big).isBetween(BigInteger.ZERO, u128);
            bigs.add(big);
            String s = g.strings(0, 5, 'a', 'c');
            assertThat(s).hasSizeBetween(0, 5).matches("[a-c]*");
            List<Integer> list = g.lists(1, 4, e -> e.ints(0, 1));
            assertThat(list).hasSizeBetween(1, 4);
            optionalPresent.add(g.optionals(e -> e.bool()).isPresent());
        });
        assertThat(ints).contains(-3, -2, -1, 0, 1, 9_999, 10_000, Integer.MIN_VALUE, Integer.MAX_VALUE);
        assertThat(longs).contains(0L, 1L, 0xFFFF_FFFFL, 0xFFFF_FFFEL);
        assertThat(lengths).contains(0, 1, 39, 40);
        assertThat(bigs).contains(BigInteger.ZERO, u128);
        assertThat(bigs.stream().filter(v -> v.bitLength() > 120)).hasSizeGreaterThan(1_000);
        assertThat(optionalPresent).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void aFailureNamesTheBaseSeedTheTrySeedAndWhatWasDrawn() {
        AtomicInteger tries = new AtomicInteger();
        AssertionError failure = null;
        try {
            PropertyRunner.tries(1_000).seed(42).check(g -> {
                tries.incrementAndGet();
                int n = g.ints(0, 1_000);
                assertThat(n).as("n").isLessThan(900);
            });
        } catch (AssertionError e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        int failedTry = tries.get() - 1;
        long trySeed = PropertyRunner.trySeed(42, failedTry);
        assertThat(failedTry).as("the upper-edge try fails first").isEqualTo(1);
        assertThat(failure).hasMessageContaining("try 1 of 1000: base seed 42, try seed " + trySeed)
                .hasMessageContaining("upper-edge try")
                .hasMessageContaining("drawn: 1000")
                .hasMessageContaining("replay the run: -Dtest='PropertyRunnerTest#aFailureNamesTheBaseSeedTheTrySeedAndWhatWasDrawn'"
                        + " -Ddig.seed=42")
                .hasMessageContaining("[n]");
        assertThat(failure.getCause()).isInstanceOf(AssertionError.class).hasMessageContaining("[n]");
    }

    @Test
    void aFailedMixedTryReplaysAloneFromItsSeed() {
        List<String> failedDraws = new ArrayList<>();
        PropertyRunner.Body body = g -> {
            List<Integer> xs = g.lists(0, 20, e -> e.ints(0, 99));
            if (g.mode() == Gen.Mode.MIXED && xs.size() > 3 && xs.get(3) == 50) {
                failedDraws.add(g.toString());
                throw new IllegalStateException("the fourth element is 50");
            }
        };
        AssertionError failure = catchFailure(() -> PropertyRunner.tries(100_000).seed(5).check(body));
        assertThat(failure).hasMessageContaining("replay this try: -Dtest='PropertyRunnerTest#aFailedMixedTryReplaysAloneFromItsSeed' -Ddig.trySeed=")
                .hasMessageContaining("failure: java.lang.IllegalStateException: the fourth element is 50");
        String message = failure.getMessage();
        String seedText = message.substring(message.indexOf("-Ddig.trySeed=") + "-Ddig.trySeed=".length()).lines().findFirst().orElseThrow();
        long trySeed = Long.parseLong(seedText);

        System.setProperty(PropertyRunner.TRY_SEED_PROPERTY, Long.toString(trySeed));
        AtomicInteger runs = new AtomicInteger();
        AssertionError replayed = catchFailure(() -> PropertyRunner.tries(100_000).check(g -> {
            runs.incrementAndGet();
            body.check(g);
        }));
        assertThat(runs).hasValue(1);
        assertThat(replayed).hasMessageContaining("the try from -Ddig.trySeed=" + trySeed);
        assertThat(failedDraws).hasSize(2);
        assertThat(failedDraws.get(1)).isEqualTo(failedDraws.get(0));
        assertThat(replayed.getMessage()).contains("drawn: " + failedDraws.get(0));
    }

    @Test
    void aPassingRunIsQuietAndBadArgumentsAreRefused() {
        PropertyRunner.tries(10).check(g -> assertThat(g.ints(1, 1)).isEqualTo(1));
        assertThatThrownBy(() -> PropertyRunner.tries(0)).hasMessageContaining("at least one try");
        assertThatThrownBy(() -> new Gen(1, Gen.Mode.MIXED).ints(2, 1)).hasMessageContaining("empty range 2..1");
        System.setProperty(PropertyRunner.SEED_PROPERTY, "soon");
        assertThatThrownBy(() -> PropertyRunner.tries(1).check(g -> { })).hasMessageContaining("-Ddig.seed must be a long");
        assertThat(new Gen(1, Gen.Mode.LOWER).optionals(g -> 1)).isEqualTo(Optional.empty());
    }

    private static AssertionError catchFailure(Runnable r) {
        try {
            r.run();
        } catch (AssertionError e) {
            return e;
        }
        throw new AssertionError("expected the property to fail");
    }
}
