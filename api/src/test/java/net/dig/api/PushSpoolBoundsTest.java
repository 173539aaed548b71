package net.dig.api;

import static net.dig.api.ApiFixture.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The push spool is bounded in total (2 MiB here) and per client (1 MiB: per address, and per API key
 * when the request carries one). Pushes held open by clients that send their headers and a few bytes
 * take their declared length from the spool; the next push over a bound is refused before its body is
 * read, with the status its bound gives, and leaves nothing behind. Clients are told apart by binding
 * their sockets to different loopback addresses; push is open, so a token is only sent to be counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushSpoolBoundsTest {
    static final long KIB = 1024;

    ApiFixture f;
    final List<Socket> held = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(),
                c -> c.toBuilder().limits(64 * KIB, 4L << 20, 8192).admin(ApiFixture.ADMIN, true)
                        .push(new PushLimits(2L << 20, 1L << 20, Duration.ofSeconds(60))).build());
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @AfterEach
    void releaseHeldPushesAndCheckNothingSurvives() throws Exception {
        for (Socket s : held) {
            s.close();
        }
        held.clear();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.spoolLeftovers().isEmpty() && f.server.spool().used() == 0);
    }

    private static String head(long contentLength, boolean token) {
        return "POST /datastore/push HTTP/1.1\r\nHost: x\r\n" + (token ? "Authorization: Bearer " + ApiFixture.ADMIN + "\r\n" : "")
                + "Content-Type: " + Multipart.contentType() + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** Starts a push of {@code length} bytes from {@code from} and leaves it open once the node has booked it. */
    private void hold(String from, long length, boolean token) throws IOException {
        long before = f.server.spool().used();
        Socket s = new Socket();
        held.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", f.server.port()), 5000);
        s.getOutputStream().write((head(length, token) + "--" + Multipart.BOUNDARY + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.server.spool().used() == before + length);
    }

    private String push(String from, long length, boolean token) throws IOException {
        return ApiFixture.raw(head(length, token).getBytes(StandardCharsets.ISO_8859_1), from, f.server.port());
    }

    @Test
    void aBodyLargerThanTheSpoolCanEverHoldIs413() throws Exception {
        assertJsonError(push("127.0.0.1", (1L << 20) + 1, true), "413", "payload_too_large");
        assertJsonError(push("127.0.0.1", 5L << 20, true), "413", "payload_too_large");
        assertThat(f.server.spool().used()).isZero();
    }

    @Test
    void aClientOverItsShareIs429WithRetryAfterAndOthersStillPush() throws Exception {
        hold("127.0.0.2", 700 * KIB, false);
        String refused = push("127.0.0.2", 700 * KIB, false);
        assertJsonError(refused, "429", "spool_quota_exceeded");
        assertThat(refused).containsIgnoringCase("retry-after: 5");
        // another address has a share of its own
        hold("127.0.0.3", 700 * KIB, false);
        assertThat(f.spoolLeftovers()).allSatisfy(p -> assertThat(p).isDirectory());
    }

    @Test
    void theAdminKeyHasAShareOfItsOwnAcrossAddresses() throws Exception {
        hold("127.0.0.4", 700 * KIB, true);
        assertJsonError(push("127.0.0.5", 700 * KIB, true), "429", "spool_quota_exceeded");
    }

    @Test
    void aFullSpoolIs507WithRetryAfter() throws Exception {
        hold("127.0.0.6", 1000 * KIB, false);
        hold("127.0.0.7", 1000 * KIB, false);
        String refused = push("127.0.0.8", 100 * KIB, false);
        assertJsonError(refused, "507", "spool_full");
        assertThat(refused).containsIgnoringCase("retry-after: 5");
        assertThat(f.server.spool().used()).isEqualTo(2000 * KIB);
    }

    @Test
    void aChunkedBodyIsBookedAsItArrivesAndRefusedWhenItPassesABound() throws Exception {
        hold("127.0.0.9", 900 * KIB, false);
        StringBuilder req = new StringBuilder("POST /datastore/push HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + Multipart.contentType() + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = "x".repeat(64 * 1024);
        String part = "--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"capsule-0\"; filename=\"c\"\r\n\r\n";
        req.append(Integer.toHexString(part.length() + chunk.length())).append("\r\n").append(part).append(chunk).append("\r\n");
        for (int i = 0; i < 3; i++) {
            req.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        String resp = ApiFixture.raw(req.toString().getBytes(StandardCharsets.ISO_8859_1), "127.0.0.9", f.server.port());
        assertJsonError(resp, "429", "spool_quota_exceeded");
        assertThat(resp).containsIgnoringCase("connection: close");
    }
}
