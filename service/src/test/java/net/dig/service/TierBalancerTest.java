package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.PlotFile;
import net.dig.storage.StorageClass;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TierBalancer}: hot plots promoted, cold ones demoted after their grace time, hysteresis, crash leftovers. */
class TierBalancerTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(new byte[32]);
    private static final TierBalancer.Settings SETTINGS = new TierBalancer.Settings(10, 1, Duration.ofHours(6), 1);

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);

    private StorageConfig config() {
        return new StorageConfig(tmp.resolve("home"), List.of(tmp.resolve("nvme"), tmp.resolve("ssd"), tmp.resolve("hdd")),
                null, Map.of(tmp.resolve("nvme"), StorageClass.NVME, tmp.resolve("hdd"), StorageClass.HDD));
    }

    private Manifest add(StorageEngine e, String name, long seed) throws Exception {
        byte[] data = new byte[300_000];
        new SplittableRandom(seed).nextBytes(data);
        Path src = Files.write(tmp.resolve(name), data);
        return e.ingest(src, new IngestOptions(262_144, Compression.NONE, name), NODE, Progress.none());
    }

    private static StorageClass classOf(StorageEngine e, Manifest m) {
        Bytes32 id = m.version().datastoreId();
        return e.plotFiles().stream().filter(f -> f.datastores().contains(id)).map(PlotFile::storageClass)
                .reduce((a, b) -> { throw new AssertionError("two plots of " + id); }).orElseThrow();
    }

    private void readTimes(ReadRates rates, Manifest m, int n) {
        for (int i = 0; i < n; i++) {
            rates.read(m.version().datastoreId());
        }
    }

    @Test
    void aHotPlotIsPromotedAColdOneDemotedOnlyAfterItsGraceTimeAndWarmOnesStay() throws Exception {
        try (StorageEngine e = StorageEngine.open(config(), clock, NODE, new SplittableRandom(1))) {
            ReadRates rates = new ReadRates(clock);
            TierBalancer balancer = new TierBalancer(e, rates, SETTINGS, clock);
            Manifest hot = add(e, "hot", 1);
            Manifest warm = add(e, "warm", 2);
            Manifest cold = add(e, "cold", 3);
            assertThat(List.of(classOf(e, hot), classOf(e, warm), classOf(e, cold))).containsOnly(StorageClass.SSD);
            readTimes(rates, hot, 50);
            readTimes(rates, warm, 5);

            assertThat(balancer.tick()).isEqualTo(1); // one move a tick: the promotion first
            assertThat(classOf(e, hot)).isEqualTo(StorageClass.NVME);
            assertThat(balancer.tick()).isZero(); // the cold plot is younger than demote_after
            assertThat(classOf(e, cold)).isEqualTo(StorageClass.SSD);

            clock.advance(Duration.ofHours(6));
            readTimes(rates, hot, 200);  // hot stays hot
            readTimes(rates, warm, 5);   // warm decays by 64x over 6 h: topped up to stay between the thresholds
            assertThat(balancer.tick()).isEqualTo(1);
            assertThat(classOf(e, cold)).isEqualTo(StorageClass.HDD);
            assertThat(classOf(e, warm)).isEqualTo(StorageClass.SSD);
            assertThat(balancer.tick()).isZero();

            // every datastore goes quiet: after enough half-lives the coldest is demoted first, each to the slowest class
            clock.advance(Duration.ofHours(12));
            assertThat(balancer.tick()).isEqualTo(1);
            assertThat(classOf(e, warm)).isEqualTo(StorageClass.HDD);
            assertThat(classOf(e, hot)).isEqualTo(StorageClass.NVME);
            assertThat(balancer.tick()).isEqualTo(1);
            assertThat(classOf(e, hot)).isEqualTo(StorageClass.HDD);
            assertThat(balancer.tick()).isZero();

            TierBalancer.Status s = balancer.status();
            assertThat(s.active()).isTrue();
            assertThat(s.promoted()).isEqualTo(1);
            assertThat(s.demoted()).isEqualTo(3);
            assertThat(s.failed()).isZero();
            assertThat(s.lastMove()).startsWith("demoted plot").contains("from nvme to hdd");

            assertThat(s.plotBytesOf("hdd")).isPositive();
            assertThat(s.plotBytesOf("nvme")).isZero();
            assertThat(s.directories()).extracting(TierBalancer.Directory::storageClass).containsExactly("nvme", "ssd", "hdd");

            byte[] first = e.readCapsule(hot.version().datastoreId(), 0);
            assertThat(net.dig.core.Sha256.hash(first)).isEqualTo(hot.capsules().getFirst().hash());
        }
    }

    @Test
    void aPlotLeftInTwoClassesByACrashKeepsTheCopyWhereItBelongs() throws Exception {
        Manifest cold;
        Path original;
        try (StorageEngine e = StorageEngine.open(config(), clock, NODE, new SplittableRandom(1))) {
            cold = add(e, "cold", 5);
            original = e.plotFiles().getFirst().path();
        }
        Path copy = tmp.resolve("hdd").resolve(original.getFileName()).toAbsolutePath().normalize();
        Files.copy(original, copy, StandardCopyOption.COPY_ATTRIBUTES);
        try (StorageEngine e = StorageEngine.open(config(), clock, NODE, new SplittableRandom(1))) {
            TierBalancer balancer = new TierBalancer(e, new ReadRates(clock), SETTINGS, clock);
            assertThat(e.plotFiles()).hasSize(2);
            balancer.tick();
            assertThat(e.plotFiles()).singleElement().satisfies(f -> assertThat(f.path()).isEqualTo(copy));
            assertThat(original).doesNotExist();
            assertThat(balancer.status().copiesDropped()).isEqualTo(1);
            assertThat(e.readCapsule(cold.version().datastoreId(), 0)).hasSize(262_144);
        }
    }

    @Test
    void oneClassMeansNothingMovesAndBadThresholdsAreRefused() throws Exception {
        StorageConfig flat = new StorageConfig(tmp.resolve("flat"), List.of(tmp.resolve("a"), tmp.resolve("b")), null);
        try (StorageEngine e = StorageEngine.open(flat, clock, NODE, new SplittableRandom(1))) {
            ReadRates rates = new ReadRates(clock);
            TierBalancer balancer = new TierBalancer(e, rates, SETTINGS, clock);
            Manifest m = add(e, "x", 6);
            readTimes(rates, m, 100);
            assertThat(balancer.active()).isFalse();
            assertThat(balancer.tick()).isZero();
        }
        assertThatThrownBy(() -> new TierBalancer.Settings(1, 1, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be above");
        assertThatThrownBy(() -> new TierBalancer.Settings(5, 1, Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("moves_per_tick");
    }
}
