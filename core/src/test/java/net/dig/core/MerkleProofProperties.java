package net.dig.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

/** Property tests over leaf counts 0..10,000 (sampled; small counts are exhaustive in MerkleTreeTest). */
class MerkleProofProperties {
    /** The verification under test, so that a broken one can be run through the same property. */
    interface Verifier {
        boolean verifies(MerkleProof proof, Bytes32 leafHash, Bytes32 root);
    }

    private static int leafCount(Gen g) {
        return g.ints(0, 10_000);
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

    @Test
    void everyProofOfEveryLeafVerifies() {
        PropertyRunner.tries(40).check(g -> everyProofOfEveryLeafVerifies(g, MerkleProof::verifies));
    }

    /** A verifier that never hashes in a path's first sibling refuses honest proofs, and the property says so. */
    @Test
    void aVerifierThatIgnoresASiblingFailsTheProperty() {
        assertThatThrownBy(() -> PropertyRunner.tries(40).seed(11).check(g -> everyProofOfEveryLeafVerifies(g,
                MerkleProofProperties::verifiesIgnoringTheFirstSibling)))
                .isInstanceOf(AssertionError.class)
                .hasCauseInstanceOf(AssertionError.class)
                .hasMessageContaining("base seed 11, try seed ")
                .hasMessageContaining("-Ddig.seed=11");
    }

    private static void everyProofOfEveryLeafVerifies(Gen g, Verifier verifier) {
        int n = leafCount(g);
        long seed = g.longs();
        List<Bytes32> leaves = randomLeaves(n, seed);
        MerkleTree tree = MerkleTree.of(leaves);
        assertThat(tree.leafCount()).isEqualTo(n);
        if (n == 0) {
            assertThat(tree.root()).isEqualTo(Bytes32.ZERO);
            return;
        }
        for (int i = 0; i < n; i++) {
            MerkleProof p = MerkleProof.decode(tree.proof(i).encode());
            assertThat(verifier.verifies(p, leaves.get(i), tree.root())).as("leaf %d of %d", i, n).isTrue();
        }
    }

    /** {@link MerkleProof#computeRoot}'s walk, except that the first sibling is skipped instead of hashed in. */
    private static boolean verifiesIgnoringTheFirstSibling(MerkleProof proof, Bytes32 leafHash, Bytes32 root) {
        Bytes32 h = leafHash;
        int index = proof.leafIndex();
        int next = 0;
        for (int n = proof.leafCount(); n > 1; n = (n + 1) >>> 1) {
            boolean odd = (index & 1) == 1;
            if (odd || index + 1 < n) {
                Bytes32 sibling = proof.siblings().get(next++);
                if (next > 1) {
                    h = odd ? MerkleTree.nodeHash(sibling, h) : MerkleTree.nodeHash(h, sibling);
                }
            }
            index >>>= 1;
        }
        return h.equals(root);
    }

    @Test
    void anyFlippedBitFailsVerification() {
        PropertyRunner.tries(300).check(MerkleProofProperties::anyFlippedBitFailsVerification);
    }

    private static void anyFlippedBitFailsVerification(Gen g) {
        int n = leafCount(g);
        long seed = g.longs();
        int pick = g.ints(0, Integer.MAX_VALUE);
        int target = g.ints(0, 4);
        int bit = g.ints(0, 255);
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
