package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheEvictionTest {
    private static final long HOUR = 3_600_000;
    private final Map<String, Integer> holders = new HashMap<>();

    private CacheEviction<String> cache(long capacity) {
        return new CacheEviction<>(new CacheEviction.Settings(Duration.ofHours(168), 5, capacity),
                k -> holders.getOrDefault(k, 10));
    }

    @Test
    void restoredCountsAddToThisRunsAndHalveOnceTheAgingPeriodIsReachedAcrossBoth() {
        CacheEviction<String> before = new CacheEviction<>(new CacheEviction.Settings(Duration.ofHours(1), 0, 100, 10), k -> 0);
        for (int i = 0; i < 6; i++) {
            before.read("a", i);
        }
        before.read("b", 6);
        CacheEviction.Counts<String> saved = before.counts();
        assertThat(saved).isEqualTo(new CacheEviction.Counts<>(Map.of("a", 6L, "b", 1L), 7));

        CacheEviction<String> after = new CacheEviction<>(before.settings(), k -> 0);
        after.read("a", 10);
        after.restoreCounts(saved);
        assertThat(after.count("a")).isEqualTo(7);
        assertThat(after.counts().readsSinceAging()).isEqualTo(8);
        after.read("a", 11);
        after.read("b", 12); // the tenth read since the last halving: 9 >> 1, 2 >> 1
        assertThat(after.counts()).isEqualTo(new CacheEviction.Counts<>(Map.of("a", 4L, "b", 1L), 0));
    }

    @Test
    void aMissThatFitsIsAdmittedAndOneThatCannotBeatWarmResidentsIsBypassed() {
        CacheEviction<String> c = cache(100);
        for (int i = 0; i < 3; i++) {
            c.read("hot", i);
        }
        assertThat(c.admit("hot", 80, 3)).contains(List.of());
        c.read("once", 4);
        assertThat(c.admit("once", 50, 4)).as("1 x 50 bytes does not beat 3 x 80").isEmpty();
        assertThat(c.resident("hot")).isTrue();
        assertThat(c.usedBytes()).isEqualTo(80);
    }

    @Test
    void aMissReadMoreOftenThanItsVictimsDisplacesThemLeastReadFirst() {
        CacheEviction<String> c = cache(100);
        c.read("a", 0);
        c.admit("a", 50, 0);
        c.read("b", 1);
        c.read("b", 2);
        c.admit("b", 50, 2);
        for (int i = 0; i < 4; i++) {
            c.read("new", 3 + i);
        }
        assertThat(c.admit("new", 40, 7)).contains(List.of("a"));
        assertThat(c.resident("a")).isFalse();
        assertThat(c.resident("b")).isTrue();
        assertThat(c.usedBytes()).isEqualTo(90);
    }

    @Test
    void aDatastoreLargerThanTheCacheIsNeverAdmitted() {
        CacheEviction<String> c = cache(100);
        c.read("big", 0);
        assertThat(c.admit("big", 101, 0)).isEmpty();
    }

    @Test
    void anEntryNotReadForTheTtlExpiresAndAReadPostponesIt() {
        CacheEviction<String> c = cache(100);
        c.admit("a", 10, 0);
        c.admit("b", 10, 0);
        c.read("b", 100 * HOUR);
        assertThat(c.expired(168 * HOUR - 1)).isEmpty();
        assertThat(c.expired(168 * HOUR)).containsExactly("a");
        assertThat(c.expired(268 * HOUR - 1)).isEmpty();
        assertThat(c.expired(268 * HOUR)).containsExactly("b");
        assertThat(c.usedBytes()).isZero();
    }

    @Test
    void anEntryWithFewerHoldersElsewhereThanMinProvidersNeverLeaves() {
        holders.put("scarce", 4);
        CacheEviction<String> c = cache(100);
        c.admit("scarce", 60, 0);
        assertThat(c.expired(1000 * HOUR)).isEmpty();
        for (int i = 0; i < 50; i++) {
            c.read("hot", i);
        }
        assertThat(c.admit("hot", 60, 60)).as("the only victim is pinned").isEmpty();
        holders.put("scarce", 5);
        assertThat(c.expired(1000 * HOUR)).containsExactly("scarce");
    }

    @Test
    void countsHalveEveryAgingPeriod() {
        CacheEviction<String> c = new CacheEviction<>(new CacheEviction.Settings(Duration.ofHours(1), 0, 100, 8), k -> 0);
        for (int i = 0; i < 7; i++) {
            c.read("a", i);
        }
        assertThat(c.count("a")).isEqualTo(7);
        c.read("b", 7);
        assertThat(c.count("a")).isEqualTo(3);
        assertThat(c.count("b")).isZero();
    }

    @Test
    void aFailedFetchGivesItsReservationBack() {
        CacheEviction<String> c = cache(100);
        c.admit("a", 70, 0);
        c.remove("a");
        assertThat(c.usedBytes()).isZero();
        assertThat(c.admit("b", 100, 1)).contains(List.of());
    }
}
