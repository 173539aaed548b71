package net.dig.storage;

import static net.dig.storage.StorageTestSupport.NODE;
import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random access beyond 2 GiB, on a sparse plot that takes a few hundred KiB of disk. */
class LargePlotTest {
    static final long FAR = 3L * 1024 * 1024 * 1024 + 12 * 4096; // 3 GiB + 48 KiB

    @TempDir
    Path tmp;

    @Test
    void capsulesPastTwoGibAreLocatedReadAndVerified() throws IOException {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Path plotDir = Files.createDirectories(config.plotDirs().getFirst());
        byte[] c0 = StorageTestSupport.randomBytes(262_144, 1);
        byte[] c1 = StorageTestSupport.randomBytes(70_000, 2);
        CapsuleHashes h0 = CapsuleHashes.of(c0, c0.length);
        CapsuleHashes h1 = CapsuleHashes.of(c1, c1.length);
        byte[] nonce = new byte[32];
        Bytes32 id = DatastoreVersion.deriveId(OWNER.publicKey(), nonce);
        List<CapsuleInfo> capsules = List.of(new CapsuleInfo(0, h0.hash(), c0.length, h0.chunkRoot()),
                new CapsuleInfo(1, h1.hash(), c1.length, h1.chunkRoot()));
        Bytes32 root = MerkleTree.root(List.of(Manifest.leafHash(capsules.get(0)), Manifest.leafHash(capsules.get(1))));
        List<FileEntry> files = List.of(new FileEntry("f", 0, c0.length + c1.length,
                Sha256.hash(StorageEngineTest.concat(c0, c1))));
        DatastoreVersion v = DatastoreVersion.signed(nonce, 1, root, 2, c0.length + c1.length, 262_144, 100, "sparse",
                files, OWNER);
        Manifest m = new Manifest(v, "sparse", capsules, files);
        Path plot;
        try (PlotWriter w = PlotWriter.create(plotDir)) {
            w.append(id, 0, c0.length, h0.hash(), h0.chunkRoot(), h0.chunkHashes(), c0, c0.length, Compression.NONE);
            w.skipTo(FAR);
            w.append(id, 1, c1.length, h1.hash(), h1.chunkRoot(), h1.chunkHashes(), c1, c1.length, Compression.NONE);
            plot = w.finish(NODE, 100, List.of(m)).path();
        }
        assertThat(Files.size(plot)).isGreaterThan(3L << 30);

        try (StorageEngine engine = StorageTestSupport.open(config)) {
            CapsuleLocation loc = engine.locate(id, 1).orElseThrow();
            assertThat(loc.offset()).isEqualTo(FAR).isGreaterThan(Integer.MAX_VALUE);
            assertThat(loc.storedLength()).isEqualTo(c1.length);
            assertThat(engine.readCapsule(id, 1)).isEqualTo(c1);
            assertThat(engine.readCapsule(id, 0)).isEqualTo(c0);
            byte[] chunk = engine.readChunk(id, 1, 17);
            assertThat(chunk).isEqualTo(Arrays.copyOfRange(c1, 17 * 4096, 70_000));
            assertThat(engine.chunkProof(id, 1, 17).verifies(MerkleTree.leafHash(chunk), h1.chunkRoot())).isTrue();
            assertThat(engine.capsuleProof(id, 1).verifies(m.leafHash(1), root, 2)).isTrue();
            VerifyReport report = engine.verify(Optional.empty(), Progress.none());
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(engine.plots().getFirst().sizeBytes()).isGreaterThan(3L << 30);
        }
    }
}
