package net.dig.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

class ChallengeDerivationTest {
    private static final Bytes32 DS = Fixtures.bytes32("datastore");
    private static final Bytes32 PROVER = Bytes32.wrap(Fixtures.identity("prover").publicKey());
    private final LocalBeacon beacon = new LocalBeacon(Fixtures.bytes32("beacon"));

    private static ChallengeScope scope(int capsules, long size) {
        int[] idx = new int[capsules];
        long[] sizes = new long[capsules];
        for (int i = 0; i < capsules; i++) {
            idx[i] = i;
            sizes[i] = size;
        }
        return new ChallengeScope(DS, capsules, idx, sizes);
    }

    @Test
    void inclusionPositionsAreDistinctAndNotAllEqual() {
        ChallengeScope s = scope(4, 10 * 4096L);
        for (long epoch = 0; epoch < 500; epoch++) {
            Challenge c = Challenge.derive(beacon, epoch, s, PROVER, ProofParts.FULL, 10, 8, 0);
            List<ChunkPosition> p = c.inclusionPositions();
            assertThat(p).hasSize(10).doesNotHaveDuplicates();
        }
    }

    @Test
    void askingForMoreSamplesThanChunksYieldsEveryChunkOnce() {
        Challenge c = Challenge.derive(beacon, 7, scope(2, 4096L * 3), PROVER, ProofParts.INCLUSION, 50, 1, 0);
        assertThat(new HashSet<>(c.inclusionPositions())).hasSize(6);
    }

    @Test
    void aReusedDigestGivesTheSameDrawsAndAccessPositions() {
        ChallengeScope s = scope(3, 4096L * 7 + 5);
        java.security.MessageDigest d = net.dig.core.Sha256.newDigest();
        for (long epoch = 0; epoch < 50; epoch++) {
            Challenge c = Challenge.derive(beacon, epoch, s, PROVER, ProofParts.FULL, 2, 4, 0);
            byte[] read = Fixtures.stream("read" + epoch, 4096);
            d.update(read, 0, 17); // left half-fed: the digest-taking forms reset it
            assertThat(c.nextAccess((int) epoch % 4, read, d)).isEqualTo(c.nextAccess((int) epoch % 4, read));
            d.update(read, 0, 3);
            assertThat(Challenge.draw(d, new byte[] {1}, DS, (int) epoch, 0, 1000 + epoch))
                    .isEqualTo(Challenge.draw(new byte[] {1}, DS, (int) epoch, 0, 1000 + epoch));
        }
    }

    /** Every chunk of a 97-chunk scope is drawn close to its share over 97,000 draws (chi-square bound). */
    @Test
    void positionsAreUniformOverChunks() {
        ChallengeScope s = new ChallengeScope(DS, 5, new int[] {0, 1, 2, 4}, new long[] {4096L * 50, 1, 4096L * 40 + 7, 4096L * 5});
        assertThat(s.totalChunks()).isEqualTo(97);
        int draws = 97_000;
        int[] counts = new int[97];
        int[] access = new int[97];
        for (int e = 0; e < draws; e++) {
            Challenge c = Challenge.derive(beacon, e, s, PROVER, ProofParts.FULL, 1, 1, 0);
            counts[global(s, c.inclusionPositions().getFirst())]++;
            access[global(s, c.nextAccess(0, Fixtures.stream("read" + e, 64)))]++;
        }
        assertThat(chiSquare(counts, draws)).isLessThan(150.0);
        assertThat(chiSquare(access, draws)).isLessThan(150.0);
    }

    private static double chiSquare(int[] counts, int draws) {
        double expected = (double) draws / counts.length;
        double chi = 0;
        for (int c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }

    private static int global(ChallengeScope s, ChunkPosition p) {
        long g = 0;
        for (int i = 0; i < s.heldCount(); i++) {
            if (s.heldIndex(i) == p.capsuleIndex()) {
                return (int) (g + p.chunkIndex());
            }
            g += ChallengeScope.chunkCount(s.heldSize(i));
        }
        throw new AssertionError("position outside the scope: " + p);
    }

    @Test
    void theChallengeIsBoundToProverEpochAndScope() {
        ChallengeScope s = scope(3, 4096L * 8);
        Challenge a = Challenge.derive(beacon, 1, s, PROVER, ProofParts.FULL, 4, 4, 8);
        Bytes32 other = Bytes32.wrap(Fixtures.identity("other").publicKey());
        Set<Bytes32> ids = Set.of(a.id(), Challenge.derive(beacon, 2, s, PROVER, ProofParts.FULL, 4, 4, 8).id(),
                Challenge.derive(beacon, 1, s, other, ProofParts.FULL, 4, 4, 8).id(),
                Challenge.derive(beacon, 1, scope(3, 4096L * 9), PROVER, ProofParts.FULL, 4, 4, 8).id(),
                Challenge.derive(beacon, 1, s, PROVER, ProofParts.INCLUSION, 4, 4, 8).id());
        assertThat(ids).hasSize(5);
        assertThat(Challenge.derive(beacon, 1, s, PROVER, ProofParts.FULL, 4, 4, 8).id()).isEqualTo(a.id());
    }

    @Test
    void drawRejectsTheBiasedTailWithoutFloatingPoint() {
        long n = (1L << 62) + 1; // 2^64 mod n = 2^64 - 3n + ... large: about a quarter of draws are rejected
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long v = Challenge.draw(new byte[] {1}, DS, i, 0, n);
            assertThat(v).isBetween(0L, n - 1);
            seen.add(v);
        }
        assertThat(seen).hasSize(200);
    }
}
