package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.compressibleBytes;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageEngineTest {
    static final int KB256 = 262_144;

    @TempDir
    Path tmp;

    /** Independent computation of docs/architecture.md §4.1 for one capsule. */
    static Bytes32 chunkRoot(byte[] capsule) {
        List<Bytes32> leaves = new ArrayList<>();
        for (int off = 0; off < capsule.length; off += 4096) {
            leaves.add(MerkleTree.leafHash(capsule, off, Math.min(4096, capsule.length - off)));
        }
        return MerkleTree.root(leaves);
    }

    @Test
    void ingestFileThenReadProveAndLocateEveryCapsule() throws IOException {
        byte[] data = compressibleBytes(3 * KB256 + 1234, 1);
        Path src = write(tmp.resolve("in/data.bin"), data);
        try (StorageEngine engine = StorageTestSupport.open(tmp.resolve("home"))) {
            AtomicLong progressed = new AtomicLong();
            long[] total = {-2};
            Manifest m = engine.ingest(src, new IngestOptions(KB256, Compression.ZSTD, null), OWNER, new Progress() {
                public void begin(String task, long t) { total[0] = t; }
                public void advance(long u) { progressed.addAndGet(u); }
                public void end() { }
            });
            assertThat(total[0]).isEqualTo(data.length);
            assertThat(progressed.get()).isEqualTo(data.length);
            assertThat(m.name()).isEqualTo("data.bin");
            assertThat(m.capsules()).hasSize(4);
            assertThat(m.version().version()).isEqualTo(1);
            assertThat(m.version().totalSize()).isEqualTo(data.length);
            assertThat(m.version().signatureValid()).isTrue();
            assertThat(m.version().ownerPublicKey()).isEqualTo(OWNER.publicKey());
            assertThat(m.files()).containsExactly(new FileEntry("data.bin", 0, data.length, Sha256.hash(data)));
            m.validate();

            List<Bytes32> leaves = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] capsule = Arrays.copyOfRange(data, i * KB256, Math.min(data.length, (i + 1) * KB256));
                CapsuleInfo info = m.capsules().get(i);
                assertThat(info.hash()).isEqualTo(Sha256.hash(capsule));
                assertThat(info.chunkRoot()).isEqualTo(chunkRoot(capsule));
                leaves.add(MerkleTree.leafHash(concat(info.hash().toArray(), info.chunkRoot().toArray())));

                assertThat(engine.readCapsule(m.datastoreId(), i)).isEqualTo(capsule);
                CapsuleLocation loc = engine.locate(m.datastoreId(), i).orElseThrow();
                assertThat(loc.codec()).isEqualTo(Compression.ZSTD);
                assertThat(loc.offset() % 4096).isZero();
                assertThat(loc.size()).isEqualTo(capsule.length);
                assertThat(loc.storedLength()).isLessThan(capsule.length * 9L / 10);
                byte[] stored = readRange(loc.plotPath(), loc.offset(), (int) loc.storedLength());
                assertThat(com.github.luben.zstd.Zstd.decompress(stored, capsule.length)).isEqualTo(capsule);

                MerkleProof proof = engine.capsuleProof(m.datastoreId(), i);
                assertThat(proof.verifies(m.leafHash(i), m.version().merkleRoot(), 4)).isTrue();
                int chunks = (capsule.length + 4095) / 4096;
                for (int c : new int[] {0, chunks / 2, chunks - 1}) {
                    byte[] chunk = engine.readChunk(m.datastoreId(), i, c);
                    assertThat(chunk).isEqualTo(Arrays.copyOfRange(capsule, c * 4096, Math.min(capsule.length, (c + 1) * 4096)));
                    assertThat(engine.chunkProof(m.datastoreId(), i, c).verifies(MerkleTree.leafHash(chunk), info.chunkRoot())).isTrue();
                }
            }
            assertThat(m.version().merkleRoot()).isEqualTo(MerkleTree.root(leaves));
            assertThat(engine.datastores()).containsExactly(new DatastoreSummary(m.datastoreId(), "data.bin", 1, 4,
                    data.length, m.version().merkleRoot(), m.version().creationTime()));
            assertThat(engine.plots()).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(PlotStatus.OK);
                assertThat(p.capsuleCount()).isEqualTo(4);
                assertThat(Files.size(p.path())).isEqualTo(p.sizeBytes());
            });
            assertThat(engine.locate(m.datastoreId(), 4)).isEmpty();
            assertThat(engine.locate(Bytes32.ZERO, 0)).isEmpty();
            assertThat(engine.verify(Optional.empty(), Progress.none()).ok()).isTrue();
            assertThat(engine.writable()).isTrue();
        }
    }

    @Test
    void incompressibleCapsulesAreStoredPlainAndSurviveReopen() throws IOException {
        byte[] data = randomBytes(KB256 + 10, 2);
        Path src = write(tmp.resolve("r.bin"), data);
        Manifest m;
        try (StorageEngine engine = StorageTestSupport.open(tmp.resolve("home"))) {
            m = engine.ingest(src, new IngestOptions(KB256, Compression.ZSTD, "random"), OWNER, Progress.none());
            assertThat(engine.locate(m.datastoreId(), 0).orElseThrow().codec()).isEqualTo(Compression.NONE);
        }
        try (StorageEngine engine = StorageTestSupport.open(tmp.resolve("home"))) {
            assertThat(engine.manifest(m.datastoreId())).contains(m);
            assertThat(engine.readCapsule(m.datastoreId(), 1)).isEqualTo(Arrays.copyOfRange(data, KB256, data.length));
            assertThat(engine.datastores()).extracting(DatastoreSummary::name).containsExactly("random");
        }
    }

    @Test
    void directoryIngestKeepsAFileTable() throws IOException {
        Path dir = tmp.resolve("site");
        byte[] a = randomBytes(300_000, 3);
        byte[] b = randomBytes(10, 4);
        write(dir.resolve("index.html"), b);
        write(dir.resolve("assets/big.bin"), a);
        write(dir.resolve("empty.txt"), new byte[0]);
        try (StorageEngine engine = StorageTestSupport.open(tmp.resolve("home"))) {
            Manifest m = engine.ingest(dir, new IngestOptions(KB256, Compression.NONE, null), OWNER, Progress.none());
            assertThat(m.name()).isEqualTo("site");
            assertThat(m.files()).containsExactly(
                    new FileEntry("assets/big.bin", 0, a.length, Sha256.hash(a)),
                    new FileEntry("empty.txt", a.length, 0, Sha256.hash(new byte[0])),
                    new FileEntry("index.html", a.length, b.length, Sha256.hash(b)));
            byte[] all = concat(engine.readCapsule(m.datastoreId(), 0), engine.readCapsule(m.datastoreId(), 1));
            assertThat(all).isEqualTo(concat(a, b));
        }
    }

    @Test
    void emptyFileIsAnEmptyDatastore() throws IOException {
        Path src = write(tmp.resolve("empty"), new byte[0]);
        try (StorageEngine engine = StorageTestSupport.open(tmp.resolve("home"))) {
            Manifest m = engine.ingest(src, IngestOptions.defaults(), OWNER, Progress.none());
            assertThat(m.capsules()).isEmpty();
            assertThat(m.version().merkleRoot()).isEqualTo(Bytes32.ZERO);
            assertThat(engine.manifest(m.datastoreId())).contains(m);
        }
    }

    @Test
    void badInputGivesOneClearErrorAndLeavesNothing() throws IOException {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine engine = StorageTestSupport.open(config)) {
            assertThatThrownBy(() -> engine.ingest(tmp.resolve("nope"), IngestOptions.defaults(), OWNER, Progress.none()))
                    .isInstanceOf(StorageException.class).hasMessageContaining("nope").hasMessageContaining("no such file");
            Bytes32 unknown = Bytes32.fromHex("0x" + "ab".repeat(32));
            assertThatThrownBy(() -> engine.readCapsule(unknown, 0)).isInstanceOf(UnknownDatastoreException.class)
                    .hasMessage("unknown datastore " + unknown);
            assertThatThrownBy(() -> engine.capsuleProof(unknown, 0)).isInstanceOf(UnknownDatastoreException.class);
            assertThatThrownBy(() -> engine.createPlot(unknown, List.of(), Compression.NONE)).isInstanceOf(UnknownDatastoreException.class);
            assertThat(engine.manifest(unknown)).isEmpty();
            assertThatThrownBy(() -> new IngestOptions(1000, Compression.NONE, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("capsule size 1000");
            assertThatThrownBy(() -> Compression.parse("gzip")).hasMessageContaining("gzip");
            Path src = write(tmp.resolve("x"), randomBytes(5000, 5));
            Manifest m = engine.ingest(src, new IngestOptions(KB256, Compression.NONE, null), OWNER, Progress.none());
            assertThatThrownBy(() -> engine.readCapsule(m.datastoreId(), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("capsule index 1 is outside");
            assertThatThrownBy(() -> engine.readChunk(m.datastoreId(), 0, 2)).hasMessageContaining("chunk index 2 is outside");
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            assertThat(StorageTestSupport.countPlotFiles(config)).isEqualTo(1);
        }
        assertThatThrownBy(() -> new StorageConfig(tmp, List.of(), null)).hasMessageContaining("plotDirs");
    }

    @Test
    void storeChecksEverythingBeforeCommitting() throws IOException {
        byte[] data = compressibleBytes(2 * KB256 + 77, 6);
        Path src = write(tmp.resolve("d"), data);
        StorageConfig other = StorageConfig.under(tmp.resolve("other"));
        Manifest m;
        try (StorageEngine origin = StorageTestSupport.open(tmp.resolve("origin"))) {
            m = origin.ingest(src, new IngestOptions(KB256, Compression.NONE, "pushed"), OWNER, Progress.none());
        }
        CapsuleSource good = i -> Arrays.copyOfRange(data, i * KB256, Math.min(data.length, (i + 1) * KB256));
        try (StorageEngine engine = StorageTestSupport.open(other)) {
            DatastoreVersion v = m.version();
            DatastoreVersion forged = v.withSignature(new byte[64]);
            assertThatThrownBy(() -> engine.store(forged, "x", m.files(), m.capsules(), good, Compression.NONE))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.VERIFICATION_FAILED))
                    .hasMessageContaining("signature is not valid");

            CapsuleSource tampered = i -> {
                byte[] c = good.capsule(i);
                if (i == 2) {
                    c[5] ^= 1;
                }
                return c;
            };
            assertThatThrownBy(() -> engine.store(v, "pushed", m.files(), m.capsules(), tampered, Compression.ZSTD))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.VERIFICATION_FAILED))
                    .hasMessageContaining("capsule 2").hasMessageContaining("capsule hash");
            CapsuleSource shortSource = i -> Arrays.copyOf(good.capsule(i), 10);
            assertThatThrownBy(() -> engine.store(v, "pushed", m.files(), m.capsules(), shortSource, Compression.NONE))
                    .hasMessageContaining("is 10 bytes, expected 262144");
            List<CapsuleInfo> wrongRoot = new ArrayList<>(m.capsules());
            wrongRoot.set(1, new CapsuleInfo(1, Bytes32.ZERO, KB256, Bytes32.ZERO));
            assertThatThrownBy(() -> engine.store(v, "pushed", m.files(), wrongRoot, good, Compression.NONE))
                    .hasMessageContaining("merkle root");
            assertThat(engine.datastores()).isEmpty();
            assertThat(StorageTestSupport.countPlotFiles(other)).isZero();
            assertThat(StorageTestSupport.countTempFiles(other)).isZero();

            Manifest stored = engine.store(v, "pushed", m.files(), m.capsules(), good, Compression.ZSTD);
            assertThat(stored).isEqualTo(m);
            assertThat(engine.readCapsule(m.datastoreId(), 2)).isEqualTo(good.capsule(2));
            assertThatThrownBy(() -> engine.store(v, "pushed", m.files(), m.capsules(), good, Compression.NONE))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.STALE_VERSION))
                    .hasMessageContaining("already at version 1");

            // version 2: same owner, new content
            byte[] data2 = randomBytes(100, 9);
            CapsuleInfo c0 = new CapsuleInfo(0, Sha256.hash(data2), data2.length, chunkRoot(data2));
            Bytes32 root2 = MerkleTree.root(List.of(Manifest.leafHash(c0)));
            DatastoreVersion v2 = DatastoreVersion.signed(v.nonce(), 2, root2, 1, data2.length, KB256, 5, "pushed", List.of(), OWNER);
            engine.store(v2, "pushed", List.of(), List.of(c0), i -> data2, Compression.NONE);
            assertThat(engine.manifest(m.datastoreId()).orElseThrow().version()).isEqualTo(v2);
            assertThat(engine.readCapsule(m.datastoreId(), 0)).isEqualTo(data2);
            assertThat(engine.capsuleProof(m.datastoreId(), 0).verifies(Manifest.leafHash(c0), root2, 1)).isTrue();

            NodeIdentity thief = NodeIdentity.fromSeed(StorageTestSupport.seed(9));
            DatastoreVersion claimed = new DatastoreVersion(v.datastoreId(), v.nonce(), 3, root2, 1, data2.length, KB256, 5,
                    DatastoreVersion.nameSha256("x"), DatastoreVersion.filesRoot(List.of()), thief.publicKey(), new byte[64]);
            DatastoreVersion stolen = claimed.withSignature(thief.sign(claimed.signingBytes()));
            assertThatThrownBy(() -> engine.store(stolen, "x", List.of(), List.of(c0), i -> data2, Compression.NONE))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.OWNER_MISMATCH))
                    .hasMessageContaining("not SHA256(owner || nonce)");
        }
    }

    @Test
    void createPlotCopiesASubset() throws IOException {
        byte[] data = randomBytes(3 * KB256, 10);
        Path src = write(tmp.resolve("d"), data);
        try (StorageEngine engine = StorageTestSupport.open(tmp.resolve("home"))) {
            Manifest m = engine.ingest(src, new IngestOptions(KB256, Compression.NONE, null), OWNER, Progress.none());
            PlotSummary copy = engine.createPlot(m.datastoreId(), List.of(2, 0), Compression.ZSTD);
            assertThat(copy.capsuleCount()).isEqualTo(2);
            assertThat(engine.plots()).hasSize(2);
            assertThatThrownBy(() -> engine.createPlot(m.datastoreId(), List.of(3), Compression.NONE))
                    .hasMessageContaining("capsule index 3 is outside");
            assertThat(engine.verify(Optional.of(copy.plotId()), Progress.none()).plots()).singleElement()
                    .satisfies(v -> assertThat(v.ok()).isTrue());
            assertThatThrownBy(() -> engine.verify(Optional.of(Bytes32.ZERO), Progress.none()))
                    .isInstanceOf(StorageException.class).hasMessageContaining("no plot");
        }
    }

    @Test
    void aSourceFailingMidwayLeavesNothingBehind() throws IOException {
        byte[] data = randomBytes(3 * KB256, 11);
        Path src = write(tmp.resolve("d"), data);
        Manifest m;
        try (StorageEngine origin = StorageTestSupport.open(tmp.resolve("origin"))) {
            m = origin.ingest(src, new IngestOptions(KB256, Compression.NONE, null), OWNER, Progress.none());
        }
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine engine = StorageTestSupport.open(config)) {
            List<String> before = engine.indexDump();
            CapsuleSource failing = i -> {
                if (i == 2) {
                    throw new IOException("peer went away");
                }
                return Arrays.copyOfRange(data, i * KB256, (i + 1) * KB256);
            };
            assertThatThrownBy(() -> engine.store(m.version(), m.name(), m.files(), m.capsules(), failing, Compression.ZSTD))
                    .isInstanceOf(StorageException.class).hasMessageContaining("peer went away")
                    .hasMessageContaining(config.plotDirs().getFirst().toString());
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            assertThat(StorageTestSupport.countPlotFiles(config)).isZero();
            assertThat(engine.indexDump()).isEqualTo(before);
            // and the same push succeeds afterwards
            engine.store(m.version(), m.name(), m.files(), m.capsules(),
                    i -> Arrays.copyOfRange(data, i * KB256, (i + 1) * KB256), Compression.ZSTD);
            assertThat(engine.readCapsule(m.datastoreId(), 2)).isEqualTo(Arrays.copyOfRange(data, 2 * KB256, 3 * KB256));
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] readRange(Path file, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new IOException("eof");
                }
            }
            return b.array();
        }
    }
}
