package net.dig.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    static List<Bytes32> leaves(int n) {
        List<Bytes32> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(MerkleTree.leafHash(new byte[] {(byte) i}));
        }
        return out;
    }

    static List<String[]> vectorLines(String name) throws IOException {
        try (InputStream in = MerkleTreeTest.class.getResourceAsStream("/vectors/" + name)) {
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.trim().split(" "));
                }
            }
            return rows;
        }
    }

    @Test
    void rootsMatchIndependentlyComputedVectors() throws IOException {
        List<String[]> rows = vectorLines("merkle-roots.txt");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(10);
        for (String[] row : rows) {
            int n = Integer.parseInt(row[0]);
            assertThat(MerkleTree.root(leaves(n))).as("root of %d leaves", n).isEqualTo(Bytes32.fromHex(row[1]));
        }
    }

    @Test
    void proofsMatchVectorsByteForByte() throws IOException {
        for (String[] row : vectorLines("merkle-proofs.txt")) {
            int index = Integer.parseInt(row[0]);
            int count = Integer.parseInt(row[1]);
            MerkleProof proof = MerkleTree.of(leaves(count)).proof(index);
            assertThat(Hex.encode(proof.encode())).isEqualTo(row[2]);
            assertThat(MerkleProof.decode(Hex.decode(row[2]))).isEqualTo(proof);
        }
    }

    @Test
    void shapeRules() {
        Bytes32 a = MerkleTree.leafHash(new byte[] {0});
        Bytes32 b = MerkleTree.leafHash(new byte[] {1});
        Bytes32 c = MerkleTree.leafHash(new byte[] {2});
        assertThat(MerkleTree.root(List.of())).isEqualTo(Bytes32.ZERO);
        assertThat(MerkleTree.root(List.of(a))).isEqualTo(a);
        assertThat(MerkleTree.root(List.of(a, b, c))).isEqualTo(MerkleTree.nodeHash(MerkleTree.nodeHash(a, b), c));
        assertThat(MerkleTree.leafHash(new byte[] {9, 0, 1, 9}, 1, 2)).isEqualTo(MerkleTree.leafHash(new byte[] {0, 1}));
        assertThat(MerkleTree.leafHash(new byte[0])).isEqualTo(Sha256.hash(new byte[] {1}));
    }

    @Test
    void everyProofOfEverySmallTreeVerifiesAndOnlyAgainstItsOwnLeaf() {
        for (int n = 1; n <= 70; n++) {
            List<Bytes32> ls = leaves(n);
            MerkleTree tree = MerkleTree.of(ls);
            for (int i = 0; i < n; i++) {
                MerkleProof p = tree.proof(i);
                assertThat(p.siblings()).hasSize(MerkleTree.siblingCount(i, n));
                assertThat(p.verifies(ls.get(i), tree.root())).isTrue();
                assertThat(p.verifies(ls.get((i + 1) % n), tree.root())).isEqualTo(n == 1);
                assertThat(MerkleProof.decode(p.encode())).isEqualTo(p);
                assertThat(MerkleProof.fromBase64(p.toBase64())).isEqualTo(p);
            }
        }
    }

    @Test
    void oneReusedDigestGivesTheSameHashesRootsAndVerdicts() throws IOException {
        java.security.MessageDigest d = Sha256.newDigest();
        byte[] data = {9, 0, 1, 9};
        assertThat(MerkleTree.leafHash(d, data, 1, 2)).isEqualTo(MerkleTree.leafHash(new byte[] {0, 1}));
        Bytes32 a = MerkleTree.leafHash(d, data, 0, 4);
        Bytes32 b = MerkleTree.leafHash(d, data, 0, 0);
        assertThat(MerkleTree.nodeHash(d, a, b)).isEqualTo(MerkleTree.nodeHash(a, b))
                .isEqualTo(Sha256.hash(new byte[] {2}, a.toArray(), b.toArray()));
        assertThatThrownBy(() -> MerkleTree.leafHash(d, data, 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        for (String[] row : vectorLines("merkle-proofs.txt")) {
            int index = Integer.parseInt(row[0]);
            int count = Integer.parseInt(row[1]);
            List<Bytes32> ls = leaves(count);
            MerkleProof proof = MerkleProof.decode(Hex.decode(row[2]));
            Bytes32 root = MerkleTree.root(ls);
            assertThat(proof.computeRoot(d, ls.get(index))).isEqualTo(proof.computeRoot(ls.get(index))).isEqualTo(root);
            assertThat(proof.verifies(d, ls.get(index), root)).isTrue();
            assertThat(proof.verifies(d, ls.get((index + 1) % count), root)).isEqualTo(count == 1);
        }
    }

    @Test
    void aDigestLeftHalfFedIsResetBeforeUse() {
        java.security.MessageDigest d = Sha256.newDigest();
        Bytes32 a = MerkleTree.leafHash(new byte[] {7});
        d.update(new byte[] {1, 2, 3});
        assertThat(MerkleTree.leafHash(d, new byte[] {7}, 0, 1)).isEqualTo(a);
        d.update(new byte[] {4});
        assertThat(MerkleTree.nodeHash(d, a, a)).isEqualTo(MerkleTree.nodeHash(a, a));
        MerkleTree tree = MerkleTree.of(leaves(5));
        MerkleProof p = tree.proof(4);
        d.update(new byte[] {5});
        assertThat(p.computeRoot(d, leaves(5).get(4))).isEqualTo(tree.root());
        List<Bytes32> tooFew = p.siblings().subList(0, p.siblings().size() - 1);
        assertThat(new MerkleProof(4, 5, tooFew).verifies(d, leaves(5).get(4), tree.root())).isFalse();
    }

    @Test
    void proofOutsideTreeIsRefused() {
        MerkleTree tree = MerkleTree.of(leaves(3));
        assertThatThrownBy(() -> tree.proof(3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("3 leaves");
        assertThatThrownBy(() -> MerkleTree.of(List.of()).proof(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void malformedProofsAreRejectedWithReason() {
        MerkleProof good = MerkleTree.of(leaves(5)).proof(2);
        byte[] enc = good.encode();

        assertThatThrownBy(() -> MerkleProof.decode(new byte[8])).isInstanceOf(MalformedProofException.class)
                .hasMessageContaining("shorter than its 9-byte header");
        assertThatThrownBy(() -> MerkleProof.decode(java.util.Arrays.copyOf(enc, enc.length - 1)))
                .isInstanceOf(MalformedProofException.class).hasMessageContaining("declares 3 siblings");
        assertThatThrownBy(() -> MerkleProof.decode(java.util.Arrays.copyOf(enc, enc.length + 1)))
                .isInstanceOf(MalformedProofException.class).hasMessageContaining("declares 3 siblings");

        byte[] indexTooBig = enc.clone();
        indexTooBig[3] = 5;
        assertThatThrownBy(() -> MerkleProof.decode(indexTooBig)).isInstanceOf(MalformedProofException.class)
                .hasMessageContaining("leaf index 5 is not below leaf count 5");

        byte[] countZero = enc.clone();
        countZero[7] = 0;
        assertThatThrownBy(() -> MerkleProof.decode(countZero)).isInstanceOf(MalformedProofException.class)
                .hasMessageContaining("leaf count must be");

        byte[] hugeCount = enc.clone();
        hugeCount[4] = (byte) 0x80;
        assertThatThrownBy(() -> MerkleProof.decode(hugeCount)).isInstanceOf(MalformedProofException.class)
                .hasMessageContaining("2147483653");

        List<Bytes32> extra = new ArrayList<>(good.siblings());
        extra.add(Bytes32.ZERO);
        MerkleProof tooMany = new MerkleProof(2, 5, extra);
        assertThatThrownBy(() -> tooMany.computeRoot(Bytes32.ZERO)).isInstanceOf(MalformedProofException.class)
                .hasMessageContaining("needs 3 siblings but the proof has 4 (too many)");
        assertThatThrownBy(() -> MerkleProof.decode(tooMany.encode())).hasMessageContaining("too many");
        MerkleProof tooFew = new MerkleProof(2, 5, good.siblings().subList(0, 2));
        assertThatThrownBy(() -> tooFew.computeRoot(Bytes32.ZERO)).hasMessageContaining("(too few)");
        assertThat(tooFew.verifies(Bytes32.ZERO, Bytes32.ZERO)).isFalse();

        assertThatThrownBy(() -> new MerkleProof(0, 0, List.of())).isInstanceOf(MalformedProofException.class);
        assertThatThrownBy(() -> new MerkleProof(-1, 5, List.of())).isInstanceOf(MalformedProofException.class);
        assertThatThrownBy(() -> MerkleProof.fromBase64("!!")).isInstanceOf(MalformedProofException.class)
                .hasMessageContaining("Base64");
    }

    @Test
    void leafCountIsCheckedAgainstTheKnownCount() {
        // index 0 of 5 and of 7 leaves take the same path (three right siblings): the root cannot tell them apart.
        List<Bytes32> ls = leaves(5);
        MerkleTree tree = MerkleTree.of(ls);
        MerkleProof p = tree.proof(0);
        MerkleProof sameShape = new MerkleProof(0, 7, p.siblings());
        assertThat(sameShape.verifies(ls.get(0), tree.root())).isTrue();
        assertThat(sameShape.verifies(ls.get(0), tree.root(), 5)).isFalse();
        assertThat(p.verifies(ls.get(0), tree.root(), 5)).isTrue();
    }
}
