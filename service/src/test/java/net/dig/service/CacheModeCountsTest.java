package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.dig.core.Bytes32;
import net.dig.storage.DatastoreVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CacheMode} keeps its policy's read counts across a restart: saved at most once a minute of the injected
 * clock and at close, read back into the next run's policy; a corrupt or unknown-version file starts at 0.
 */
class CacheModeCountsTest {
    @TempDir Path tmp;
    private static final Bytes32 A = Bytes32.fromHex("0a".repeat(32));
    private static final Bytes32 B = Bytes32.fromHex("0b".repeat(32));

    /** A source no read in this test reaches (no miss is asked). */
    private static final CacheMode.Source NOWHERE = new CacheMode.Source() {
        @Override
        public CompletionStage<Optional<DatastoreVersion>> latest(Bytes32 datastoreId) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Boolean> fetch(DatastoreVersion version) {
            return CompletableFuture.completedFuture(false);
        }
    };

    private Path counts() {
        return tmp.resolve("cache-mode").resolve("counts");
    }

    private CacheMode cache(FetchHarness h, CacheEviction<Bytes32> policy) {
        return new CacheMode(policy, h.dest.datastores(), FetchHarness.config(262_144), NOWHERE, h.clock, Runnable::run,
                tmp.resolve("cache-mode").resolve("kept"), counts());
    }

    private static CacheEviction<Bytes32> policy() {
        return new CacheEviction<>(new CacheEviction.Settings(Duration.ofHours(24), 0, 1 << 20), id -> 0);
    }

    @Test
    void readCountsSurviveARestartAndAFileThatDoesNotReadBackStartsAtZero() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 1000)) {
            CacheEviction<Bytes32> first = policy();
            CacheMode run = cache(h, first);
            for (int i = 0; i < 3; i++) {
                run.read(A);
            }
            run.read(B);
            h.clock.advance(Duration.ofSeconds(59));
            run.tick();
            assertThat(counts()).doesNotExist();
            h.clock.advance(Duration.ofSeconds(1));
            run.tick();
            assertThat(counts()).isRegularFile();
            run.read(A);
            run.close();

            CacheEviction<Bytes32> second = policy();
            cache(h, second);
            assertThat(second.count(A)).isEqualTo(4);
            assertThat(second.count(B)).isEqualTo(1);
            assertThat(second.counts()).isEqualTo(first.counts());

            byte[] good = Files.readAllBytes(counts());
            byte[] future = good.clone();
            future[7] = 2; // format version 2
            byte[] flipped = good.clone();
            flipped[20] ^= 1;
            for (byte[] bad : new byte[][] {future, flipped, "garbage".getBytes()}) {
                Files.write(counts(), bad);
                CacheEviction<Bytes32> fresh = policy();
                cache(h, fresh);
                assertThat(fresh.count(A)).isZero();
                assertThat(fresh.counts().counts()).isEmpty();
            }
        }
    }
}
