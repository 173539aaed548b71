package net.dig.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Property tests over leaf counts 0..10,000 (sampled; small counts are exhaustive in MerkleTreeTest). */
class MerkleProofProperties {

    @Provide
    Arbitrary<Integer> leafCounts() {
        return Arbitraries.integers().between(0, 10_000);
    }

    private static List<Bytes32> randomLeaves(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<Bytes32> out = new ArrayList<>(n);
        byte[] b = new byte[8];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 8; k++) {
                b[k] = (byte) r.nextInt();
            }
            out.add(MerkleTree.leafHash(b));
        }
        return out;
    }

    @Property(tries = 40)
    void everyProofOfEveryLeafVerifies(@ForAll("leafCounts") int n, @ForAll long seed) {
        List<Bytes32> leaves = randomLeaves(n, seed);
        MerkleTree tree = MerkleTree.of(leaves);
        assertThat(tree.leafCount()).isEqualTo(n);
        if (n == 0) {
            assertThat(tree.root()).isEqualTo(Bytes32.ZERO);
            return;
        }
        for (int i = 0; i < n; i++) {
            MerkleProof p = MerkleProof.decode(tree.proof(i).encode());
            assertThat(p.verifies(leaves.get(i), tree.root())).isTrue();
        }
    }

    @Property(tries = 300)
    void anyFlippedBitFailsVerification(@ForAll("leafCounts") int n, @ForAll long seed,
                                        @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pick,
                                        @ForAll @IntRange(min = 0, max = 4) int target,
                                        @ForAll @IntRange(min = 0, max = 255) int bit) {
        if (n == 0) {
            return;
        }
        List<Bytes32> leaves = randomLeaves(n, seed);
        MerkleTree tree = MerkleTree.of(leaves);
        int index = pick % n;
        MerkleProof proof = tree.proof(index);
        Bytes32 leaf = leaves.get(index);
        Bytes32 root = tree.root();
        switch (target) {
            case 0 -> assertThat(proof.verifies(flip(leaf, bit), root)).isFalse();
            case 1 -> assertThat(proof.verifies(leaf, flip(root, bit))).isFalse();
            case 2 -> {
                if (proof.siblings().isEmpty()) {
                    return;
                }
                List<Bytes32> s = new ArrayList<>(proof.siblings());
                int k = bit % s.size();
                s.set(k, flip(s.get(k), bit));
                assertThat(new MerkleProof(index, n, s).verifies(leaf, root)).isFalse();
            }
            case 3 -> assertThat(flippedHeaderVerifies(proof, 0, bit % 32, leaf, root)).isFalse();
            default -> assertThat(flippedHeaderVerifies(proof, 4, bit % 32, leaf, root)).isFalse();
        }
    }

    /** Flips one bit of the u32 at {@code offset} of the encoding; the result either fails to decode or fails to verify. */
    private static boolean flippedHeaderVerifies(MerkleProof proof, int offset, int bit, Bytes32 leaf, Bytes32 root) {
        byte[] enc = proof.encode();
        enc[offset + 3 - bit / 8] ^= (byte) (1 << (bit % 8));
        try {
            return MerkleProof.decode(enc).verifies(leaf, root, proof.leafCount());
        } catch (MalformedProofException e) {
            assertThat(e.getMessage()).isNotBlank();
            return false;
        }
    }

    private static Bytes32 flip(Bytes32 v, int bit) {
        byte[] b = v.toArray();
        b[bit / 8] ^= (byte) (1 << (bit % 8));
        return Bytes32.wrap(b);
    }
}
