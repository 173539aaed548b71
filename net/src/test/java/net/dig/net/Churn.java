package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Connection churn against a running node, for leak checks: raw TCP connect and close from many loopback
 * sources, and TLS connections that finish TLS and close without upgrading to WebSocket.
 */
final class Churn {
    private Churn() {}

    /** The loopback source of the i-th connection: 127.0.0.2 ... 127.0.0.250, in turn. */
    static String source(int i) {
        return "127.0.0." + (2 + i % 249);
    }

    /** {@code count} TCP connects, each closed at once (every other one with a reset). */
    static void rawConnectAndClose(InetSocketAddress target, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(source(i), 0));
                s.connect(target, 5_000);
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0);
                }
            }
        }
    }

    /** {@code count} connections that finish TLS and close without upgrading. */
    static void tlsWithoutUpgrade(EventLoopGroup group, TlsIdentity client, InetSocketAddress target, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            RawTls.connect(group, client, source(i), target).close();
        }
    }

    /**
     * Waits (bounded) until the node holds nothing for any connection, and checks it saw {@code accepted}
     * connections and built a session for at least {@code sessions} of them.
     */
    static void assertEverythingReleased(GossipService node, long accepted, long sessions, Duration bound) {
        await().atMost(bound).untilAsserted(() -> assertThat(node.liveCounts()).isEqualTo(new GossipService.LiveCounts(0, 0, 0, 0, 0, 0)));
        assertThat(node.admission().attempts()).as("connections the node accepted").isGreaterThanOrEqualTo(accepted);
        assertThat(node.openedConnections()).as("sessions built (connections that spoke)").isGreaterThanOrEqualTo(sessions);
    }
}
