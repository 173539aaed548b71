package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.dig.storage.Compression;
import org.junit.jupiter.api.Test;

/** The upload token buckets and the validated fetch and upload settings. */
class UploadBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aPeerIsHeldToItsRateAndGetsTheWait() {
        UploadBudget b = new UploadBudget(new UploadBudget.Settings(1000, 1_000_000, 1000, 8), 0);
        assertThat(b.tryAcquire("a", 1000, 0).granted()).isTrue();
        UploadBudget.Grant no = b.tryAcquire("a", 500, 0);
        assertThat(no.granted()).isFalse();
        assertThat(no.retryAfterMillis()).isBetween(500L, 502L);
        assertThat(b.tryAcquire("a", 500, SECOND / 2).granted()).isTrue();
        assertThat(b.tryAcquire("a", 1, SECOND / 2).granted()).isFalse();
    }

    @Test
    void allPeersTogetherAreHeldToTheGlobalRateAndARefusalCostsNothing() {
        UploadBudget b = new UploadBudget(new UploadBudget.Settings(1000, 1500, 1000, 8), 0);
        assertThat(b.tryAcquire("a", 1000, 0).granted()).isTrue();
        assertThat(b.tryAcquire("b", 1000, 0).granted()).as("the global bucket is empty").isFalse();
        // b's bucket was not charged by the refusal: once the global bucket refills, b gets a whole burst
        assertThat(b.tryAcquire("b", 1000, SECOND).granted()).isTrue();
        assertThatThrownBy(() -> b.tryAcquire("c", 1001, SECOND)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bucketsOfAtMostMaxPeersAreKept() {
        UploadBudget b = new UploadBudget(new UploadBudget.Settings(10, 1_000_000, 100, 2), 0);
        b.tryAcquire("a", 100, 0);
        b.tryAcquire("b", 100, 0);
        b.tryAcquire("c", 100, 1);
        assertThat(b.trackedPeers()).isEqualTo(2);
        // b and c are not full; a was the oldest and went
        assertThat(b.tryAcquire("c", 1, 2).granted()).isFalse();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new UploadBudget.Settings(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UploadBudget.Settings(1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UploadBudget.Settings(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UploadBudget.Settings(1, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        Duration t = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new FetchConfig(4095, 1, 1, t, 0, Compression.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FetchConfig(8 << 20, 1, 1, t, 0, Compression.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FetchConfig(4096, 2, 1, t, 0, Compression.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FetchConfig(4096, 1, 1, Duration.ZERO, 0, Compression.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FetchConfig(4096, 1, 1, t, -1, Compression.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FetchConfig.defaults().windowBytes()).isEqualTo(FetchConfig.MAX_WINDOW_BYTES);
        assertThat(UploadBudget.Settings.defaults().burstBytes())
                .isGreaterThanOrEqualTo(FetchConfig.MAX_WINDOW_BYTES + CapsuleWindows.maxPrologue());
    }
}
