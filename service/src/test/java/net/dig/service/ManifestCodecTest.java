package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleSize;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The manifest document against a golden file (key order, number and hex forms, a signature that is
 * deterministic for a fixed key), its round trip, and every refusal of the decoder with its code.
 */
class ManifestCodecTest {
    private static final Path GOLDEN = Path.of("src/test/resources/vectors/manifest-v1.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two capsules of 256 KiB datastore, one file spanning both; signed by the key of seed 2. */
    static Manifest sample() {
        NodeIdentity owner = NodeIdentity.fromSeed(filled(2));
        List<CapsuleInfo> capsules = List.of(
                new CapsuleInfo(0, Bytes32.fromHex("a1".repeat(32)), 262_144, Bytes32.fromHex("b1".repeat(32))),
                new CapsuleInfo(1, Bytes32.fromHex("a2".repeat(32)), 1000, Bytes32.fromHex("b2".repeat(32))));
        List<FileEntry> files = List.of(new FileEntry("docs/a b.txt", 0, 263_144, Bytes32.fromHex("c1".repeat(32))));
        DatastoreVersion v = DatastoreVersion.signed(filled(9), 3, Bytes32.fromHex("d1".repeat(32)), 2, 263_144, 262_144,
                1_700_000_000L, "site \"one\"", files, owner);
        return new Manifest(v, "site \"one\"", capsules, files);
    }

    @Test
    void theDocumentIsTheGoldenOne() {
        String golden = read();
        assertThat(ManifestCodec.encode(sample())).isEqualTo(golden);
        DatastoreVersion v = ManifestCodec.decode(golden).version();
        assertThat(v.signatureValid()).as("the golden signature verifies").isTrue();
        assertThat(v.idDerivationValid()).as("datastore_id = SHA-256(owner || nonce)").isTrue();
    }

    private static String read() {
        try {
            return Files.readString(GOLDEN, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void keysComeInTheDocumentedOrder() {
        List<String> keys = ManifestCodec.toTree(sample()).properties().stream().map(e -> e.getKey()).toList();
        assertThat(keys).containsExactly("datastore_id", "capsule_count", "merkle_root", "total_size", "creation_time",
                "capsules", "version", "owner", "nonce", "files_root", "signature", "files", "name", "capsule_size");
    }

    @Test
    void decodingTheDocumentGivesTheSameVersionCapsulesAndFiles() {
        Manifest m = sample();
        ManifestCodec.Decoded d = ManifestCodec.decode(ManifestCodec.encode(m));
        assertThat(d.version()).isEqualTo(m.version());
        assertThat(d.version().signatureValid()).isTrue();
        assertThat(d.name()).isEqualTo(m.name());
        assertThat(d.capsules()).isEqualTo(m.capsules());
        assertThat(d.files()).isEqualTo(m.files());
    }

    @Test
    void theFileTableIsOptionalOnDecode() {
        ObjectNode o = ManifestCodec.toTree(sample());
        o.remove("files");
        o.remove("files_root");
        ManifestCodec.Decoded d = ManifestCodec.decode(o.toString());
        assertThat(d.files()).isEmpty();
        assertThat(d.version().filesRoot()).isEqualTo(DatastoreVersion.filesRoot(List.of()));
    }

    @Test
    void everyMalformedFieldIsRefusedWithItsCode() {
        assertThatThrownBy(() -> ManifestCodec.decode("not json")).satisfies(code("bad_json"));
        assertThatThrownBy(() -> ManifestCodec.decode("[1]")).satisfies(code("bad_json"));
        refused(o -> o.remove("datastore_id"), "missing_field");
        refused(o -> o.put("datastore_id", "0x12"), "bad_datastore_id");
        refused(o -> o.remove("merkle_root"), "missing_field");
        refused(o -> o.put("merkle_root", "zz"), "bad_merkle_root");
        refused(o -> o.put("owner", "0x" + "ab".repeat(31)), "bad_owner");
        refused(o -> o.put("nonce", 5), "bad_field");
        refused(o -> o.put("signature", "0x00"), "bad_signature");
        refused(o -> o.put("version", 1.5), "bad_field");
        refused(o -> o.put("version", "3"), "bad_field");
        refused(o -> o.put("version", 0), "bad_manifest");
        refused(o -> o.put("total_size", -1), "bad_manifest");
        refused(o -> o.put("capsule_size", 1000), "bad_manifest");
        refused(o -> o.put("name", "tab\there"), "bad_manifest");
        refused(o -> o.put("name", "x".repeat(256)), "bad_manifest");
        refused(o -> o.put("capsule_count", 3), "bad_manifest");
        refused(o -> o.put("capsules", "none"), "bad_field");
        refused(o -> ((ObjectNode) o.withArray("capsules").get(1)).put("index", 5), "bad_manifest");
        refused(o -> ((ObjectNode) o.withArray("capsules").get(1)).put("size", 262_145), "bad_manifest");
        refused(o -> ((ObjectNode) o.withArray("capsules").get(0)).put("hash", "0x1"), "bad_hash");
        refused(o -> ((ObjectNode) o.withArray("capsules").get(0)).remove("chunk_root"), "missing_field");
        refused(o -> o.withArray("capsules").set(0, JSON.getNodeFactory().textNode("x")), "bad_manifest");
        refused(o -> ((ObjectNode) o.withArray("files").get(0)).put("path", "../etc/passwd"), "bad_manifest");
        refused(o -> ((ObjectNode) o.withArray("files").get(0)).put("length", 263_145), "bad_manifest");
        refused(o -> ((ObjectNode) o.withArray("files").get(0)).put("sha256", "0x"), "bad_sha256");
        refused(o -> o.put("files_root", "0x" + "00".repeat(32)), "bad_manifest");
    }

    @Test
    void acceptsExactlyTheByteCountsOfCapsuleSize() {
        for (CapsuleSize size : CapsuleSize.values()) {
            ObjectNode o = ManifestCodec.toTree(sample());
            o.put("capsule_size", size.bytes());
            assertThat(ManifestCodec.decode(o.toString()).version().capsuleSize()).as(size.label()).isEqualTo(size.bytes());
            for (long off : new long[] {size.bytes() - 1L, size.bytes() + 1L, size.bytes() * 2L}) {
                if (CapsuleSize.allBytes().contains((int) off)) {
                    continue;
                }
                refused(t -> t.put("capsule_size", off), "bad_manifest");
            }
        }
        refused(t -> t.put("capsule_size", 0), "bad_manifest");
        refused(t -> t.put("capsule_size", -262_144), "bad_manifest");
    }

    @Test
    void aRefusedCapsuleSizeNamesEveryClass() {
        assertThatThrownBy(() -> ManifestCodec.capsuleSize(262_145))
                .hasMessage("capsule_size must be one of 262144, 1048576, 4194304, 16777216");
        assertThat(ManifestCodec.capsuleSize(4_194_304)).isEqualTo(CapsuleSize.MIB_4);
    }

    private static void refused(Consumer<ObjectNode> change, String code) {
        ObjectNode o = ManifestCodec.toTree(sample());
        change.accept(o);
        assertThatThrownBy(() -> ManifestCodec.decode(o.toString())).as(code).satisfies(code(code));
    }

    private static Consumer<Throwable> code(String code) {
        return t -> {
            assertThat(t).isInstanceOf(ServiceException.class);
            ServiceException e = (ServiceException) t;
            assertThat(e.jsonCode()).isEqualTo(code);
            assertThat(e.code().httpStatus()).isEqualTo(400);
        };
    }

    private static byte[] filled(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
