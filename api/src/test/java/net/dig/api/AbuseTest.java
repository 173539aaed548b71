package net.dig.api;

import static net.dig.api.ApiFixture.assertJsonError;
import static net.dig.api.ApiFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dig.core.Hex;
import net.dig.service.ManifestCodec;
import net.dig.storage.Manifest;
import net.dig.storage.PlotSummary;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients: malformed ids, huge headers, slowloris-style trickled headers and bodies, truncated
 * uploads, forged signatures. After each, the node still serves correct bytes and its data is unchanged.
 * The request deadline is configured short (1 s) so the slow-client cases end quickly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseTest {
    ApiFixture f;
    List<String> manifestsBefore;
    List<PlotSummary> plotsBefore;
    final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(),
                c -> c.toBuilder().timeouts(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(2))
                        .limits(64 * 1024, 4L << 20, 8192).build());
        manifestsBefore = snapshot();
        plotsBefore = f.storage.plots();
    }

    @AfterAll
    void stop() {
        trickler.shutdownNow();
        f.close();
    }

    private List<String> snapshot() {
        List<String> out = new ArrayList<>();
        for (var d : f.storage.datastores()) {
            out.add(ManifestCodec.encode(f.storage.manifest(d.datastoreId()).orElseThrow()));
        }
        return out;
    }

    private void assertStillServingAndUnchanged() throws Exception {
        Manifest m = f.dir;
        for (int i = 0; i < m.capsules().size(); i++) {
            var r = f.get("/capsule/" + m.datastoreId().toHex() + "/" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(f.storage.readCapsule(m.datastoreId(), i));
        }
        assertThat(snapshot()).isEqualTo(manifestsBefore);
        assertThat(f.storage.plots()).isEqualTo(plotsBefore);
    }

    private static String errorCode(String response) {
        int end = response.indexOf("\r\n\r\n");
        return new io.vertx.core.json.JsonObject(response.substring(end + 4)).getString("error");
    }

    @Test
    void malformedRequestLinesAndIdsGetClearErrors() throws Exception {
        String[] paths = {"/capsule/%00/0", "/capsule/" + "g".repeat(64) + "/0",
            "/capsule//", "/capsule/0x/0", "/datastore/%ff%fe/manifest", "/handle/%2e%2e/resolve",
            "/capsule/" + f.dir.datastoreId().toHex() + "/2147483648"};
        for (String p : paths) {
            String resp = f.raw("GET " + p + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(status(resp)).as(p + " -> " + resp.lines().findFirst().orElse("")).isIn("400", "404");
            assertThat(errorCode(resp)).as(p).isNotBlank();
        }
        assertJsonError(f.raw("GET /capsule/" + "a".repeat(10_000) + "/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                "414", "uri_too_long");
        String brew = f.raw("BREW /capsule HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(status(brew)).isIn("400", "404", "405");
        assertThat(errorCode(brew)).isNotBlank();
        assertJsonError(f.raw("garbage\r\n\r\n"), "400", "bad_request");
        assertStillServingAndUnchanged();
    }

    @Test
    void hugeHeadersAreRefused() throws Exception {
        String resp = f.raw("GET /node/status HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
        assertJsonError(resp, "431", "headers_too_large");
        StringBuilder many = new StringBuilder("GET /node/status HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 2000; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertJsonError(f.raw(many + "Connection: close\r\n\r\n"), "431", "headers_too_large");
        assertStillServingAndUnchanged();
    }

    /** Opens a socket, sends {@code head}, then one byte of {@code trickle} every 100 ms; returns what came back and whether the server closed. */
    private String trickle(String head, String trickle) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.server.port()), 5000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] drip = trickle.getBytes(StandardCharsets.ISO_8859_1);
            var task = trickler.scheduleAtFixedRate(new Runnable() {
                int i;

                @Override
                public void run() {
                    try {
                        out.write(drip[i++ % drip.length]);
                        out.flush();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            try {
                InputStream in = s.getInputStream();
                StringBuilder sb = new StringBuilder();
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
                return sb.toString();
            } finally {
                task.cancel(true);
            }
        }
    }

    @Test
    void slowlorisTrickledBodyIsCutOffWith408() throws Exception {
        // 150 trickled bytes would take 15 s; the 1 s request deadline must end it long before the 15 s read timeout.
        String resp = trickle("POST /validation/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 150\r\n\r\n{", "\"");
        assertThat(status(resp)).isEqualTo("408");
        assertThat(new JsonObject(resp.substring(resp.indexOf("\r\n\r\n") + 4)).getString("error")).isEqualTo("request_timeout");
        assertStillServingAndUnchanged();
    }

    @Test
    void slowlorisTrickledHeadersOnAKeptAliveConnectionAreCutOff() throws Exception {
        // One complete request, then the next request's headers trickled forever: the deadline armed when the
        // first response ended closes the connection (the read below ends instead of timing out).
        String resp = trickle("GET /network/peers HTTP/1.1\r\nHost: x\r\n\r\nGET /node/status HTTP/1.1\r\nHost: x\r\n",
                "X-Slow: a\r\n");
        assertThat(status(resp)).isEqualTo("200");
        assertThat(resp.split("HTTP/1.1 ", -1)).hasSize(2);
        assertStillServingAndUnchanged();
    }

    @Test
    void truncatedUploadsLeaveNothingBehind() throws Exception {
        String body = "--b\r\nContent-Disposition: form-data; name=\"manifest\"\r\n\r\n{\"datastore_id\":\"0x";
        String head = "POST /datastore/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ApiFixture.ADMIN
                + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.server.port()), 5000);
            s.getOutputStream().write((head + body).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
        // a capsule part cut off in the middle, then the client vanishes
        String withCapsule = "--b\r\nContent-Disposition: form-data; name=\"capsule-0\"; filename=\"c\"\r\n\r\n" + "x".repeat(50_000);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.server.port()), 5000);
            s.getOutputStream().write((head + withCapsule).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
        // over the push limit: refused outright
        String tooBig = "POST /datastore/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ApiFixture.ADMIN
                + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + (5L << 20) + "\r\nConnection: close\r\n\r\n";
        assertThat(status(f.raw(tooBig))).isEqualTo("413");
        // without a token nothing is read at all
        assertThat(status(f.raw("POST /datastore/push HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789")))
                .isEqualTo("401");
        assertStillServingAndUnchanged();
        // partial upload files of the vanished clients do not stay in the spool
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> f.spoolLeftovers().isEmpty());
    }

    @Test
    void forgedSignaturesChangeNothing() throws Exception {
        JsonObject m = new JsonObject(ManifestCodec.encode(f.tiny));
        byte[] sig = Hex.decode(m.getString("signature"));
        sig[0] ^= 1;
        JsonObject forged = m.copy().put("version", 2).put("signature", Hex.encode(sig));
        byte[] body = new Multipart().field("manifest", forged.encode())
                .file("capsule-0", f.storage.readCapsule(f.tiny.datastoreId(), 0)).build();
        var r = f.http.send(java.net.http.HttpRequest.newBuilder(f.uri("/datastore/push"))
                .header("Authorization", "Bearer " + ApiFixture.ADMIN).header("Content-Type", Multipart.contentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("bad_signature");
        // a wrong owner key with a self-consistent signature is a different owner: refused by storage
        var handle = f.postJson("/handle", new JsonObject().put("handle", "forged").put("datastore_id", f.tiny.datastoreId().toHex())
                .put("registered_at", new ManualClock().epochSeconds()).put("signature", "0x" + "00".repeat(64)).encode(), true);
        assertThat(handle.statusCode()).isEqualTo(422);
        assertThat(f.send("GET", "/handle/forged/resolve", null).statusCode()).isEqualTo(404);
        assertStillServingAndUnchanged();
    }
}
