package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;

/** Golden vectors of the datastore version record and the manifest, and their decoders' refusals. */
class RecordFormatsTest {
    static DatastoreVersion version() {
        Bytes32 id = DatastoreVersion.deriveId(OWNER.publicKey(), new byte[32]);
        return DatastoreVersion.signed(id, 3, Bytes32.fromHex("0x" + "5a".repeat(32)), 2, 262_144 + 10, 262_144,
                1_704_067_200L, OWNER);
    }

    static Manifest manifest() {
        DatastoreVersion v = version();
        return new Manifest(v, "vector", List.of(new CapsuleInfo(0, Sha256.hash(new byte[] {1}), 262_144, Bytes32.ZERO),
                new CapsuleInfo(1, Sha256.hash(new byte[] {2}), 10, Sha256.hash(new byte[] {3}))),
                List.of(new FileEntry("a/b.txt", 0, 262_154, Sha256.hash(new byte[0]))));
    }

    static String vector(String name, byte[] actual) throws IOException {
        if (Boolean.getBoolean("dig.writeVectors")) {
            Files.writeString(Path.of("src/test/resources/vectors/" + name), HexFormat.of().formatHex(actual) + "\n");
        }
        try (InputStream in = RecordFormatsTest.class.getResourceAsStream("/vectors/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    @Test
    void datastoreVersionMatchesVector() throws IOException {
        DatastoreVersion v = version();
        byte[] encoded = v.encode();
        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(vector("datastore-version-v1.hex", encoded));
        assertThat(encoded).hasSize(200);
        assertThat(new String(encoded, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("DIGV");
        assertThat(v.signatureValid()).isTrue();
        assertThat(DatastoreVersion.decode(encoded)).isEqualTo(v);
        byte[] tampered = encoded.clone();
        tampered[45] ^= 1; // version field
        assertThat(DatastoreVersion.decode(tampered).signatureValid()).isFalse();
        tampered[0] = 'X';
        assertThatThrownBy(() -> DatastoreVersion.decode(tampered)).hasMessageContaining("magic");
        assertThatThrownBy(() -> DatastoreVersion.decode(new byte[199])).hasMessageContaining("200 bytes, got 199");
    }

    @Test
    void manifestMatchesVector() throws IOException {
        Manifest m = manifest();
        byte[] encoded = m.encode();
        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(vector("manifest-v1.hex", encoded));
        assertThat(Manifest.decode(encoded)).isEqualTo(m);
        assertThatThrownBy(() -> Manifest.decode(java.util.Arrays.copyOf(encoded, encoded.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Manifest.decode(java.util.Arrays.copyOf(encoded, encoded.length + 1)))
                .hasMessageContaining("trailing");
        // the vector's root is made up: validate() says so
        assertThatThrownBy(m::validate).hasMessageContaining("merkle root");
    }

    @Test
    void manifestLeafIsCapsuleHashThenChunkRoot() {
        Manifest m = manifest();
        CapsuleInfo c = m.capsules().get(1);
        byte[] input = new byte[64];
        c.hash().copyTo(input, 0);
        c.chunkRoot().copyTo(input, 32);
        assertThat(m.leafHash(1)).isEqualTo(MerkleTree.leafHash(input));
    }

    @Test
    void fileEntriesRejectEscapingPaths() {
        for (String bad : List.of("/etc/passwd", "../x", "a/../../b", "a//b", "./a", "")) {
            assertThatThrownBy(() -> new FileEntry(bad, 0, 0, Bytes32.ZERO)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
