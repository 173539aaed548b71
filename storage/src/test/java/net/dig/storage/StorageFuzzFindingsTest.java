package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions for what {@link StorageFuzzTest} found, each as a plain unit test (docs/fuzzing.md). */
class StorageFuzzFindingsTest {
    @TempDir
    Path tmp;

    /** A plain capsule whose C2 stored length is not its size used to open, and then served the wrong bytes. */
    @Test
    void aPlainCapsuleStoredInMoreBytesThanItsSizeIsCorrupt() throws IOException {
        byte[] file = smallPlot();
        ByteBuffer h = ByteBuffer.wrap(file);
        int c2 = h.getInt(52 + 4) * PlotWriter.PAGE;
        assertThat(file[c2 + 4]).as("capsule 0 of the vector is stored plain").isEqualTo(Compression.NONE.code());
        h.putInt(c2, 848);
        Path path = Files.write(tmp.resolve("edited.plot"), StorageFuzzTest.reseal(file));

        assertThatThrownBy(() -> PlotReader.open(path).close()).isInstanceOf(PlotReader.Corrupt.class)
                .hasMessageContaining("table C2 record 0 stores 848 bytes of a plain capsule of 10");
    }

    /** A negative table length in a signed header passed the bounds check and reached the allocation. */
    @Test
    void aNegativeTableLengthIsCorruptNotANegativeArraySize() throws IOException {
        for (int table : new int[] {3, 4}) {
            byte[] file = smallPlot();
            ByteBuffer.wrap(file).putLong(168 + 40 * table, -4096);
            Path path = Files.write(tmp.resolve("negative-" + table + ".plot"), StorageFuzzTest.reseal(file));

            assertThatThrownBy(() -> PlotReader.open(path).close()).isInstanceOf(PlotReader.Corrupt.class)
                    .hasMessageContaining("table C" + (table + 1) + " lies outside the file");
        }
    }

    @Test
    void theCodecRefusesAPlainCapsuleOfTheWrongLength() {
        assertThatThrownBy(() -> CapsuleCodec.decode(new byte[848], Compression.NONE, 10)).isInstanceOf(IOException.class)
                .hasMessageContaining("a plain capsule of 10 bytes is stored in 848");
    }

    @Test
    void theResealedVectorStillOpens() throws Exception {
        Path path = Files.write(tmp.resolve("same.plot"), StorageFuzzTest.reseal(smallPlot()));
        try (PlotReader r = PlotReader.open(path)) {
            assertThat(r.entries()).hasSize(2);
        }
    }

    private static byte[] smallPlot() throws IOException {
        try (InputStream in = StorageFuzzFindingsTest.class.getResourceAsStream("/vectors/plot-small-v1.dig1")) {
            return in.readAllBytes();
        }
    }
}
