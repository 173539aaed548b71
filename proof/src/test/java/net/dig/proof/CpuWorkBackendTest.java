package net.dig.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;

class CpuWorkBackendTest {
    private static long sequential(byte[] prefix, int difficulty) {
        for (long n = 0; ; n++) {
            if (WorkProof.leadingZeroBits(Sha256.hash(prefix, ByteBuffer.allocate(8).putLong(n).array()).toArray()) >= difficulty) {
                return n;
            }
        }
    }

    @Test
    void everyLaneCountFindsTheSmallestNonce() {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 12; i++) {
                byte[] prefix = Fixtures.stream("prefix" + i, 40 + i);
                int difficulty = 4 + i;
                long expected = sequential(prefix, difficulty);
                for (int lanes = 1; lanes <= 3; lanes++) {
                    assertThat(new CpuWorkBackend(pool, lanes).search(prefix, difficulty)).isEqualTo(expected);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void leadingZeroBitsCountsAcrossBytes() {
        assertThat(WorkProof.leadingZeroBits(new byte[] {0, 0, 0x10, 0})).isEqualTo(19);
        assertThat(WorkProof.leadingZeroBits(new byte[] {(byte) 0x80})).isZero();
        assertThat(WorkProof.leadingZeroBits(new byte[4])).isEqualTo(32);
    }
}
