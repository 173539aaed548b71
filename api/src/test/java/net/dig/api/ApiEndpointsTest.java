package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import net.dig.proof.BundleVerifier;
import net.dig.proof.Challenge;
import net.dig.proof.ChallengeScope;
import net.dig.proof.ProofBundle;
import net.dig.proof.ProofParts;
import net.dig.proof.Verdict;
import net.dig.service.HandleRegistration;
import net.dig.service.ManifestCodec;
import net.dig.service.ProofService;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint's happy path and error codes against a real node on 127.0.0.1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiEndpointsTest {
    Path tmp;
    ApiFixture f;
    final ManualClock clock = new ManualClock();
    static final PeerView PEER = new PeerView("dig1aaaabbbbccccdddd", "10.0.0.2:9444", List.of("storage", "retrieval"), 0.9,
            1_704_067_200_000L, "outbound", "full_node", "dig-node/0.1.0", java.util.OptionalLong.of(12));
    static final PeerView SEED_ONLY = new PeerView("dig1eeeeffff00001111", "10.0.0.3:9444", List.of("storage"), 0.5,
            1_704_067_200_000L);

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        f = new ApiFixture(tmp, clock, () -> List.of(PEER, SEED_ONLY), c -> c);
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private String capsulePath(Manifest m, int i) {
        return "/capsule/" + m.datastoreId().toHex() + "/" + i;
    }

    private static JsonObject json(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonObject e = json(r);
        assertThat(e.getString("error")).isEqualTo(code);
        assertThat(e.getString("message")).isNotBlank();
    }

    // ---------------------------------------------------------------- capsules

    @Test
    void capsuleBodyHeadersAndProof() throws Exception {
        Manifest m = f.dir;
        for (int i = 0; i < m.capsules().size(); i++) {
            HttpResponse<byte[]> r = f.get(capsulePath(m, i));
            assertThat(r.statusCode()).isEqualTo(200);
            byte[] expected = f.storage.readCapsule(m.datastoreId(), i);
            assertThat(r.body()).isEqualTo(expected);
            CapsuleInfo ci = m.capsules().get(i);
            assertThat(r.headers().firstValue("X-Capsule-Hash")).hasValue(ci.hash().toHex());
            assertThat(r.headers().firstValue("ETag")).hasValue("\"" + ci.hash().toHex().substring(2) + "\"");
            assertThat(r.headers().firstValue("Content-Length")).hasValue(Long.toString(ci.size()));
            assertThat(r.headers().firstValue("X-Plot-ID")).hasValueSatisfying(p -> assertThat(p).matches("0x[0-9a-f]{64}"));
            MerkleProof proof = MerkleProof.decode(Base64.getDecoder().decode(r.headers().firstValue("X-Merkle-Proof").orElseThrow()));
            assertThat(proof.verifies(m.leafHash(i), m.version().merkleRoot())).isTrue();
        }
    }

    @Test
    void headGivesTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<String> r = f.send("HEAD", capsulePath(f.dir, 0), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Length")).hasValue(Long.toString(f.dir.capsules().getFirst().size()));
        assertThat(r.headers().firstValue("X-Merkle-Proof")).isPresent();
    }

    @Test
    void rangesAre206And416() throws Exception {
        byte[] all = f.storage.readCapsule(f.dir.datastoreId(), 1);
        HttpResponse<byte[]> r = f.get(capsulePath(f.dir, 1), "Range", "bytes=100-199");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + all.length);
        assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 100, 200));
        HttpResponse<byte[]> suffix = f.get(capsulePath(f.dir, 1), "Range", "bytes=-16");
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 16, all.length));
        HttpResponse<byte[]> z = f.get(capsulePath(f.zstd, 0), "Range", "bytes=10-19");
        assertThat(z.statusCode()).isEqualTo(206);
        assertThat(z.body()).isEqualTo(java.util.Arrays.copyOfRange(f.storage.readCapsule(f.zstd.datastoreId(), 0), 10, 20));
        HttpResponse<byte[]> bad = f.get(capsulePath(f.dir, 1), "Range", "bytes=" + all.length + "-");
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(bad.headers().firstValue("Content-Range")).hasValue("bytes */" + all.length);
        assertThat(new JsonObject(new String(bad.body(), StandardCharsets.UTF_8)).getString("error")).isEqualTo("range_not_satisfiable");
    }

    @Test
    void ifNoneMatchGives304() throws Exception {
        String etag = f.get(capsulePath(f.tiny, 0)).headers().firstValue("ETag").orElseThrow();
        assertThat(f.get(capsulePath(f.tiny, 0), "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void zstdCapsulesGoOutAsStoredToZstdClientsAndDecompressedToOthers() throws Exception {
        Manifest m = f.zstd;
        for (int i = 0; i < m.capsules().size(); i++) {
            byte[] plain = f.storage.readCapsule(m.datastoreId(), i);
            HttpResponse<byte[]> z = f.get(capsulePath(m, i), "Accept-Encoding", "gzip, zstd");
            assertThat(z.statusCode()).isEqualTo(200);
            assertThat(z.headers().firstValue("Content-Encoding")).hasValue("zstd");
            assertThat(z.body().length).isLessThan(plain.length);
            assertThat(Zstd.decompress(z.body(), plain.length)).isEqualTo(plain);
            assertThat(z.headers().firstValue("X-Capsule-Hash")).hasValue(Sha256.hash(plain).toHex());

            HttpResponse<byte[]> id = f.get(capsulePath(m, i));
            assertThat(id.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(id.body()).isEqualTo(plain);
            HttpResponse<byte[]> refused = f.get(capsulePath(m, i), "Accept-Encoding", "zstd;q=0, gzip");
            assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(refused.body()).isEqualTo(plain);
        }
    }

    @Test
    void capsuleErrors() throws Exception {
        String unknown = "0x" + "ab".repeat(32);
        assertError(f.send("GET", "/capsule/" + unknown + "/0", null), 404, "unknown_datastore");
        assertError(f.send("GET", "/capsule/" + f.dir.datastoreId().toHex() + "/99", null), 404, "unknown_capsule");
        assertError(f.send("GET", "/capsule/0x1234/0", null), 400, "bad_datastore_id");
        assertError(f.send("GET", "/capsule/" + "zz".repeat(32) + "/0", null), 400, "bad_datastore_id");
        for (String bad : new String[] {"-1", "abc", "01", "99999999999", "1.5"}) {
            assertError(f.send("GET", "/capsule/" + f.dir.datastoreId().toHex() + "/" + bad, null), 400, "bad_capsule_index");
        }
        assertError(f.send("DELETE", capsulePath(f.dir, 0), null), 405, "method_not_allowed");
        assertError(f.send("GET", "/no/such/thing", null), 404, "not_found");
    }

    @Test
    void idsAreAcceptedWithOrWithoutPrefixInEitherCase() throws Exception {
        String hex = f.tiny.datastoreId().toHex().substring(2);
        assertThat(f.get("/capsule/" + hex + "/0").statusCode()).isEqualTo(200);
        assertThat(f.get("/capsule/0x" + hex.toUpperCase() + "/0").statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- manifest and files

    @Test
    void manifestHasTheSeedShapePlusSignedFields() throws Exception {
        HttpResponse<String> r = f.send("GET", "/datastore/" + f.dir.datastoreId().toHex() + "/manifest", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject j = json(r);
        assertThat(j.getString("datastore_id")).isEqualTo(f.dir.datastoreId().toHex());
        assertThat(j.getInteger("capsule_count")).isEqualTo(f.dir.capsules().size());
        assertThat(j.getString("merkle_root")).isEqualTo(f.dir.version().merkleRoot().toHex());
        assertThat(j.getLong("total_size")).isEqualTo(f.dir.version().totalSize());
        assertThat(j.getLong("creation_time")).isEqualTo(f.dir.version().creationTime());
        assertThat(j.getLong("version")).isEqualTo(1);
        assertThat(j.getString("owner")).isEqualTo(Hex.encode(f.owner.publicKey()));
        assertThat(j.getString("signature")).matches("0x[0-9a-f]{128}");
        JsonObject c0 = j.getJsonArray("capsules").getJsonObject(0);
        assertThat(c0.fieldNames()).contains("index", "hash", "size", "chunk_root");
        assertThat(j.getJsonArray("files").size()).isEqualTo(3);
        // the same document, decoded, is a valid push manifest with a verifying signature
        assertThat(ManifestCodec.decode(j.encode()).version().signatureValid()).isTrue();

        assertError(f.send("GET", "/datastore/" + "cd".repeat(32) + "/manifest", null), 404, "unknown_datastore");
        assertError(f.send("GET", "/datastore/nothex/manifest", null), 400, "bad_datastore_id");
    }

    @Test
    void filesOfADirectoryDatastoreAreServedByPathWithProofs() throws Exception {
        String base = "/datastore/" + f.dir.datastoreId().toHex();
        HttpResponse<byte[]> html = f.get(base + "/file/index.html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(new String(html.body(), StandardCharsets.UTF_8)).isEqualTo("<h1>hello dig</h1>\n");
        assertThat(html.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(html.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        byte[] big = Files.readAllBytes(tmp.resolve("src/site/data/big.bin"));
        HttpResponse<byte[]> b = f.get(base + "/file/data/big.bin");
        assertThat(b.body()).isEqualTo(big);
        assertThat(b.headers().firstValue("X-File-SHA256")).hasValue(Sha256.hash(big).toHex());
        String span = b.headers().firstValue("X-Capsule-Range").orElseThrow();
        assertThat(Integer.parseInt(span.split("-")[1])).isGreaterThan(Integer.parseInt(span.split("-")[0]));

        HttpResponse<byte[]> spaced = f.get(base + "/file/docs/a%20b.txt");
        assertThat(new String(spaced.body(), StandardCharsets.UTF_8)).isEqualTo("spaces in names\n");

        HttpResponse<String> proofs = f.send("GET", b.headers().firstValue("X-Proofs").orElseThrow(), null);
        JsonObject p = json(proofs);
        Bytes32 root = Bytes32.fromHex(p.getString("merkle_root"));
        JsonArray caps = p.getJsonArray("capsules");
        assertThat(caps.size()).isGreaterThan(1);
        for (int i = 0; i < caps.size(); i++) {
            JsonObject c = caps.getJsonObject(i);
            byte[] leaf = new byte[64];
            Bytes32.fromHex(c.getString("hash")).copyTo(leaf, 0);
            Bytes32.fromHex(c.getString("chunk_root")).copyTo(leaf, 32);
            MerkleProof mp = MerkleProof.decode(Base64.getDecoder().decode(c.getString("proof")));
            assertThat(mp.verifies(MerkleTree.leafHash(leaf), root)).isTrue();
        }

        // a zstd-stored single-file datastore: its file is decompressed through the cache tiers
        String logName = f.zstd.files().getFirst().path();
        HttpResponse<byte[]> log = f.get("/datastore/" + f.zstd.datastoreId().toHex() + "/file/" + logName);
        assertThat(log.body()).isEqualTo(Files.readAllBytes(tmp.resolve("src/log.txt")));

        assertError(f.send("GET", base + "/file/missing.txt", null), 404, "unknown_file");
        assertError(f.send("GET", "/datastore/" + "cd".repeat(32) + "/file/index.html", null), 404, "unknown_datastore");
    }

    @Test
    void pathTraversalIsImpossible() throws Exception {
        String base = "/datastore/" + f.dir.datastoreId().toHex();
        Files.writeString(f.root.resolve("secret.txt"), "TOP SECRET");
        String[] attacks = {"/file/../../../secret.txt", "/file/%2e%2e/%2e%2e/secret.txt", "/file/data/..%2f..%2fsecret.txt",
            "/file/..%5c..%5csecret.txt", "/file/%2fetc%2fpasswd", "/file//etc/passwd", "/file/data/./big.bin",
            "/file/%c0%ae%c0%ae/secret.txt", "/file/index.html%00.txt"};
        for (String a : attacks) {
            String resp = f.raw("GET " + base + a + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String status = resp.isEmpty() ? "" : resp.substring(9, 12);
            assertThat(status).as(a + " -> " + resp).isIn("400", "404");
            assertThat(resp).as(a).doesNotContain("TOP SECRET").doesNotContain("root:");
        }
    }

    // ---------------------------------------------------------------- handles

    private String registration(String handle, Bytes32 id, NodeIdentity signer) {
        return registration(handle, id, signer, 3, clock.epochSeconds());
    }

    private String registration(String handle, Bytes32 id, NodeIdentity signer, int tier, long at) {
        TreeMap<String, String> md = new TreeMap<>();
        md.put("title", "My site");
        long until = at + PublishRoutes.DEFAULT_TERM_SECONDS;
        byte[] sig = signer.sign(new HandleRegistration(handle, id, java.util.Optional.empty(), tier, at, until, false, md).signingBytes());
        return new JsonObject().put("handle", handle).put("datastore_id", id.toHex()).put("tier", tier).put("registered_at", at)
                .put("metadata", new JsonObject().put("title", "My site")).put("signature", Hex.encode(sig)).encode();
    }

    @Test
    void handlesRegisterSignedAndResolveToTheHoldersRecord() throws Exception {
        Bytes32 id = f.dir.datastoreId();
        HttpResponse<String> ok = f.postJson("/handle", registration("my-site", id, f.owner), true);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        HttpResponse<String> again = f.postJson("/handle", registration("my-site", id, f.owner), true);
        assertThat(again.statusCode()).isEqualTo(200);

        HttpResponse<String> r = f.send("GET", "/handle/my-site/resolve", null);
        JsonObject j = json(r);
        assertThat(j.getString("handle")).isEqualTo("my-site");
        assertThat(j.getString("label")).isEqualTo("my-site");
        assertThat(j.getString("status")).isEqualTo("pending");
        assertThat(j.getString("datastore_id")).isEqualTo(id.toHex());
        assertThat(j.getString("owner_public_key")).isEqualTo(Hex.encode(f.owner.publicKey()));
        assertThat(j.containsKey("pinned_root")).isTrue();
        assertThat(j.getString("pinned_root")).isNull();
        assertThat(j.getInteger("tier")).isEqualTo(3);
        assertThat(j.getLong("registered_at")).isEqualTo(clock.epochSeconds());
        assertThat(j.getLong("registration_time")).isEqualTo(clock.epochSeconds());
        assertThat(j.getLong("expires_at")).isEqualTo(clock.epochSeconds() + PublishRoutes.DEFAULT_TERM_SECONDS);
        assertThat(j.getJsonObject("metadata").getString("title")).isEqualTo("My site");
        assertThat(json(f.send("GET", "/handle/www/resolve", null)).getString("status")).isEqualTo("reserved");

        assertError(f.postJson("/handle", registration("my-site", f.zstd.datastoreId(), f.node), true), 422, "bad_signature");
        assertError(f.postJson("/handle", registration("stolen", id, f.node), true), 422, "bad_signature");
        assertError(f.postJson("/handle", registration("no-token", id, f.owner), false), 401, "unauthorized");
        assertError(f.postJson("/handle", registration("ghost", Bytes32.fromHex("ef".repeat(32)), f.owner), true), 404,
                "unknown_datastore");
        assertError(f.postJson("/handle", new JsonObject(registration("wwx", id, f.owner)).put("handle", "www").encode(), true), 400,
                "reserved_handle");
        assertError(f.postJson("/handle", registration("late", id, f.owner, 3, clock.epochSeconds() - 3600), true), 400,
                "bad_registration_time");
        assertError(f.postJson("/handle", new JsonObject(registration("no-time", id, f.owner)).copy().put("registered_at", null)
                .encode(), true), 400, "missing_field");
        assertError(f.postJson("/handle", "{\"handle\":\"Bad_Handle\"}", true), 400, "bad_handle");
        assertError(f.postJson("/handle", "{not json", true), 400, "bad_json");
        assertError(f.send("GET", "/handle/nobody-here/resolve", null), 404, "unknown_handle");
        assertError(f.send("GET", "/handle/X!/resolve", null), 400, "bad_handle");
    }

    // ---------------------------------------------------------------- push

    /** A datastore made by another node: its manifest JSON and capsule bytes. */
    private record Foreign(Manifest manifest, List<byte[]> capsules) {
    }

    private Foreign foreign(String name, long seed) throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other-" + name));
        try (StorageEngine e = StorageEngine.open(new StorageConfig(other.resolve("data"), List.of(other.resolve("plots")),
                other.resolve("cache")), clock, NodeIdentity.fromSeed(ApiFixture.seed(9)), new SplittableRandom(seed))) {
            Path src = other.resolve("payload.bin");
            Files.write(src, ApiFixture.pseudoRandom(300_000, seed));
            Manifest m = e.ingest(src, new IngestOptions(262_144, Compression.NONE, name), f.owner, Progress.none());
            List<byte[]> caps = new java.util.ArrayList<>();
            for (int i = 0; i < m.capsules().size(); i++) {
                caps.add(e.readCapsule(m.datastoreId(), i));
            }
            return new Foreign(m, caps);
        }
    }

    private HttpResponse<String> push(JsonObject manifest, List<byte[]> capsules, boolean admin) throws Exception {
        Multipart mp = new Multipart().field("manifest", manifest.encode()).field("compression", "zstd");
        for (int i = 0; i < capsules.size(); i++) {
            mp.file("capsule-" + i, capsules.get(i));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/datastore/push")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", Multipart.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(mp.build()));
        if (admin) {
            b.header("Authorization", "Bearer " + ApiFixture.ADMIN);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pushStoresAVerifiedDatastoreAndRefusesBadOnes() throws Exception {
        Foreign d = foreign("pushed", 11);
        JsonObject mj = new JsonObject(ManifestCodec.encode(d.manifest()));

        assertError(push(mj, d.capsules(), false), 401, "unauthorized");
        List<byte[]> tampered = new java.util.ArrayList<>(d.capsules());
        byte[] t = tampered.get(1).clone();
        t[5] ^= 1;
        tampered.set(1, t);
        assertError(push(mj, tampered, true), 422, "verification_failed");
        JsonObject badSig = mj.copy().put("version", 2);
        assertError(push(badSig, d.capsules(), true), 422, "bad_signature");
        assertError(push(mj, d.capsules().subList(0, 1), true), 400, "bad_push");
        assertThat(f.storage.manifest(d.manifest().datastoreId())).isEmpty();

        HttpResponse<String> ok = push(mj, d.capsules(), true);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonObject j = json(ok);
        assertThat(j.getBoolean("accepted")).isTrue();
        assertThat(j.getString("storage_estimate")).isEqualTo(clock.instant().toString());
        // no replication runs here: no peer accepted the version (connected peers are not acceptances)
        assertThat(j.getJsonArray("propagation_peers").getList()).isEmpty();
        assertThat(j.getLong("propagation_free_bytes")).isZero();
        for (int i = 0; i < d.capsules().size(); i++) {
            assertThat(f.get(capsulePath(d.manifest(), i)).body()).isEqualTo(d.capsules().get(i));
        }
        assertError(push(mj, d.capsules(), true), 409, "stale_version");
    }

    // ---------------------------------------------------------------- node endpoints

    @Test
    void peersAreTheDirectorysPeers() throws Exception {
        JsonArray peers = json(f.send("GET", "/network/peers", null)).getJsonArray("peers");
        assertThat(peers.size()).isEqualTo(2);
        JsonObject p = peers.getJsonObject(0);
        assertThat(p.getString("node_id")).isEqualTo(PEER.nodeId());
        assertThat(p.getString("endpoint")).isEqualTo("10.0.0.2:9444");
        assertThat(p.getJsonArray("capabilities").getList()).containsExactly("storage", "retrieval");
        assertThat(p.getDouble("reputation")).isEqualTo(0.9);
        assertThat(p.getString("last_seen")).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(p.getString("direction")).isEqualTo("outbound");
        assertThat(p.getString("node_type")).isEqualTo("full_node");
        assertThat(p.getString("software_version")).isEqualTo("dig-node/0.1.0");
        assertThat(p.getLong("rtt_ms")).isEqualTo(12L);
        JsonObject seedOnly = peers.getJsonObject(1);
        assertThat(seedOnly.fieldNames()).containsExactlyInAnyOrder("node_id", "endpoint", "capabilities", "reputation",
                "last_seen");
    }

    private String challenge(String id, Bytes32 hash, NodeIdentity validator) {
        return challenge(id, hash, validator, "physical_access");
    }

    private String challenge(String id, Bytes32 hash, NodeIdentity validator, String type) {
        byte[] sig = validator.sign(ProofService.challengeSigningBytes(id, hash, type));
        return new JsonObject().put("challenge_id", id).put("capsule_hash", hash.toHex()).put("challenge_type", type)
                .put("validator_signature", Hex.encode(sig)).put("validator_public_key", Hex.encode(validator.publicKey())).encode();
    }

    @Test
    void everyChallengeTypeReturnsItsBundle() throws Exception {
        NodeIdentity validator = NodeIdentity.fromSeed(ApiFixture.seed(5));
        CapsuleInfo ci = f.dir.capsules().getFirst();
        ChallengeScope scope = new ChallengeScope(f.dir.datastoreId(), f.dir.capsules().size(), new int[] {ci.index()},
                new long[] {ci.size()});
        for (String type : List.of("ownership", "inclusion", "physical_access", "work", "full")) {
            HttpResponse<String> r = f.postJson("/validation/challenge", challenge("t-" + type, ci.hash(), validator, type), false);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonObject j = json(r);
            Challenge expected = ProofService.challengeFor("t-" + type, scope, f.node.publicKey(), ProofService.partsOf(type));
            assertThat(BundleVerifier.verify(Hex.decode(j.getString("proof")), f.dir.version().merkleRoot(), f.node.publicKey(),
                    expected)).as(type).isEqualTo(Verdict.VALID);
            assertThat(j.getJsonArray("parts").getString(0)).isEqualTo("ownership");
            assertThat(j.getJsonArray("parts").size()).isEqualTo(type.equals("full") ? 4 : type.equals("ownership") ? 1 : 2);
        }
        assertError(f.postJson("/validation/challenge", challenge("t-x", ci.hash(), validator, "teleport"), false),
                400, "bad_challenge_type");
    }

    @Test
    void challengesAreAnsweredWithASignedChunkProofThatVerifies() throws Exception {
        NodeIdentity validator = NodeIdentity.fromSeed(ApiFixture.seed(5));
        for (Manifest m : List.of(f.dir, f.zstd, f.tiny)) {
            for (CapsuleInfo ci : m.capsules()) {
                String id = "chal_" + m.name() + "_" + ci.index();
                HttpResponse<String> r = f.postJson("/validation/challenge", challenge(id, ci.hash(), validator), false);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonObject j = json(r);
                ChallengeScope scope = new ChallengeScope(m.datastoreId(), m.capsules().size(), new int[] {ci.index()},
                        new long[] {ci.size()});
                Challenge expected = ProofService.challengeFor(id, scope, f.node.publicKey(), ProofParts.PHYSICAL_ACCESS);
                byte[] bundle = Hex.decode(j.getString("proof"));
                assertThat(BundleVerifier.verify(bundle, m.version().merkleRoot(), f.node.publicKey(), expected))
                        .isEqualTo(Verdict.VALID);
                assertThat(j.getString("challenge")).isEqualTo(Hex.encode(expected.id().toArray()));
                assertThat(j.getString("plot_id")).isEqualTo(ProofBundle.decode(bundle).plotId().toHex());
                assertThat(j.getLong("generation_time_ms")).isNotNegative();
                assertThat(j.getLong("generation_time_us")).isNotNegative();
                assertThat(m == f.zstd || BundleVerifier.verify(bundle, f.zstd.version().merkleRoot(), f.node.publicKey(),
                        expected) != Verdict.VALID).isTrue();
            }
        }
        assertError(f.postJson("/validation/challenge", challenge("c1", Bytes32.fromHex("01".repeat(32)), validator), false),
                404, "unknown_capsule");
        JsonObject forged = new JsonObject(challenge("c2", f.tiny.capsules().getFirst().hash(), validator))
                .put("challenge_id", "c3");
        assertError(f.postJson("/validation/challenge", forged.encode(), false), 422, "bad_signature");
        assertError(f.postJson("/validation/challenge", "{\"challenge_id\":\"x\",\"capsule_hash\":\"0x12\"}", false), 400,
                "bad_capsule_hash");
        assertError(f.postJson("/validation/challenge", "{\"challenge_id\":\"x\"}", false), 400, "missing_field");
        assertError(f.postJson("/validation/challenge", "[]", false), 400, "bad_json");
    }

    @Test
    void statusHasTheSeedShapeWithRealCounters() throws Exception {
        f.get(capsulePath(f.tiny, 0));
        JsonObject s = json(f.send("GET", "/node/status", null));
        assertThat(s.getString("node_id")).isEqualTo(f.node.nodeId());
        assertThat(s.getString("version")).isNotBlank();
        assertThat(s.getLong("uptime")).isNotNegative();
        JsonObject plots = s.getJsonObject("plots");
        assertThat(plots.getInteger("count")).isEqualTo(f.storage.plots().size());
        assertThat(plots.getLong("total_size")).isEqualTo(f.storage.plotBytesOnDisk());
        assertThat(plots.getLong("capsule_count")).isPositive();
        assertThat(s.getJsonObject("network").getInteger("peers")).isEqualTo(2);
        assertThat(s.getJsonObject("network").getLong("bandwidth_used")).isPositive();
        assertThat(s.getJsonObject("earnings").fieldNames()).contains("total_dig", "total_bribes", "pending_rewards");
        assertThat(s.getJsonObject("cache").getJsonObject("l1").fieldNames()).contains("hits", "misses", "hit_ratio", "bytes");
    }

    @Test
    void plotCreateRePlotsCapsulesForAdminsOnly() throws Exception {
        String body = new JsonObject().put("datastore_id", f.tiny.datastoreId().toHex()).put("compression", "none").encode();
        assertError(f.postJson("/plot/create", body, false), 401, "unauthorized");
        int before = f.storage.plots().size();
        clock.advance(Duration.ofSeconds(5));
        HttpResponse<String> r = f.postJson("/plot/create", body, true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject j = json(r);
        assertThat(j.getString("plot_id")).matches("0x[0-9a-f]{64}");
        assertThat(j.getInteger("capsule_count")).isEqualTo(1);
        assertThat(j.getLong("size_bytes")).isPositive();
        assertThat(j.getString("creation_time")).isEqualTo(Http.iso(clock.epochSeconds() * 1000));
        assertThat(f.storage.plots()).hasSize(before + 1);
        assertError(f.postJson("/plot/create", new JsonObject().put("datastore_id", "ab".repeat(32)).encode(), true), 404,
                "unknown_datastore");
        assertError(f.postJson("/plot/create", new JsonObject().put("datastore_id", f.tiny.datastoreId().toHex())
                .put("capsule_indices", new JsonArray().add(5)).encode(), true), 400, "bad_capsule_index");
    }

    @Test
    void oversizedJsonBodiesAre413() throws Exception {
        String huge = "{\"challenge_id\":\"" + "x".repeat(200_000) + "\"}";
        HttpResponse<String> r = f.postJson("/validation/challenge", huge, false);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).getString("error")).isEqualTo("payload_too_large");
    }

    // ---------------------------------------------------------------- metrics, health, openapi

    @Test
    void metricsPortServesPrometheusAndHealth() throws Exception {
        f.get(capsulePath(f.tiny, 0));
        HttpResponse<String> m = f.getText(f.metrics("/metrics"));
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body()).contains("request_latency_seconds", "bandwidth_out_bytes_total", "cache_requests_total",
                "capsule_count", "storage_utilization", "peer_count");
        HttpResponse<String> h = f.getText(f.metrics("/health"));
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(h.body()).getString("status")).isEqualTo("UP");
        assertThat(f.getText(f.metrics("/nope")).statusCode()).isEqualTo(404);
    }

    @Test
    void openApiIsServedAndMatchesTheRouterAndTheCheckedInCopy() throws Exception {
        HttpResponse<String> r = f.send("GET", "/openapi.json", null);
        JsonObject doc = json(r);
        assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
        assertThat(Files.readString(Path.of("../docs/openapi.json"))).isEqualTo(r.body());

        java.util.Set<String> documented = new java.util.TreeSet<>();
        JsonObject paths = doc.getJsonObject("paths");
        for (String p : paths.fieldNames()) {
            for (String method : paths.getJsonObject(p).fieldNames()) {
                if (!"metrics".equals(paths.getJsonObject(p).getJsonObject(method).getString("x-dig-listener"))) {
                    documented.add(method.toUpperCase() + " " + p);
                }
            }
        }
        java.util.Set<String> routed = new java.util.TreeSet<>();
        for (var route : f.server.router().getRoutes()) {
            if (route.getPath() == null || route.methods() == null) {
                continue;
            }
            String p = route.getPath().replaceAll(":([a-z_]+)", "{$1}");
            if (p.endsWith("/")) {
                p = p + "{path}";
            }
            for (var m : route.methods()) {
                routed.add(m.name() + " " + p);
            }
        }
        assertThat(routed).isEqualTo(documented);
    }

    @Test
    void unknownRoutesAnd405AreJson() throws Exception {
        assertError(f.send("GET", "/", null), 404, "not_found");
        assertError(f.send("PUT", "/node/status", "{}"), 405, "method_not_allowed");
        assertError(f.send("GET", "/datastore/push", null), 405, "method_not_allowed");
    }
}
