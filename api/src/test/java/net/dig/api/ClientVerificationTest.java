package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.Sha256;
import net.dig.service.ManifestCodec;
import net.dig.storage.Manifest;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that trusts nothing but the signed manifest: it downloads every capsule of every datastore
 * (plain and zstd, with and without Accept-Encoding), checks {@code X-Capsule-Hash} with its own SHA-256 and
 * the {@code X-Merkle-Proof} against the manifest's {@code merkle_root}, using only what came over HTTP.
 */
class ClientVerificationTest {
    @Test
    void everyCapsuleVerifiesAgainstTheSignedRoot(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            int checked = 0;
            for (Manifest m : List.of(f.dir, f.zstd, f.tiny)) {
                HttpResponse<String> mr = f.send("GET", "/datastore/" + m.datastoreId().toHex() + "/manifest", null);
                JsonObject manifest = new JsonObject(mr.body());
                assertThat(ManifestCodec.decode(manifest.encode()).version().signatureValid()).isTrue();
                Bytes32 root = Bytes32.fromHex(manifest.getString("merkle_root"));
                JsonArray capsules = manifest.getJsonArray("capsules");
                for (int i = 0; i < capsules.size(); i++) {
                    JsonObject c = capsules.getJsonObject(i);
                    for (String enc : new String[] {null, "zstd"}) {
                        String path = "/capsule/" + manifest.getString("datastore_id") + "/" + i;
                        HttpResponse<byte[]> r = enc == null ? f.get(path) : f.get(path, "Accept-Encoding", enc);
                        assertThat(r.statusCode()).isEqualTo(200);
                        byte[] body = r.body();
                        if (r.headers().firstValue("Content-Encoding").orElse("").equals("zstd")) {
                            body = Zstd.decompress(body, (int) c.getLong("size").longValue());
                        }
                        Bytes32 hash = Sha256.hash(body);
                        assertThat(hash.toHex()).isEqualTo(r.headers().firstValue("X-Capsule-Hash").orElseThrow())
                                .isEqualTo(c.getString("hash"));
                        byte[] leaf = new byte[64];
                        hash.copyTo(leaf, 0);
                        Bytes32.fromHex(c.getString("chunk_root")).copyTo(leaf, 32);
                        MerkleProof proof = MerkleProof.decode(Base64.getDecoder()
                                .decode(r.headers().firstValue("X-Merkle-Proof").orElseThrow()));
                        assertThat(proof.leafIndex()).isEqualTo(i);
                        assertThat(proof.leafCount()).isEqualTo(capsules.size());
                        assertThat(proof.verifies(MerkleTree.leafHash(leaf), root)).isTrue();
                        checked++;
                    }
                }
            }
            assertThat(checked).isEqualTo(2 * (f.dir.capsules().size() + f.zstd.capsules().size() + f.tiny.capsules().size()));
        }
    }
}
