package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CapsuleCodecTest {
    /** {@code zeroPercent} % zero bytes after random bytes: zstd saves roughly that share. */
    static byte[] partlyZero(int zeroPercent) {
        byte[] b = StorageTestSupport.randomBytes(262_144, 5);
        int random = 262_144 * (100 - zeroPercent) / 100;
        java.util.Arrays.fill(b, random, b.length, (byte) 0);
        return b;
    }

    @Test
    void zstdIsKeptOnlyWhenItSavesAtLeastTenPercent() throws IOException {
        byte[] saves5 = partlyZero(5);
        CapsuleCodec.Encoded e5 = CapsuleCodec.encode(saves5, saves5.length, Compression.ZSTD);
        assertThat(e5.codec()).isEqualTo(Compression.NONE);
        assertThat(e5.length()).isEqualTo(saves5.length);

        byte[] saves20 = partlyZero(20);
        CapsuleCodec.Encoded e20 = CapsuleCodec.encode(saves20, saves20.length, Compression.ZSTD);
        assertThat(e20.codec()).isEqualTo(Compression.ZSTD);
        assertThat(e20.length()).isLessThanOrEqualTo(saves20.length * 9 / 10);
        byte[] stored = java.util.Arrays.copyOf(e20.bytes(), e20.length());
        assertThat(CapsuleCodec.decode(stored, Compression.ZSTD, saves20.length)).isEqualTo(saves20);

        assertThat(CapsuleCodec.encode(saves20, saves20.length, Compression.NONE).codec()).isEqualTo(Compression.NONE);
        assertThatThrownBy(() -> CapsuleCodec.decode(stored, Compression.ZSTD, saves20.length - 1))
                .isInstanceOf(IOException.class).hasMessageContaining("does not decode to");
        assertThatThrownBy(() -> CapsuleCodec.decode(new byte[] {1, 2, 3}, Compression.ZSTD, 10)).isInstanceOf(IOException.class);
    }

    @Test
    void theProbeStoresIncompressibleCapsulesPlainAndSamplesTheirEnd() {
        byte[] random = StorageTestSupport.randomBytes(1 << 20, 6);
        CapsuleCodec.Encoded plain = CapsuleCodec.encode(random, random.length, Compression.ZSTD);
        assertThat(plain.codec()).isEqualTo(Compression.NONE);
        assertThat(plain.bytes()).isSameAs(random);

        // only the last slice of the sample compresses, and that is enough to try the whole capsule
        byte[] zeroTail = random.clone();
        java.util.Arrays.fill(zeroTail, zeroTail.length - 300_000, zeroTail.length, (byte) 0);
        assertThat(CapsuleCodec.encode(zeroTail, zeroTail.length, Compression.ZSTD).codec()).isEqualTo(Compression.ZSTD);
    }
}
