package net.dig.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that close before their handshake release everything the node held for them: the link in
 * the peer table, the connection handler (with its lanes and rate limiters), the handshake slot and the
 * per-source counts. A few thousand here; {@code ChurnIT} churns 20,000.
 */
class ChurnTest {
    @TempDir Path dir;
    private final EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void tearDown() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static void churn(Path dir, EventLoopGroup clients, int raw, int tls) throws Exception {
        try (TestNodes nodes = new TestNodes(dir, Clock.system())) {
            GossipService node = nodes.start(cfg -> cfg.targetOutboundCount(0));
            Churn.rawConnectAndClose(TestNodes.loopback(node), raw);
            var leaf = nodes.pki.leaf();
            TlsIdentity client = TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(nodes.pki.caCertificatePath()));
            Churn.tlsWithoutUpgrade(clients, client, TestNodes.loopback(node), tls);
            // a handshaken peer comes and goes too: the admitted path releases as well
            GossipService honest = nodes.start(cfg -> cfg.targetOutboundCount(0));
            GossipServiceTest.get(honest.handle().connectTo(TestNodes.loopback(node)));
            honest.stop();
            // a TLS client may find its source still at its cap while the node closes the raw churn: most, not all, speak
            Churn.assertEverythingReleased(node, raw + tls, tls / 2, Duration.ofSeconds(30));
        }
    }

    @Test
    @Timeout(120)
    void connectionsClosedBeforeTheirHandshakeLeaveNothingBehind() throws Exception {
        churn(dir, clients, 3_000, 200);
    }
}
