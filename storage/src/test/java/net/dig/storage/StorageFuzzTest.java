package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.dig.core.Sha256;

/**
 * Fuzz targets for what dig-storage reads back from disk: a plot file, the datastore version record, the
 * manifest and a stored capsule. The contract: {@link PlotReader} opens a plot or throws
 * {@link PlotReader.Corrupt} or {@link IOException}; the record decoders return a value or throw the
 * {@link IllegalArgumentException} their Javadoc promises (their callers turn it into Corrupt or a
 * {@link StorageException}); the capsule codec returns exactly {@code size} bytes or throws
 * {@link IOException}. Anything else (an unchecked exception from inside, an OOM, a hang) is a finding.
 *
 * <p>Random bytes never pass a plot's header hash and signature, so {@link #resealedPlot} starts from the
 * small plot vector, overwrites a few bytes where the fuzzer says, and reseals the header (table hashes,
 * commitment, plot id, node signature, header hash) before opening it: that reaches the table checks.
 */
class StorageFuzzTest {
    private static final byte[] SMALL_PLOT = resource("/vectors/plot-small-v1.dig1");
    private static final Path DIR = tempDir();

    @FuzzTest
    void plotFile(byte[] file) {
        open(file);
    }

    @FuzzTest
    void resealedPlot(FuzzedDataProvider data) {
        byte[] file = SMALL_PLOT.clone();
        int edits = data.consumeInt(1, 6);
        for (int i = 0; i < edits; i++) {
            int width = 1 << data.consumeInt(0, 3);
            int at = data.consumeInt(0, file.length - width);
            long value = data.consumeLong();
            for (int k = 0; k < width; k++) {
                file[at + k] = (byte) (value >>> (8 * k));
            }
        }
        if (data.consumeBoolean()) {
            file = Arrays.copyOf(file, data.consumeInt(PlotWriter.HEADER_SIZE, file.length + PlotWriter.PAGE));
        }
        open(reseal(file));
    }

    @FuzzTest
    void versionRecord(byte[] bytes) {
        DatastoreVersion v;
        try {
            v = DatastoreVersion.decode(bytes);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(v.encode()).isEqualTo(bytes);
        v.signatureValid();
        v.idDerivationValid();
    }

    @FuzzTest
    void manifest(byte[] bytes) {
        Manifest m;
        try {
            m = Manifest.decode(bytes);
            m.validate();
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(Manifest.decode(m.encode())).isEqualTo(m);
    }

    @FuzzTest
    void capsule(FuzzedDataProvider data) {
        Compression codec = data.consumeBoolean() ? Compression.ZSTD : Compression.NONE;
        int size = data.consumeInt(0, 1 << 20);
        byte[] stored = data.consumeRemainingAsBytes();
        byte[] raw;
        try {
            raw = CapsuleCodec.decode(stored, codec, size);
        } catch (IOException expected) {
            return;
        }
        if (codec == Compression.ZSTD) {
            assertThat(raw).hasSize(size);
        }
    }

    private static void open(byte[] file) {
        Path path = DIR.resolve("fuzzed.plot");
        try {
            Files.write(path, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (PlotReader r = PlotReader.open(path)) {
            for (PlotReader.Entry e : r.entries()) {
                try {
                    assertThat(r.readCapsule(e)).hasSize(e.size());
                    r.readChunkHashes(e);
                } catch (IOException expected) {
                    // a capsule that does not decode is reported by verify, not at open
                }
            }
        } catch (PlotReader.Corrupt | IOException expected) {
            // the typed outcomes of opening a bad plot
        }
    }

    /** Recomputes every hash and the signature the header carries, from the (edited) header fields and tables. */
    static byte[] reseal(byte[] file) {
        if (file.length < PlotWriter.HEADER_SIZE) {
            return file;
        }
        ByteBuffer h = ByteBuffer.wrap(file);
        h.put(88, StorageTestSupport.NODE.publicKey());
        byte[] directory = new byte[32 * PlotWriter.TABLES];
        for (int t = 0; t < PlotWriter.TABLES; t++) {
            long start = Integer.toUnsignedLong(h.getInt(52 + 4 * t)) * PlotWriter.PAGE;
            long length = h.getLong(168 + 40 * t);
            if (start > 0 && length >= 0 && start + length <= file.length) {
                byte[] sha = Sha256.hash(Arrays.copyOfRange(file, (int) start, (int) (start + length))).toArray();
                h.put(168 + 40 * t + 8, sha);
            }
            h.get(168 + 40 * t + 8, directory, 32 * t, 32);
        }
        byte[] commitment = Sha256.hash(directory).toArray();
        h.put(120, commitment);
        byte[] time = Arrays.copyOfRange(file, 8, 16);
        h.put(16, Sha256.hash(StorageTestSupport.NODE.publicKey(), commitment, time).toArray());
        h.put(PlotWriter.SIGNED_HEADER_BYTES, StorageTestSupport.NODE.sign(Arrays.copyOf(file, PlotWriter.SIGNED_HEADER_BYTES)));
        h.put(PlotWriter.HEADER_HASH_OFFSET, Sha256.hash(file, 0, PlotWriter.HEADER_HASH_OFFSET).toArray());
        return file;
    }

    private static byte[] resource(String name) {
        try (InputStream in = StorageFuzzTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("storage-fuzz");
            dir.toFile().deleteOnExit();
            dir.resolve("fuzzed.plot").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
