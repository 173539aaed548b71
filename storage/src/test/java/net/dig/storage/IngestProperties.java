package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.dig.core.MerkleTree;
import net.dig.core.Progress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/** Whatever the size and codec, every byte comes back and every capsule and chunk proves against the root. */
class IngestProperties {
    private Path home;
    private StorageEngine engine;

    @BeforeProperty
    void openStore() throws IOException {
        home = Files.createTempDirectory("dig-ingest-prop");
        engine = StorageTestSupport.open(home.resolve("home"));
    }

    @AfterProperty
    void closeStore() throws IOException {
        engine.close();
        try (var s = Files.walk(home)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 25)
    void everyByteComesBackAndProves(@ForAll @IntRange(min = 0, max = 900_000) int size, @ForAll boolean zstd,
                                     @ForAll long seed) throws IOException {
        byte[] data = seed % 2 == 0 ? StorageTestSupport.randomBytes(size, seed) : StorageTestSupport.compressibleBytes(size, seed);
        Path src = StorageTestSupport.write(home.resolve("src-" + seed), data);
        Manifest m = engine.ingest(src, new IngestOptions(262_144, zstd ? Compression.ZSTD : Compression.NONE, null), OWNER,
                Progress.none());
        Files.delete(src);
        int capsules = (size + 262_143) / 262_144;
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
