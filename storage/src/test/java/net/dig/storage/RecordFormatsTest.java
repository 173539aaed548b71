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
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;

/** Golden vectors of the datastore version record and the manifest, and their decoders' refusals. */
class RecordFormatsTest {
    static final List<FileEntry> FILES = List.of(new FileEntry("a/b.txt", 0, 262_154, Sha256.hash(new byte[0])));

    static DatastoreVersion version() {
        return DatastoreVersion.signed(new byte[32], 3, Bytes32.fromHex("0x" + "5a".repeat(32)), 2, 262_144 + 10, 262_144,
                1_704_067_200L, "vector", FILES, OWNER);
    }

    static Manifest manifest() {
        DatastoreVersion v = version();
        return new Manifest(v, "vector", List.of(new CapsuleInfo(0, Sha256.hash(new byte[] {1}), 262_144, Bytes32.ZERO),
                new CapsuleInfo(1, Sha256.hash(new byte[] {2}), 10, Sha256.hash(new byte[] {3}))), FILES);
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
        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(vector("datastore-version-v2.hex", encoded));
        assertThat(encoded).hasSize(296);
        assertThat(new String(encoded, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("DIGV");
        assertThat(v.signatureValid()).isTrue();
        assertThat(v.idDerivationValid()).isTrue();
        assertThat(v.datastoreId()).isEqualTo(Sha256.hash(OWNER.publicKey(), new byte[32]));
        assertThat(v.filesRoot()).isEqualTo(Sha256.hash(Manifest.encodeFileTable(FILES)));
        assertThat(v.nameSha256()).isEqualTo(Sha256.hash("vector".getBytes(StandardCharsets.UTF_8)));
        assertThat(DatastoreVersion.decode(encoded)).isEqualTo(v);
        byte[] tampered = encoded.clone();
        tampered[77] ^= 1; // version field
        assertThat(DatastoreVersion.decode(tampered).signatureValid()).isFalse();
        tampered[0] = 'X';
        assertThatThrownBy(() -> DatastoreVersion.decode(tampered)).hasMessageContaining("magic");
        assertThatThrownBy(() -> DatastoreVersion.decode(new byte[295])).hasMessageContaining("296 bytes, got 295");
    }

    @Test
    void layoutOneRecordsAreRefused() throws IOException {
        byte[] v1;
        try (InputStream in = RecordFormatsTest.class.getResourceAsStream("/vectors/datastore-version-v1.hex")) {
            v1 = HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
        assertThat(v1).hasSize(200);
        assertThatThrownBy(() -> DatastoreVersion.decode(v1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported datastore version record layout 1");
    }

    @Test
    void validateChecksIdDerivationNameFilesAndFileBounds() {
        Manifest m = manifest();
        DatastoreVersion v = m.version();
        // an id not derived from the owner key and nonce, signed: the owner of another id cannot claim it
        NodeIdentity thief = NodeIdentity.fromSeed(StorageTestSupport.seed(9));
        DatastoreVersion claimed = new DatastoreVersion(v.datastoreId(), v.nonce(), v.version(), v.merkleRoot(),
                v.capsuleCount(), v.totalSize(), v.capsuleSize(), v.creationTime(), v.nameSha256(), v.filesRoot(),
                thief.publicKey(), new byte[64]);
        DatastoreVersion stolen = claimed.withSignature(thief.sign(claimed.signingBytes()));
        assertThat(stolen.signatureValid()).isTrue();
        assertThatThrownBy(() -> new Manifest(stolen, "vector", m.capsules(), m.files()).validate())
                .hasMessageContaining("not SHA256(owner || nonce)");
        // a relay swapping the file table or the name
        List<FileEntry> swapped = List.of(new FileEntry("a/b.txt", 1, 262_153, Sha256.hash(new byte[0])));
        assertThatThrownBy(() -> new Manifest(v, "vector", m.capsules(), swapped).validate())
                .hasMessageContaining("files_root");
        assertThatThrownBy(() -> new Manifest(v, "other", m.capsules(), m.files()).validate())
                .hasMessageContaining("name");
        // file bounds without overflow: offset + length wraps to a small number
        List<FileEntry> wrapping = List.of(new FileEntry("x", Long.MAX_VALUE, Long.MAX_VALUE, Bytes32.ZERO));
        Bytes32 root = m.tree().root();
        DatastoreVersion good = DatastoreVersion.signed(new byte[32], 3, root, 2, 262_154, 262_144, 1, "vector",
                wrapping, OWNER);
        assertThatThrownBy(() -> new Manifest(good, "vector", m.capsules(), wrapping).validate())
                .hasMessageContaining("lies outside the datastore");
    }

    @Test
    void manifestMatchesVector() throws IOException {
        Manifest m = manifest();
        byte[] encoded = m.encode();
        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(vector("manifest-v2.hex", encoded));
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
