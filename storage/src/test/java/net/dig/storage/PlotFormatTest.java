package net.dig.storage;

import static net.dig.storage.StorageTestSupport.NODE;
import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DIG1 layout byte for byte, and what happens to plots with flipped bytes. */
class PlotFormatTest {
    static final String VECTOR = "/vectors/plot-small-v1.dig1";
    static final long CREATION_TIME = 1_704_067_200L;

    @TempDir
    Path tmp;

    /** Two datastores with tiny capsules, fixed keys, nonces and time. */
    static Path writeSmallPlot(Path dir) throws IOException {
        byte[] hello = "hello, DIG".getBytes(StandardCharsets.UTF_8);
        byte[] five = new byte[5000];
        for (int i = 0; i < five.length; i++) {
            five[i] = (byte) (i * 7);
        }
        Manifest a = manifest(0x11, "hello", hello, "hello.txt");
        Manifest b = manifest(0x22, "five-thousand", five, "five.bin");
        try (PlotWriter w = PlotWriter.create(dir)) {
            append(w, a, hello);
            append(w, b, five);
            return w.finish(NODE, CREATION_TIME, List.of(a, b)).path();
        }
    }

    private static Manifest manifest(int nonceByte, String name, byte[] data, String file) {
        byte[] nonce = new byte[32];
        Arrays.fill(nonce, (byte) nonceByte);
        CapsuleHashes h = CapsuleHashes.of(data, data.length);
        CapsuleInfo c = new CapsuleInfo(0, h.hash(), data.length, h.chunkRoot());
        List<FileEntry> files = List.of(new FileEntry(file, 0, data.length, Sha256.hash(data)));
        DatastoreVersion v = DatastoreVersion.signed(nonce, 1, MerkleTree.root(List.of(Manifest.leafHash(c))), 1, data.length,
                262_144, CREATION_TIME, name, files, OWNER);
        return new Manifest(v, name, List.of(c), files);
    }

    private static void append(PlotWriter w, Manifest m, byte[] data) throws IOException {
        CapsuleHashes h = CapsuleHashes.of(data, data.length);
        w.append(m.datastoreId(), 0, data.length, h.hash(), h.chunkRoot(), h.chunkHashes(), data, data.length, Compression.NONE);
    }

    @Test
    void smallPlotMatchesGoldenVectorByteForByte() throws IOException {
        Path plot = writeSmallPlot(Files.createDirectories(tmp.resolve("p")));
        byte[] actual = Files.readAllBytes(plot);
        if (Boolean.getBoolean("dig.writeVectors")) {
            Files.write(Path.of("src/test/resources" + VECTOR), actual);
        }
        byte[] expected;
        try (InputStream in = getClass().getResourceAsStream(VECTOR)) {
            assertThat(in).as("golden vector " + VECTOR).isNotNull();
            expected = in.readAllBytes();
        }
        assertThat(actual).hasSize(expected.length);
        assertThat(actual).isEqualTo(expected);
        assertThat(plot.getFileName().toString()).isEqualTo(Hex32.of(actual, 16).substring(2) + ".plot");
    }

    @Test
    void goldenVectorHasTheSeedFieldsAtTheSeedOffsets() throws Exception {
        byte[] v;
        try (InputStream in = getClass().getResourceAsStream(VECTOR)) {
            v = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        assertThat(new String(v, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("DIG1");
        assertThat(b.getInt(0)).isEqualTo(0x44494731);
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getLong(8)).isEqualTo(CREATION_TIME);
        assertThat(b.getInt(48)).isEqualTo(2);
        // capsule data: page 1 (10 bytes) and page 2 (5000 bytes) -> tables from page 4
        int[] pointers = new int[7];
        for (int t = 0; t < 7; t++) {
            pointers[t] = b.getInt(52 + 4 * t);
        }
        assertThat(pointers).containsExactly(4, 5, 6, 7, 8, 0, 0);
        assertThat(b.getInt(84)).isEqualTo(4096);
        assertThat(Arrays.copyOfRange(v, 88, 120)).isEqualTo(NODE.publicKey());
        assertThat(b.getLong(152)).isEqualTo(4096);
        assertThat(b.getLong(160)).isEqualTo(8192 + 5000);
        assertThat(Sha256.hash(v, 0, 4064)).isEqualTo(Bytes32.wrap(v, 4064));
        assertThat(v.length % 4096).isZero();
        // C1 record 0: datastore_id, index 0, size 10, hash, offset 4096
        ByteBuffer c1 = ByteBuffer.wrap(v, 4 * 4096, 160);
        c1.position(4 * 4096 + 32);
        assertThat(c1.getInt()).isZero();
        assertThat(c1.getInt()).isEqualTo(10);
        assertThat(Bytes32.read(c1)).isEqualTo(Sha256.hash("hello, DIG".getBytes(StandardCharsets.UTF_8)));
        assertThat(c1.getLong()).isEqualTo(4096);
        assertThat(new String(v, 4096, 10, StandardCharsets.UTF_8)).isEqualTo("hello, DIG");

        Path copy = Files.write(tmp.resolve("v.plot"), v);
        try (PlotReader r = PlotReader.open(copy)) {
            assertThat(r.entries()).hasSize(2);
            assertThat(r.manifests()).extracting(Manifest::name).containsExactlyInAnyOrder("hello", "five-thousand");
            assertThat(r.plotId()).isEqualTo(Bytes32.wrap(v, 16));
            assertThat(r.creationTime()).isEqualTo(CREATION_TIME);
            for (PlotReader.Entry e : r.entries()) {
                assertThat(r.checkCapsule(e)).isNull();
            }
        }
    }

    // ------------------------------------------------------------------ damage

    private record Fixture(StorageConfig config, Manifest manifest, Path plot) {}

    private Fixture ingestTwoCapsules() throws IOException {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Path src = StorageTestSupport.write(tmp.resolve("src.bin"), StorageTestSupport.randomBytes(262_144 + 9000, 42));
        try (StorageEngine e = StorageTestSupport.open(config)) {
            Manifest m = e.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
            return new Fixture(config, m, e.plots().getFirst().path());
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        all[(int) offset] ^= 0x40;
        Files.write(file, all);
    }

    private static long tableStart(Path plot, int table) throws IOException {
        byte[] h = Arrays.copyOf(Files.readAllBytes(plot), 4096);
        return Integer.toUnsignedLong(ByteBuffer.wrap(h).getInt(52 + 4 * (table - 1))) * 4096;
    }

    @Test
    void flippedHeaderByteQuarantinesThePlot() throws IOException {
        Fixture f = ingestTwoCapsules();
        flip(f.plot(), 100);
        try (StorageEngine e = StorageTestSupport.open(f.config())) {
            assertThat(e.plots()).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(PlotStatus.QUARANTINED);
                assertThat(p.quarantineReason()).isEqualTo("header: header checksum mismatch");
            });
            assertThatThrownBy(() -> e.locate(f.manifest().datastoreId(), 0)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("quarantined plot " + f.plot()).hasMessageContaining("header checksum mismatch");
            assertThatThrownBy(() -> e.readCapsule(f.manifest().datastoreId(), 1)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("quarantined");
            VerifyReport report = e.verify(Optional.empty(), Progress.none());
            assertThat(report.plots()).containsExactly(new PlotVerification(PlotReader.claimedPlotId(f.plot()), f.plot(),
                    false, false, List.of()));
            assertThat(report.ok()).isFalse();
        }
    }

    @Test
    void flippedByteInEachTableQuarantinesThePlot() throws IOException {
        Fixture f = ingestTwoCapsules();
        byte[] pristine = Files.readAllBytes(f.plot());
        for (int table = 1; table <= 5; table++) {
            Files.write(f.plot(), pristine);
            flip(f.plot(), tableStart(f.plot(), table) + 3);
            try (StorageEngine e = StorageTestSupport.open(f.config())) {
                String reason = "tables: table C" + table + " checksum mismatch";
                assertThat(e.plots()).as("C%d", table).singleElement().satisfies(p -> {
                    assertThat(p.status()).isEqualTo(PlotStatus.QUARANTINED);
                    assertThat(p.quarantineReason()).isEqualTo(reason);
                });
                assertThatThrownBy(() -> e.locate(f.manifest().datastoreId(), 1)).isInstanceOf(StorageException.class)
                        .hasMessageContaining(reason);
                VerifyReport report = e.verify(Optional.empty(), Progress.none());
                assertThat(report.plots()).containsExactly(new PlotVerification(f.manifest().version() == null ? null
                        : PlotReader.claimedPlotId(f.plot()), f.plot(), true, false, List.of()));
            }
        }
        Files.write(f.plot(), pristine);
        try (StorageEngine e = StorageTestSupport.open(f.config())) {
            assertThat(e.plots()).singleElement().extracting(PlotSummary::status).isEqualTo(PlotStatus.OK);
            assertThat(e.locate(f.manifest().datastoreId(), 1)).isPresent();
        }
    }

    @Test
    void flippedCapsuleByteIsReportedByIndex() throws IOException {
        Fixture f = ingestTwoCapsules();
        try (StorageEngine e = StorageTestSupport.open(f.config())) {
            CapsuleLocation loc = e.locate(f.manifest().datastoreId(), 1).orElseThrow();
            e.close();
            flip(f.plot(), loc.offset() + 5000);
        }
        try (StorageEngine e = StorageTestSupport.open(f.config())) {
            assertThat(e.plots()).singleElement().extracting(PlotSummary::status).isEqualTo(PlotStatus.OK);
            VerifyReport report = e.verify(Optional.empty(), Progress.none());
            Bytes32 plotId = e.plots().getFirst().plotId();
            assertThat(report.plots()).containsExactly(new PlotVerification(plotId, f.plot(), true, true,
                    List.of(new CapsuleProblem(f.manifest().datastoreId(), 1, "capsule hash mismatch"))));
            assertThat(e.readCapsule(f.manifest().datastoreId(), 0)).hasSize(262_144);
            assertThatThrownBy(() -> e.readCapsule(f.manifest().datastoreId(), 1)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("does not match its hash");
            assertThatThrownBy(() -> e.readChunk(f.manifest().datastoreId(), 1, 1)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("does not match its chunk hash");
            assertThat(e.readChunk(f.manifest().datastoreId(), 1, 0)).hasSize(4096);
        }
    }

    @Test
    void truncatedOrForeignFilesAreQuarantined() throws IOException {
        Fixture f = ingestTwoCapsules();
        byte[] all = Files.readAllBytes(f.plot());
        Files.write(f.plot(), Arrays.copyOf(all, all.length - 4096));
        Files.write(f.config().plotDirs().getFirst().resolve("junk.plot"), "not a plot".getBytes(StandardCharsets.UTF_8));
        try (StorageEngine e = StorageTestSupport.open(f.config())) {
            List<String> reasons = new ArrayList<>();
            for (PlotSummary p : e.plots()) {
                assertThat(p.status()).isEqualTo(PlotStatus.QUARANTINED);
                reasons.add(p.quarantineReason());
            }
            assertThat(reasons).containsExactlyInAnyOrder("header: file is 10 bytes, shorter than the 4096-byte header",
                    "header: table C5 lies outside the file");
        }
    }

    /** Hex of 32 bytes at an offset. */
    static final class Hex32 {
        static String of(byte[] b, int off) {
            return Bytes32.wrap(b, off).toHex();
        }
    }
}
