package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;

class ChallengeProofTest {
    private static final HexFormat HEX = HexFormat.of();

    /** A capsule of 3 chunks (4096, 4096, 100 bytes) as capsule 1 of a 3-capsule datastore. */
    private static ChallengeProof sample() {
        byte[] capsule = new byte[8292];
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
        MerkleTree datastore = MerkleTree.of(List.of(MerkleTree.leafHash(new byte[] {1}), MerkleTree.leafHash(leafInput),
                MerkleTree.leafHash(new byte[] {3})));
        int chunk = 2;
        return ChallengeProof.sign("chal_123", Bytes32.fromHex("aa".repeat(32)), Bytes32.fromHex("bb".repeat(32)), 1,
                capsuleHash, chunk, Arrays.copyOfRange(capsule, 8192, 8292), chunks.proof(chunk), datastore.proof(1),
                NodeIdentity.fromSeed(ApiFixture.seed(1)));
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
        assertThat(back.verify(sampleRoot())).isTrue();
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
                ok = ChallengeProof.decode(t).verify(root);
            } catch (RuntimeException e) {
                ok = false;
            }
            assertThat(ok).as("flipped byte %d", i).isFalse();
        }
        assertThat(ChallengeProof.decode(encoded).verify(Bytes32.fromHex("01".repeat(32)))).isFalse();
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
}
