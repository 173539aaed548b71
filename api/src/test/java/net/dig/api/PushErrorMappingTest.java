package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.dig.core.NodeIdentity;
import net.dig.service.ErrorCode;
import net.dig.service.ManifestCodec;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.Manifest;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failed push or lookup becomes on the wire, driven through the real engine and the real HTTP
 * server: the status and JSON code of each case, and the CLI exit code the same row of the error table
 * gives. Nothing here writes an exception message of its own.
 */
class PushErrorMappingTest {
    private static final NodeIdentity STRANGER = NodeIdentity.fromSeed(ApiFixture.seed(9));

    @TempDir
    Path tmp;

    private ApiFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private HttpResponse<String> push(String manifest, Map<Integer, byte[]> capsules) throws Exception {
        Multipart mp = new Multipart().field("manifest", manifest).field("compression", "none");
        capsules.forEach((i, b) -> mp.file("capsule-" + i, b));
        return f.http.send(HttpRequest.newBuilder(f.uri("/datastore/push"))
                .header("Content-Type", Multipart.contentType()).header("Authorization", "Bearer " + ApiFixture.ADMIN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(mp.build())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<Integer, byte[]> capsulesOf(Manifest m) {
        Map<Integer, byte[]> out = new java.util.TreeMap<>();
        for (int i = 0; i < m.capsules().size(); i++) {
            out.put(i, f.storage.readCapsule(m.datastoreId(), i));
        }
        return out;
    }

    /** {@code m} as version {@code n}, the version record built by {@code sign} from the unsigned one. */
    static String asVersion(Manifest m, long n, java.util.function.UnaryOperator<DatastoreVersion> sign) {
        DatastoreVersion v = m.version();
        DatastoreVersion unsigned = new DatastoreVersion(v.datastoreId(), v.nonce(), n, v.merkleRoot(), v.capsuleCount(),
                v.totalSize(), v.capsuleSize(), v.creationTime(), v.nameSha256(), v.filesRoot(), v.ownerPublicKey(),
                new byte[64]);
        return ManifestCodec.encode(new Manifest(sign.apply(unsigned), m.name(), m.capsules(), m.files()));
    }

    private static void assertFailure(HttpResponse<String> r, int status, String code, int exitCode) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("error")).isEqualTo(code);
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("error", "message");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        List<ErrorCode> rows = Arrays.stream(ErrorCode.values())
                .filter(c -> c.httpStatus() == status
                        && (code.equals(c.jsonCode()) || c == ErrorCode.BAD_HEX_FIELD && code.startsWith("bad_")))
                .toList();
        assertThat(rows).as("rows of %d %s", status, code).isNotEmpty()
                .allSatisfy(c -> assertThat(c.exitCode()).as("CLI exit code of " + c).isEqualTo(exitCode));
    }

    @Test
    void aStaleVersionIs409() throws Exception {
        assertFailure(push(ManifestCodec.encode(f.tiny), capsulesOf(f.tiny)), 409, "stale_version", 1);
    }

    @Test
    void aVersionSignedByAnotherKeyIs422VerificationFailed() throws Exception {
        String foreign = asVersion(f.tiny, 2, v -> {
            DatastoreVersion owned = new DatastoreVersion(v.datastoreId(), v.nonce(), v.version(), v.merkleRoot(),
                    v.capsuleCount(), v.totalSize(), v.capsuleSize(), v.creationTime(), v.nameSha256(), v.filesRoot(),
                    STRANGER.publicKey(), new byte[64]);
            return owned.withSignature(STRANGER.sign(owned.signingBytes()));
        });
        assertFailure(push(foreign, capsulesOf(f.tiny)), 422, "verification_failed", 1);
        assertThat(f.storage.manifest(f.tiny.datastoreId()).orElseThrow().version().version()).isEqualTo(1);
    }

    @Test
    void aSignatureByTheWrongKeyIs422BadSignature() throws Exception {
        String forged = asVersion(f.tiny, 2, v -> v.withSignature(STRANGER.sign(v.signingBytes())));
        assertFailure(push(forged, capsulesOf(f.tiny)), 422, "bad_signature", 1);
    }

    @Test
    void aCorruptedCapsuleIsRefusedByTheEngineWith422() throws Exception {
        String v2 = asVersion(f.dir, 2, v -> v.withSignature(f.owner.sign(v.signingBytes())));
        Map<Integer, byte[]> caps = capsulesOf(f.dir);
        caps.get(1)[77] ^= 1;
        assertFailure(push(v2, caps), 422, "verification_failed", 1);
        assertThat(f.storage.manifest(f.dir.datastoreId()).orElseThrow().version().version()).isEqualTo(1);
        // the same version with sound bytes is stored
        HttpResponse<String> ok = push(v2, capsulesOf(f.dir));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(f.storage.manifest(f.dir.datastoreId()).orElseThrow().version().version()).isEqualTo(2);
    }

    @Test
    void anUnknownDatastoreIs404UnknownDatastore() throws Exception {
        String unknown = "cd".repeat(32);
        // a content read of a datastore not held here also lists its holders (docs/api.md "Misses")
        HttpResponse<String> miss = f.send("GET", "/datastore/" + unknown + "/manifest", null);
        assertThat(miss.statusCode()).isEqualTo(404);
        JsonObject body = new JsonObject(miss.body());
        assertThat(body.getString("error")).isEqualTo("unknown_datastore");
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("error", "message", "datastore_id", "providers");
        assertFailure(f.postJson("/plot/create", new JsonObject().put("datastore_id", unknown).encode(), true), 404,
                "unknown_datastore", 2);
    }

    @Test
    void malformedInputIsRefusedWhereItIsParsed() throws Exception {
        JsonObject m = new JsonObject(ManifestCodec.encode(f.tiny)).put("owner", "0x1234");
        assertFailure(push(m.encode(), capsulesOf(f.tiny)), 400, "bad_owner", 2);
        assertFailure(push("{", capsulesOf(f.tiny)), 400, "bad_json", 2);
        assertFailure(f.postJson("/plot/create", new JsonObject().put("datastore_id", f.tiny.datastoreId().toHex())
                .put("capsule_indices", new io.vertx.core.json.JsonArray().add(0).add(0)).encode(), true), 400,
                "bad_request", 2);
    }

    @Test
    void brokenPercentEncodingInPathsIsABadRequestNotA500() throws Exception {
        for (String p : new String[] {"/capsule/%zz/0", "/capsule/%/0", "/datastore/%zz/manifest",
            "/datastore/%e0%a4/file/x", "/handle/%zz/resolve", "/capsule/" + "ab".repeat(32) + "/%31"}) {
            String resp = f.raw("GET " + p + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(resp.substring(9, 12)).as(p + " -> " + resp).isIn("400", "404");
        }
    }

    @Test
    void aProgrammingErrorIs500NotA400(@TempDir Path other) throws Exception {
        PeerDirectory broken = () -> {
            throw new IllegalArgumentException("a bug, not the client's fault");
        };
        try (ApiFixture b = new ApiFixture(other, new ManualClock(), broken, c -> c)) {
            HttpResponse<String> r = b.send("GET", "/network/peers", null);
            assertFailure(r, 500, "internal_error", 1);
            assertThat(r.body()).doesNotContain("a bug");
        }
    }
}
