package net.dig.api;

import static net.dig.api.ApiFixture.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that break HTTP itself, which Vert.x would answer on its own (501 with no body for a version
 * it does not speak, an HTTP/2 preface, a broken request line or header block): each gets an HTTP/1.1
 * answer with the JSON error body of docs/api.md, on the API and on the metrics listener, and the node
 * goes on serving. Raw sockets over loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolErrorsTest {
    ApiFixture f;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c);
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private String raw(int port, String request) throws Exception {
        return ApiFixture.raw(request.getBytes(StandardCharsets.ISO_8859_1), "127.0.0.1", port);
    }

    private void assertStillServing() throws Exception {
        assertThat(f.get("/capsule/" + f.tiny.datastoreId().toHex() + "/0").statusCode()).isEqualTo(200);
        assertThat(f.getText(f.metrics("/health")).statusCode()).isEqualTo(200);
    }

    @Test
    void anHttpVersionOtherThan1xIs400Json() throws Exception {
        for (int port : new int[] {f.server.port(), f.server.metricsPort()}) {
            for (String version : new String[] {"HTTP/9.9", "HTTP/2.0", "HTTP/1.2", "HTTP/0.9"}) {
                String resp = raw(port, "GET /node/status " + version + "\r\nHost: x\r\n\r\n");
                assertThat(resp).as(version).startsWith("HTTP/1.1 400 ");
                assertJsonError(resp, "400", "bad_request");
                assertThat(resp).containsIgnoringCase("connection: close");
            }
        }
        assertStillServing();
    }

    @Test
    void anHttp2PrefaceIs400JsonNotAnHttp2Connection() throws Exception {
        assertJsonError(raw(f.server.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), "400", "bad_request");
        // an upgrade request is served as the HTTP/1.1 request it is, never switched to h2c
        String upgrade = raw(f.server.port(), "GET /network/peers HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
        assertThat(upgrade).startsWith("HTTP/1.1 200 ");
        assertStillServing();
    }

    @Test
    void malformedRequestLinesAndHeaderBlocksAre400Json() throws Exception {
        String[] requests = {
            "GET\r\n\r\n",
            "GET /node/status\r\n\r\n",
            "GET /node/status HTTP/1.1 extra\r\nHost: x\r\n\r\n",
            "GET /node/status HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
            "GET /node/status HTTP/1.1\r\nHost: x\r\n Folded: continuation\r\n\r\n",
            "GET /node/status HTTP/1.1\r\n\r\n",
            "GET /node/status HTTP/1.1\r\nHost: a b\r\n\r\n",
            "POST /handle HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "POST /handle HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "POST /handle HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        };
        for (int port : new int[] {f.server.port(), f.server.metricsPort()}) {
            for (String r : requests) {
                String resp = raw(port, r);
                assertThat(resp).as(r).matches("(?s)HTTP/1\\.[01] 400 .*");
                assertJsonError(resp, "400", "bad_request");
            }
        }
        assertStillServing();
    }

    @Test
    void aBrokenChunkedBodyIsAnsweredWithJson() throws Exception {
        String resp = raw(f.server.port(), "POST /handle HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ApiFixture.ADMIN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        assertJsonError(resp, "400", "bad_request");
        assertStillServing();
    }

    @Test
    void tooLongAndTooLargeAreStill414And431Json() throws Exception {
        for (int port : new int[] {f.server.port(), f.server.metricsPort()}) {
            assertJsonError(raw(port, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), "414", "uri_too_long");
            assertJsonError(raw(port, "GET /node/status HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"),
                    "431", "headers_too_large");
        }
        assertStillServing();
    }
}
