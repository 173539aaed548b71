package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;

class ChallengeProofTest {
    private static final HexFormat HEX = HexFormat.of();

    private static final int SIZE = 8292;
    private static final int COUNT = 3;

    /** A capsule of 3 chunks (4096, 4096, 100 bytes) at {@code position} of a 3-capsule datastore. */
    private record Setup(byte[] capsule, MerkleTree chunks, MerkleTree datastore, Bytes32 capsuleHash) {
        static Setup at(int position) {
            byte[] capsule = new byte[SIZE];
            for (int i = 0; i < capsule.length; i++) {
                capsule[i] = (byte) (i * 7);
            }
            List<Bytes32> chunkLeaves = new ArrayList<>();
            for (int off = 0; off < capsule.length; off += 4096) {
                chunkLeaves.add(MerkleTree.leafHash(capsule, off, Math.min(4096, capsule.length - off)));
            }
            MerkleTree chunks = MerkleTree.of(chunkLeaves);
            Bytes32 capsuleHash = Sha256.hash(capsule);
            byte[] leafInput = new byte[64];
            capsuleHash.copyTo(leafInput, 0);
            chunks.root().copyTo(leafInput, 32);
            List<Bytes32> leaves = new ArrayList<>(List.of(MerkleTree.leafHash(new byte[] {1}),
                    MerkleTree.leafHash(new byte[] {2}), MerkleTree.leafHash(new byte[] {3})));
            leaves.set(position, MerkleTree.leafHash(leafInput));
            return new Setup(capsule, chunks, MerkleTree.of(leaves), capsuleHash);
        }

        byte[] chunk(int j) {
            return Arrays.copyOfRange(capsule, j * 4096, Math.min(SIZE, (j + 1) * 4096));
        }

        ChallengeProof prove(String id, int capsuleIndex, int chunkIndex, byte[] chunk, MerkleProof chunkProof,
                MerkleProof capsuleProof) {
            return ChallengeProof.sign(id, Bytes32.fromHex("aa".repeat(32)), Bytes32.fromHex("bb".repeat(32)), capsuleIndex,
                    capsuleHash, chunkIndex, chunk, chunkProof, capsuleProof, NodeIdentity.fromSeed(seed(1)));
        }

        ChallengeProof honest(String id, int position) {
            int j = ChallengeProof.chunkIndex(id, capsuleHash, SIZE);
            return prove(id, position, j, chunk(j), chunks.proof(j), datastore.proof(position));
        }
    }

    /** An honest proof of capsule 1 of 3 for challenge {@code chal_123}. */
    private static ChallengeProof sample() {
        return Setup.at(1).honest("chal_123", 1);
    }

    /** A challenge id whose designated chunk of the sample capsule is {@code chunk}. */
    private static String idChoosing(int chunk) {
        Bytes32 h = Setup.at(0).capsuleHash();
        for (int i = 0; ; i++) {
            if (ChallengeProof.chunkIndex("c" + i, h, SIZE) == chunk) {
                return "c" + i;
            }
        }
    }

    @Test
    void onlyTheChallengeChosenChunkIsAccepted() {
        Setup s = Setup.at(1);
        Bytes32 root = s.datastore().root();
        String id = idChoosing(0);
        assertThat(s.honest(id, 1).verify(root, COUNT, SIZE)).isTrue();
        for (int j = 1; j < 3; j++) {
            ChallengeProof other = s.prove(id, 1, j, s.chunk(j), s.chunks().proof(j), s.datastore().proof(1));
            assertThat(other.verify(root, COUNT, SIZE)).as("chunk %d instead of 0", j).isFalse();
        }
        // the same honest proof, checked against a different capsule size (so a different chunk count) fails
        assertThat(s.honest(id, 1).verify(root, COUNT, SIZE + 4096)).isFalse();
    }

    @Test
    void chunkProofLeafCountMustBeTheCapsulesChunkCount() {
        Setup s = Setup.at(1);
        String id = idChoosing(0);
        MerkleProof real = s.chunks().proof(0);
        // (0, 3) and (0, 4) have the same path shape: two right siblings; the root comes out the same
        MerkleProof forged = new MerkleProof(0, 4, real.siblings());
        assertThat(forged.computeRoot(MerkleTree.leafHash(s.chunk(0)))).isEqualTo(s.chunks().root());
        ChallengeProof p = s.prove(id, 1, 0, s.chunk(0), forged, s.datastore().proof(1));
        assertThat(p.verify(s.datastore().root(), COUNT, SIZE)).isFalse();
    }

    @Test
    void capsuleProofLeafCountMustBeTheManifestsCapsuleCount() {
        Setup s = Setup.at(2);
        String id = idChoosing(0);
        MerkleProof real = s.datastore().proof(2);
        // (2, 3) and (1, 2) have the same path shape: a carried level, then one left sibling
        MerkleProof forged = new MerkleProof(1, 2, real.siblings());
        ChallengeProof p = s.prove(id, 1, 0, s.chunk(0), s.chunks().proof(0), forged);
        assertThat(forged.computeRoot(leafOf(s))).isEqualTo(s.datastore().root());
        assertThat(p.verify(s.datastore().root(), COUNT, SIZE)).isFalse();
        assertThat(s.honest(id, 2).verify(s.datastore().root(), COUNT, SIZE)).isTrue();
    }

    @Test
    void theChunkMustHaveTheLengthTheCapsuleSizeImplies() {
        Setup s = Setup.at(1);
        String id = idChoosing(2);
        byte[] shortChunk = Arrays.copyOf(s.chunk(2), 99);
        ChallengeProof p = s.prove(id, 1, 2, shortChunk, s.chunks().proof(2), s.datastore().proof(1));
        assertThat(p.verify(s.datastore().root(), COUNT, SIZE)).isFalse();
        assertThat(s.honest(id, 1).verify(s.datastore().root(), COUNT, SIZE)).isTrue();
    }

    private static Bytes32 leafOf(Setup s) {
        byte[] leafInput = new byte[64];
        s.capsuleHash().copyTo(leafInput, 0);
        s.chunks().root().copyTo(leafInput, 32);
        return MerkleTree.leafHash(leafInput);
    }

    private static Bytes32 sampleRoot() {
        ChallengeProof p = sample();
        Bytes32 chunkRoot = p.chunkProof().computeRoot(MerkleTree.leafHash(p.chunk()));
        byte[] leafInput = new byte[64];
        p.capsuleHash().copyTo(leafInput, 0);
        chunkRoot.copyTo(leafInput, 32);
        return p.capsuleProof().computeRoot(MerkleTree.leafHash(leafInput));
    }

    @Test
    void encodingMatchesTheGoldenVectorAndRoundTrips() throws Exception {
        byte[] encoded = sample().encode();
        String golden = Files.readString(Path.of("src/test/resources/vectors/challenge-proof-v1.hex")).strip();
        assertThat(HEX.formatHex(encoded)).isEqualTo(golden);
        // hand-checked prefix: magic, version, u16 id length, id, plot id
        assertThat(HEX.formatHex(encoded, 0, 15)).isEqualTo("44494750" + "01" + "0008" + HEX.formatHex("chal_123".getBytes()));
        assertThat(HEX.formatHex(encoded, 15, 47)).isEqualTo("aa".repeat(32));
        ChallengeProof back = ChallengeProof.decode(encoded);
        assertThat(back.encode()).isEqualTo(encoded);
        assertThat(back.verify(sampleRoot(), COUNT, SIZE)).isTrue();
    }

    @Test
    void anyChangeBreaksVerification() {
        byte[] encoded = sample().encode();
        Bytes32 root = sampleRoot();
        for (int i = 0; i < encoded.length; i += 37) {
            byte[] t = encoded.clone();
            t[i] ^= 0x01;
            boolean ok;
            try {
                ok = ChallengeProof.decode(t).verify(root, COUNT, SIZE);
            } catch (RuntimeException e) {
                ok = false;
            }
            assertThat(ok).as("flipped byte %d", i).isFalse();
        }
        assertThat(ChallengeProof.decode(encoded).verify(Bytes32.fromHex("01".repeat(32)), COUNT, SIZE)).isFalse();
    }

    @Test
    void malformedEncodingsAreRefusedWithAReason() {
        byte[] encoded = sample().encode();
        assertThatThrownBy(() -> ChallengeProof.decode(Arrays.copyOf(encoded, encoded.length - 1))).hasMessageContaining("truncated");
        assertThatThrownBy(() -> ChallengeProof.decode(Arrays.copyOf(encoded, encoded.length + 1))).hasMessageContaining("trailing");
        byte[] bad = encoded.clone();
        bad[0] = 'X';
        assertThatThrownBy(() -> ChallengeProof.decode(bad)).hasMessageContaining("DIGP");
    }

    @Test
    void theChunkIsFixedByTheChallenge() {
        Bytes32 h = Bytes32.fromHex("cc".repeat(32));
        int a = ChallengeProof.chunkIndex("c1", h, 16 << 20);
        assertThat(ChallengeProof.chunkIndex("c1", h, 16 << 20)).isEqualTo(a);
        assertThat(a).isBetween(0, 4095);
        assertThat(ChallengeProof.chunkIndex("anything", h, 10)).isZero();
        assertThat(ChallengeProof.chunkIndex("anything", h, 0)).isZero();
    }

    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
