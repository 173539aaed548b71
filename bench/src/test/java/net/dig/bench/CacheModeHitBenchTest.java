package net.dig.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The node's cache policy against Belady and the static oracle on a small seeded Zipf(0.9) trace (deterministic). */
class CacheModeHitBenchTest {
    @Test
    void theNodePolicyMatchesTheStaticOracleAndComesWithinFifteenPercentOfBelady() {
        CacheModeHitBench.Trace trace = CacheModeHitBench.zipf(1000, 200_000, 0.9, 1);
        long capacity = trace.totalBytes() / 10;
        double belady = CacheModeHitBench.belady(trace, capacity);
        double policy = CacheModeHitBench.policy(trace, capacity);
        double oracle = CacheModeHitBench.staticOracle(trace, capacity);
        assertThat(policy).isLessThanOrEqualTo(belady);
        assertThat(policy / oracle).isGreaterThan(0.97);
        assertThat(policy / belady).isGreaterThan(0.85);
    }

    @Test
    void withUnitSizesBeladyIsAtLeastAsGoodAsThePolicy() {
        CacheModeHitBench.Trace trace = CacheModeHitBench.zipf(500, 50_000, 0.9, 2, 1 << 20, (1 << 20) + 1);
        long capacity = trace.totalBytes() / 10;
        assertThat(CacheModeHitBench.belady(trace, capacity)).isGreaterThanOrEqualTo(CacheModeHitBench.policy(trace, capacity));
    }
}
