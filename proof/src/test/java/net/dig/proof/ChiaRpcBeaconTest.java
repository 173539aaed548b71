package net.dig.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a local stub speaking the full node's RPC shape (plain HTTP: the TLS setup is not exercised here). */
class ChiaRpcBeaconTest {
    private static final String HASH = "a1".repeat(32);
    private HttpServer server;
    private final AtomicReference<String> requestBody = new AtomicReference<>();
    private volatile int status = 200;
    private volatile String answer = "";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/get_block_record_by_height", ex -> {
            requestBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ChiaRpcBeacon beacon() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new ChiaRpcBeacon(base, HttpClient.newHttpClient(), Duration.ofSeconds(5));
    }

    @Test
    void readsTheHeaderHashOfTheHeight() {
        answer = "{\"block_record\": {\"height\": 123, \"header_hash\": \"0x" + HASH + "\", \"weight\": 9}, \"success\": true}";
        assertThat(beacon().entropy(123)).isEqualTo(Bytes32.fromHex(HASH));
        assertThat(requestBody.get()).isEqualTo("{\"height\": 123}");
    }

    @Test
    void aMissingBlockIsNoSuchEpoch() {
        answer = "{\"error\": \"Block at height 999999 not found\", \"success\": false}";
        assertThatThrownBy(() -> beacon().entropy(999_999)).isInstanceOfSatisfying(BeaconUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(BeaconUnavailableException.Reason.NO_SUCH_EPOCH));
        status = 500;
        answer = "oops";
        assertThatThrownBy(() -> beacon().entropy(1)).isInstanceOfSatisfying(BeaconUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(BeaconUnavailableException.Reason.NO_SUCH_EPOCH));
    }

    @Test
    void anAnswerWithoutAHashIsMalformed() {
        answer = "{\"block_record\": {\"header_hash\": \"0x1234\"}, \"success\": true}";
        assertThatThrownBy(() -> beacon().entropy(5)).isInstanceOfSatisfying(BeaconUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(BeaconUnavailableException.Reason.MALFORMED_ANSWER));
    }

    @Test
    void aStoppedNodeIsUnreachable() {
        ChiaRpcBeacon b = beacon();
        server.stop(0);
        assertThatThrownBy(() -> b.entropy(5)).isInstanceOfSatisfying(BeaconUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(BeaconUnavailableException.Reason.UNREACHABLE));
    }

    @Test
    void theLocalBeaconIsDeterministicPerEpoch() {
        LocalBeacon a = new LocalBeacon(Fixtures.bytes32("s"));
        assertThat(a.entropy(3)).isEqualTo(new LocalBeacon(Fixtures.bytes32("s")).entropy(3)).isNotEqualTo(a.entropy(4));
    }
}
