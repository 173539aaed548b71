package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pure window check names the first chunk that does not match, wherever the window starts. */
class FetchChecksTest {
    @Test
    void theFirstBadChunkOfAWindowIsNamedByItsIndexInTheCapsule() {
        byte[] capsule = new byte[5 * 4096 + 100];
        new SplittableRandom(4).nextBytes(capsule);
        byte[] hashes = CapsuleWindows.chunkHashes(capsule);
        byte[] window = java.util.Arrays.copyOfRange(capsule, 2 * 4096, capsule.length);
        assertThat(FetchChecks.badChunk(window, hashes, 2)).isEqualTo(-1);
        window[4096 + 17] ^= 0x20;
        assertThat(FetchChecks.badChunk(window, hashes, 2)).isEqualTo(3);
        byte[] tail = java.util.Arrays.copyOfRange(capsule, 5 * 4096, capsule.length);
        tail[99] ^= 1;
        assertThat(FetchChecks.badChunk(tail, hashes, 5)).isEqualTo(5);
    }
}
