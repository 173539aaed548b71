package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent ingests, pushes of the same version and readers on one engine. */
class ConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentIngestsAndReadsAreConsistent() throws Exception {
        int n = 6;
        List<byte[]> data = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            data.add(StorageTestSupport.randomBytes(300_000 + i * 1000, i));
            sources.add(StorageTestSupport.write(tmp.resolve("s" + i), data.get(i)));
        }
        try (StorageEngine engine = StorageTestSupport.open(tmp.resolve("home"));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Manifest>> ingests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path src = sources.get(i);
                ingests.add(pool.submit(() -> engine.ingest(src, new IngestOptions(262_144, Compression.ZSTD, null), OWNER,
                        Progress.none())));
            }
            List<Manifest> manifests = new ArrayList<>();
            for (Future<Manifest> f : ingests) {
                manifests.add(f.get());
            }
            List<Future<Boolean>> reads = new ArrayList<>();
            for (int r = 0; r < 40; r++) {
                int i = r % n;
                Manifest m = manifests.get(i);
                reads.add(pool.submit(() -> Arrays.equals(engine.readCapsule(m.datastoreId(), 1),
                        Arrays.copyOfRange(data.get(i), 262_144, data.get(i).length))));
            }
            // the same signed version pushed by several peers at once: exactly one wins
            Manifest pushed = manifests.getFirst();
            byte[] first = data.getFirst();
            StorageConfig otherConfig = StorageConfig.under(tmp.resolve("other"));
            try (StorageEngine other = StorageTestSupport.open(otherConfig)) {
                List<Future<String>> pushes = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    pushes.add(pool.submit(() -> {
                        try {
                            other.store(pushed.version(), pushed.name(), pushed.files(), pushed.capsules(),
                                    i -> Arrays.copyOfRange(first, i * 262_144, Math.min(first.length, (i + 1) * 262_144)),
                                    Compression.NONE);
                            return "stored";
                        } catch (StorageException e) {
                            return e.getMessage();
                        }
                    }));
                }
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : pushes) {
                    outcomes.add(f.get());
                }
                assertThat(outcomes).filteredOn("stored"::equals).hasSize(1);
                assertThat(outcomes).filteredOn(o -> !o.equals("stored")).allMatch(o -> o.contains("already at version 1"));
                assertThat(other.plots()).hasSize(1);
                assertThat(StorageTestSupport.countPlotFiles(otherConfig)).isEqualTo(1);
            }
            for (Future<Boolean> f : reads) {
                assertThat(f.get()).isTrue();
            }
            assertThat(engine.datastores()).hasSize(n);
            assertThat(engine.verify(Optional.empty(), Progress.none()).ok()).isTrue();
        }
    }
}
