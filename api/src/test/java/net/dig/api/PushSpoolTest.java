package net.dig.api;

import static net.dig.api.ApiFixture.assertJsonError;
import static net.dig.api.ApiFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.testkit.ManualClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push bodies never outlive their request: whatever the outcome (stored, refused, truncated, stalled, the
 * client gone), the push's spool files are deleted and its spool booking returned; when the node answers,
 * before it does. Real HTTP over loopback, raw sockets for the broken bodies. The push idle timeout is
 * configured short (1 s) so that the stalled cases end quickly; no test sleeps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushSpoolTest {
    static final Duration IDLE = Duration.ofSeconds(1);

    ApiFixture f;
    final AtomicLong version = new AtomicLong(1);

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(),
                c -> c.toBuilder().limits(64 * 1024, 4L << 20, 8192)
                        .push(new PushLimits(8L << 20, 4L << 20, IDLE)).build());
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @AfterEach
    void nothingSurvives() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.spoolLeftovers().isEmpty() && f.server.spool().used() == 0);
    }

    /** Asserts the spool holds nothing now: no file, no request directory, no booking. */
    private void assertSpoolEmpty() throws Exception {
        assertThat(f.spoolLeftovers()).isEmpty();
        assertThat(f.server.spool().used()).isZero();
    }

    /** A valid push body of the next version of {@code tiny}: manifest, capsule, then the compression field. */
    private byte[] nextVersionBody() {
        String manifest = PushErrorMappingTest.asVersion(f.tiny, version.incrementAndGet(),
                v -> v.withSignature(f.owner.sign(v.signingBytes())));
        return new Multipart().field("manifest", manifest).file("capsule-0", f.storage.readCapsule(f.tiny.datastoreId(), 0))
                .field("compression", "none").build();
    }

    private static byte[] request(byte[] body, int contentLength) {
        String head = "POST /datastore/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ApiFixture.ADMIN
                + "\r\nContent-Type: " + Multipart.contentType() + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i + n.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + n.length, n, 0, n.length)) {
                return i;
            }
        }
        throw new AssertionError("'" + needle + "' not in the body");
    }

    @Test
    void aBodyThatEndsWithoutItsClosingBoundaryIs400BadPushAndLeavesNothing() throws Exception {
        long held = f.storage.manifest(f.tiny.datastoreId()).orElseThrow().version().version();
        byte[] full = nextVersionBody();
        int close = indexOf(full, "--" + Multipart.BOUNDARY + "--");
        int capsule = indexOf(full, "name=\"capsule-0\"");
        int compression = indexOf(full, "\r\nnone\r\n") + 4;
        int[] cuts = {
            close,                                 // every part complete, the close delimiter missing
            close - 2,                             // the line break before it missing too
            capsule + 40,                          // inside the capsule part's headers
            indexOf(full, "0123456789") + 5,       // inside the capsule bytes
            compression,                           // inside the last field: "no" instead of "none"
            indexOf(full, "--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"compression\"")
                    + Multipart.BOUNDARY.length() + 4, // after a delimiter, before the next part's headers
        };
        for (int cut : cuts) {
            byte[] truncated = Arrays.copyOf(full, cut);
            String resp = ApiFixture.raw(request(truncated, truncated.length), "127.0.0.1", f.server.port());
            assertJsonError(resp, "400", "bad_push");
            assertSpoolEmpty();
        }
        assertThat(f.storage.manifest(f.tiny.datastoreId()).orElseThrow().version().version()).isEqualTo(held);
    }

    @Test
    void aStalledUploadIs408AndLeavesNothing() throws Exception {
        byte[] full = nextVersionBody();
        byte[] half = Arrays.copyOf(full, indexOf(full, "0123456789") + 5);
        // the declared length is never reached: the node answers once nothing has moved for the idle timeout
        String resp = ApiFixture.raw(request(half, full.length), "127.0.0.1", f.server.port());
        assertJsonError(resp, "408", "request_timeout");
        assertThat(resp).containsIgnoringCase("connection: close");
        assertSpoolEmpty();
    }

    @Test
    void aClientThatVanishesMidUploadLeavesNothing() throws Exception {
        byte[] full = nextVersionBody();
        byte[] half = Arrays.copyOf(full, indexOf(full, "0123456789") + 5);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.server.port()), 5000);
            s.getOutputStream().write(request(half, full.length));
            s.getOutputStream().flush();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.server.spool().used() > 0);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.spoolLeftovers().isEmpty() && f.server.spool().used() == 0);
    }

    @Test
    void storedAndRefusedPushesLeaveNothing() throws Exception {
        byte[] ok = nextVersionBody();
        String stored = ApiFixture.raw(request(ok, ok.length), "127.0.0.1", f.server.port());
        assertThat(status(stored)).as(stored).isEqualTo("200");
        assertSpoolEmpty();
        // the same version again: refused by the service (409) after the whole body was spooled
        String stale = ApiFixture.raw(request(ok, ok.length), "127.0.0.1", f.server.port());
        assertJsonError(stale, "409", "stale_version");
        assertSpoolEmpty();
        // a body of unknown length (chunked), sent after the node's 100 Continue, stored
        HttpResponse<String> chunked = f.http.send(HttpRequest.newBuilder(f.uri("/datastore/push")).expectContinue(true)
                .header("Content-Type", Multipart.contentType()).header("Authorization", "Bearer " + ApiFixture.ADMIN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(nextVersionBody())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(200);
        assertSpoolEmpty();
        // a part the route refuses after the body was received
        byte[] odd = new Multipart().field("manifest", "{}").file("surprise", new byte[10]).build();
        assertJsonError(ApiFixture.raw(request(odd, odd.length), "127.0.0.1", f.server.port()), "400", "bad_push");
        assertSpoolEmpty();
        assertThat(f.storage.manifest(f.tiny.datastoreId()).orElseThrow().version().version()).isEqualTo(version.get());
    }

    @Test
    void aBodyTheMultipartDecoderRejectsIsRefusedAndLeavesNothing() throws Exception {
        // a part header line longer than the decoder buffers: refused while the body still arrives
        String body = "--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"capsule-0\"; filename=\"c\"\r\n\r\n"
                + "x".repeat(1000) + "\r\n--" + Multipart.BOUNDARY + "\r\nX-Long: " + "y".repeat(200_000);
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        String resp = ApiFixture.raw(request(bytes, bytes.length + 100), "127.0.0.1", f.server.port());
        assertJsonError(resp, "413", "payload_too_large");
        assertThat(resp).containsIgnoringCase("connection: close");
        assertSpoolEmpty();
    }

    @Test
    void aBodyThatIsNotMultipartIsRefusedBeforeItIsRead() throws Exception {
        String resp = f.raw("POST /datastore/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ApiFixture.ADMIN
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        assertJsonError(resp, "400", "bad_push");
        resp = f.raw("POST /datastore/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ApiFixture.ADMIN
                + "\r\nContent-Type: multipart/form-data\r\nContent-Length: 2\r\n\r\n{}");
        assertJsonError(resp, "400", "bad_push");
        assertSpoolEmpty();
    }

    @Test
    void startupRemovesOnlyTheSpoolsOfProcessesThatAreGone() throws Exception {
        Path root = f.root.resolve("api/http-uploads");
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        // this pid, but a process started at another time: the pid was reused, the owner is gone
        Path reused = Files.createDirectories(root.resolve(self.pid() + "-" + (start - 1000) + "-1/3"));
        Files.write(reused.resolve("0"), new byte[100]);
        // a process that has exited
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path exited = Files.createDirectories(root.resolve(p.pid() + "-0-1/1"));
        Files.write(exited.resolve("0"), new byte[100]);
        // a live process (this one, as another server would be) keeps its spool
        Path live = Files.createDirectories(root.resolve(self.pid() + "-" + start + "-999/1"));
        Files.write(live.resolve("0"), new byte[100]);
        Path loose = Files.write(root.resolve("0d1e2f-old-flat-layout"), new byte[100]);
        Path before = f.server.spool().dir();
        f.restartServer();
        assertThat(before).doesNotExist();
        assertThat(f.server.spool().dir()).isDirectory();
        assertThat(root.resolve(self.pid() + "-" + (start - 1000) + "-1")).doesNotExist();
        assertThat(root.resolve(p.pid() + "-0-1")).doesNotExist();
        assertThat(loose).doesNotExist();
        assertThat(live.resolve("0")).exists();
        PushSpool.deleteTree(root.resolve(self.pid() + "-" + start + "-999"));
        assertSpoolEmpty();
    }
}
