package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second engine on the same directories (a CLI command next to a running node) must not delete a plot
 * that is still being written, and each engine serves plots the other one wrote.
 */
class SharedStoreTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void openLeavesLiveTemporaryPlotsAloneAndSeesPlotsWrittenElsewhere() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = StorageTestSupport.randomBytes(2 * 262_144 + 100, 1);
        Path src = StorageTestSupport.write(tmp.resolve("d"), data);
        Manifest m;
        try (StorageEngine origin = StorageTestSupport.open(tmp.resolve("origin"))) {
            m = origin.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
        }
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CapsuleSource slow = i -> {
            if (i == 1) {
                writing.countDown();
                try {
                    if (!proceed.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("test timed out");
                    }
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            return Arrays.copyOfRange(data, i * 262_144, Math.min(data.length, (i + 1) * 262_144));
        };
        try (StorageEngine node = StorageTestSupport.open(config)) {
            CompletableFuture<Manifest> push = CompletableFuture.supplyAsync(() ->
                    node.store(m.version(), m.name(), m.files(), m.capsules(), slow, Compression.NONE));
            assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
            // the temporary plot and its chunk hash table
            assertThat(StorageTestSupport.countTempFiles(config)).isEqualTo(2);
            try (StorageEngine cli = StorageTestSupport.open(config)) {
                assertThat(StorageTestSupport.countTempFiles(config)).as("live temp files kept").isEqualTo(2);
                proceed.countDown();
                assertThat(push.get(30, TimeUnit.SECONDS)).isEqualTo(m);
                // the CLI engine serves the plot the node just wrote, through the shared index
                assertThat(cli.readCapsule(m.datastoreId(), 2)).isEqualTo(Arrays.copyOfRange(data, 2 * 262_144, data.length));
                assertThat(cli.locate(m.datastoreId(), 0)).isPresent();
            }
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            assertThat(StorageTestSupport.countPlotFiles(config)).isEqualTo(1);
        }
    }
}
