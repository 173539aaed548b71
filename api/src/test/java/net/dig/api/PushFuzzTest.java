package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.service.ErrorCode;
import net.dig.service.ManifestCodec;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzed bodies for {@code POST /datastore/push}, sent to one in-process node on 127.0.0.1 (the
 * multipart parsing lives in the HTTP stack, so there is no parser to call without a server). Half the
 * inputs are raw multipart bytes; the other half are well-formed multipart built from fuzzed parts: the
 * node's own manifest with a fuzzed splice, a fuzzed compression field, capsule parts with fuzzed
 * names and bytes, unknown parts. The contract: every request gets an answer below 500, or a
 * 503/507 that names its cause, and every error answer is the JSON {@code {"error", "message"}} of
 * a row of the {@link ErrorCode} table. A 500, a dropped connection or a time-out is a finding.
 */
class PushFuzzTest {
    private static final Set<String> JSON_CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::jsonCode)
            .filter(c -> c != null).collect(Collectors.toSet());
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static Path root;
    private static StorageEngine storage;
    private static ApiFixture.Running node;
    private static String manifest;
    private static byte[] capsule;

    /** One node holding one 10-byte datastore: what a push is checked against, and cheap to start. */
    @BeforeAll
    static void start() throws IOException {
        root = Files.createTempDirectory("push-fuzz");
        ManualClock clock = new ManualClock();
        NodeIdentity identity = NodeIdentity.fromSeed(ApiFixture.seed(1));
        storage = StorageEngine.open(new StorageConfig(root.resolve("data"), List.of(root.resolve("plots")), root.resolve("cache")),
                clock, identity, new SplittableRandom(7));
        Path tiny = Files.writeString(Files.createDirectories(root.resolve("src")).resolve("tiny.txt"), "0123456789");
        Manifest m = storage.ingest(tiny, new IngestOptions(262_144, Compression.NONE, "tiny"),
                NodeIdentity.fromSeed(ApiFixture.seed(2)), Progress.none());
        manifest = ManifestCodec.encode(m);
        capsule = storage.readCapsule(m.datastoreId(), 0);
        ApiConfig config = ApiConfig.defaults(root.resolve("api")).toBuilder().listen("127.0.0.1", 0)
                .metricsListen("127.0.0.1", 0).eventLoops(1).admin(ApiFixture.ADMIN, false)
                .rateLimits(RateLimit.unlimited(), RateLimit.unlimited(), RateLimit.unlimited())
                .caches(1 << 20, root.resolve("api/l2"), 1 << 20).build();
        node = ApiFixture.startNode(config, storage, identity, clock, PeerDirectory.none());
    }

    @AfterAll
    static void stop() throws IOException {
        node.close();
        storage.close();
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest
    void push(FuzzedDataProvider data) throws IOException, InterruptedException {
        byte[] body = data.consumeBoolean() ? data.consumeRemainingAsBytes() : structured(data);
        HttpResponse<String> r = send(body);
        int status = r.statusCode();
        assertThat(status).as(r.body()).isNotEqualTo(500).isIn(Set.of(200, 400, 404, 409, 413, 415, 422, 429, 503, 507));
        if (status != 200) {
            JsonObject error = new JsonObject(r.body());
            assertThat(error.fieldNames()).as(r.body()).containsExactlyInAnyOrder("error", "message");
            String code = error.getString("error");
            assertThat(JSON_CODES.contains(code) || code.startsWith("bad_")).as(r.body()).isTrue();
        }
    }

    /** Found by {@link #push}: the multipart decoder refused a part named {@code ""} with a bare IAE, which was a 500. */
    @Test
    void aPartWithAnEmptyNameIsABadPush() throws IOException, InterruptedException {
        HttpResponse<String> r = send(new Multipart().field("", "x").field("manifest", manifest).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("bad_push");
    }

    /** Found by {@link #push}: a Content-Disposition attribute without a value was an index error in the decoder, a 500. */
    @Test
    void aDispositionAttributeWithoutAValueIsABadPush() throws IOException, InterruptedException {
        byte[] body = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--"
                + Multipart.BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> r = send(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("bad_push");
    }

    /** Found by {@link #push}: a part whose Content-Disposition names no field was a NullPointerException, a 500. */
    @Test
    void aPartWithoutANameIsABadPush() throws IOException, InterruptedException {
        byte[] body = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; filename=\"m\"\r\n\r\nx\r\n--"
                + Multipart.BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> r = send(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("bad_push");
    }

    private static HttpResponse<String> send(byte[] body) throws IOException, InterruptedException {
        URI push = URI.create("http://127.0.0.1:" + node.server().port() + "/datastore/push");
        return HTTP.send(HttpRequest.newBuilder(push).timeout(Duration.ofSeconds(30))
                .header("Content-Type", Multipart.contentType()).header("Authorization", "Bearer " + ApiFixture.ADMIN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] structured(FuzzedDataProvider data) {
        Multipart mp = new Multipart();
        int parts = data.consumeInt(0, 5);
        for (int i = 0; i < parts; i++) {
            switch (data.consumeInt(0, 5)) {
                case 0 -> mp.field("manifest", splice(data, manifest));
                case 1 -> mp.file("manifest", splice(data, manifest).getBytes(StandardCharsets.UTF_8));
                case 2 -> mp.field("compression", data.consumeString(8));
                case 3 -> mp.file("capsule-" + data.consumeInt(-1, 2), data.consumeBoolean() ? capsule : data.consumeBytes(64));
                case 4 -> mp.file("capsule-" + data.consumeString(12), data.consumeBytes(16));
                default -> mp.field(data.consumeString(12), data.consumeString(32));
            }
        }
        return mp.build();
    }

    /** {@code text} with up to 16 characters from {@code at} replaced by a fuzzed string. */
    private static String splice(FuzzedDataProvider data, String text) {
        int at = data.consumeInt(0, text.length());
        int cut = Math.min(text.length() - at, data.consumeInt(0, 16));
        return text.substring(0, at) + data.consumeString(16) + text.substring(at + cut);
    }
}
