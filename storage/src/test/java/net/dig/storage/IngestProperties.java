package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.dig.core.MerkleTree;
import net.dig.core.Progress;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whatever the size and codec, every byte comes back and every capsule and chunk proves against the root. */
class IngestProperties {
    private static final int CAPSULE = 262_144;

    private Path home;
    private StorageEngine engine;

    /** The ingest under test, so that a broken one can be run through the same property. */
    interface Ingest {
        Manifest ingest(Path source, IngestOptions options) throws IOException;
    }

    @BeforeEach
    void openStore() throws IOException {
        home = Files.createTempDirectory("dig-ingest-prop");
        engine = StorageTestSupport.open(home.resolve("home"));
    }

    @AfterEach
    void closeStore() throws IOException {
        engine.close();
        try (var s = Files.walk(home)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void everyByteComesBackAndProves() {
        PropertyRunner.tries(25).check(g -> everyByteComesBackAndProves(g,
                (source, options) -> engine.ingest(source, options, OWNER, Progress.none())));
    }

    /** An ingest that stores the first two capsules in each other's place: proofs still hold, the bytes do not. */
    @Test
    void anIngestThatMisordersCapsulesFailsTheProperty() {
        Ingest swapsTheFirstTwoCapsules = (source, options) -> {
            byte[] data = Files.readAllBytes(source);
            if (data.length > CAPSULE) {
                byte[] swapped = new byte[data.length];
                int second = Math.min(CAPSULE, data.length - CAPSULE);
                System.arraycopy(data, CAPSULE, swapped, 0, second);
                System.arraycopy(data, 0, swapped, second, CAPSULE);
                System.arraycopy(data, CAPSULE + second, swapped, CAPSULE + second, data.length - CAPSULE - second);
                Files.write(source, swapped);
            }
            return engine.ingest(source, options, OWNER, Progress.none());
        };
        assertThatThrownBy(() -> PropertyRunner.tries(25).seed(47).check(g -> everyByteComesBackAndProves(g, swapsTheFirstTwoCapsules)))
                .isInstanceOf(AssertionError.class)
                .hasCauseInstanceOf(AssertionError.class)
                .hasMessageContaining("base seed 47, try seed ")
                .hasMessageContaining("-Ddig.seed=47");
    }

    private void everyByteComesBackAndProves(Gen g, Ingest ingest) throws IOException {
        int size = g.ints(0, 900_000);
        boolean zstd = g.bool();
        long seed = g.longs();
        byte[] data = seed % 2 == 0 ? StorageTestSupport.randomBytes(size, seed) : StorageTestSupport.compressibleBytes(size, seed);
        Path src = StorageTestSupport.write(home.resolve("src-" + seed), data);
        Manifest m = ingest.ingest(src, new IngestOptions(CAPSULE, zstd ? Compression.ZSTD : Compression.NONE, null));
        Files.delete(src);
        int capsules = (size + CAPSULE - 1) / CAPSULE;
        assertThat(m.capsules()).hasSize(capsules);
        byte[] back = new byte[0];
        for (int i = 0; i < capsules; i++) {
            byte[] c = engine.readCapsule(m.datastoreId(), i);
            back = StorageEngineTest.concat(back, c);
            assertThat(engine.capsuleProof(m.datastoreId(), i).verifies(m.leafHash(i), m.version().merkleRoot(), capsules)).isTrue();
            int chunk = (int) Math.floorMod(seed, (c.length + 4095) / 4096);
            byte[] bytes = engine.readChunk(m.datastoreId(), i, chunk);
            assertThat(engine.chunkProof(m.datastoreId(), i, chunk)
                    .verifies(MerkleTree.leafHash(bytes), m.capsules().get(i).chunkRoot())).isTrue();
        }
        assertThat(Arrays.equals(back, data)).isTrue();
    }
}
