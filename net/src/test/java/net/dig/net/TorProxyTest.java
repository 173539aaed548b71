package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.dig.gossip.OnionAddress;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound connections through a real SOCKS5 server: Debian's {@code microsocks} on loopback, run in a mount
 * namespace of its own whose {@code /etc/hosts} maps two names to 127.0.0.1, a DNS-style name and an onion
 * name. Neither resolves on this host, so a connection that arrives proves the name went to the proxy
 * unresolved; the proxy's log shows it asked for the name.
 *
 * <p>Needs root ({@code unshare -m}, a bind mount) and {@code microsocks} ({@code .ci/run} installs it); skipped
 * without them, failed under {@code CI=true}.
 */
class TorProxyTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String HIDDEN_NAME = "dig-peer.proxy-only.test";
    private static final OnionAddress ONION = OnionAddress.ofPublicKey(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;
    private Process proxy;
    private Path proxyLog;
    private int proxyPort;

    @BeforeEach
    void startProxy() throws Exception {
        boolean available = Files.isExecutable(Path.of("/usr/bin/microsocks")) && Files.isExecutable(Path.of("/usr/bin/unshare"))
                && "root".equals(System.getProperty("user.name"));
        if ("true".equals(System.getenv("CI"))) {
            assertThat(available).as("microsocks, unshare and root are required under CI (see .ci/run)").isTrue();
        }
        Assumptions.assumeTrue(available, "needs /usr/bin/microsocks, unshare and root");
        nodes = new TestNodes(dir, clock);
        Path hosts = dir.resolve("proxy-hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n127.0.0.1 " + HIDDEN_NAME + "\n127.0.0.1 " + ONION.host() + "\n");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            proxyPort = free.getLocalPort();
        }
        proxyLog = dir.resolve("microsocks.log");
        proxy = new ProcessBuilder("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /etc/hosts && exec microsocks -i 127.0.0.1 -p \"$1\"", hosts.toString(), Integer.toString(proxyPort))
                .redirectErrorStream(true).redirectOutput(proxyLog.toFile()).start();
        await().atMost(BOUND).until(() -> proxyListening() || !proxy.isAlive());
        assertThat(proxy.isAlive()).as("microsocks started: %s", Files.readString(proxyLog)).isTrue();
    }

    private boolean proxyListening() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxyPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (proxy != null) {
            proxy.destroy();
            proxy.waitFor();
        }
    }

    /** Generous: the first dial of a JVM sets up TLS and the PKI, slow on a loaded machine. */
    private static <T> T get(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static GossipError errorOf(java.util.concurrent.CompletableFuture<?> future) {
        assertThatThrownBy(() -> get(future)).isInstanceOf(java.util.concurrent.ExecutionException.class)
                .hasCauseInstanceOf(GossipException.class);
        return ((GossipException) future.exceptionNow()).error();
    }

    private TorConfig tor() {
        return new TorConfig(new InetSocketAddress("127.0.0.1", proxyPort), true);
    }

    @Test
    void aNameOnlyTheProxyKnowsIsReachedThroughIt() throws Exception {
        assertThatThrownBy(() -> InetAddress.getByName(HIDDEN_NAME)).as("the name must not resolve here")
                .isInstanceOf(UnknownHostException.class);
        GossipService listener = nodes.start();
        GossipService dialer = nodes.start(b -> b.tor(tor()));
        int port = listener.listenAddress().getPort();

        assertThat(get(dialer.handle().connectTo(InetSocketAddress.createUnresolved(HIDDEN_NAME, port))))
                .isEqualTo(listener.peerId());
        assertThat(Files.readString(proxyLog)).contains("connected to " + HIDDEN_NAME + ":" + port);
    }

    @Test
    void anOnionPeerIsDialledThroughTheProxyAndKeepsItsName() throws Exception {
        GossipService listener = nodes.start();
        GossipService dialer = nodes.start(b -> b.tor(tor()));
        int port = listener.listenAddress().getPort();

        InetSocketAddress onion = InetSocketAddress.createUnresolved(ONION.host(), port);
        assertThat(get(dialer.handle().connectTo(onion))).isEqualTo(listener.peerId());
        assertThat(Files.readString(proxyLog)).contains("connected to " + ONION.host() + ":" + port);
        assertThat(get(dialer.handle().connectedPeers())).singleElement()
                .satisfies(p -> assertThat(p.address().getHostString()).isEqualTo(ONION.host()));
    }

    @Test
    void anOnionWithoutAProxyIsRefused() {
        GossipService plain = nodes.start();
        GossipError error = errorOf(plain.handle().connectTo(InetSocketAddress.createUnresolved(ONION.host(), 9444)));
        assertThat(error).isInstanceOf(GossipError.ConnectionFiltered.class);
        assertThat(error.describe()).contains(ONION.host()).contains("network.tor");
    }

    @Test
    void aProxyThatCannotReachThePeerIsAClientError() throws Exception {
        GossipService dialer = nodes.start(b -> b.tor(tor()));
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        GossipError error = errorOf(dialer.handle().connectTo(InetSocketAddress.createUnresolved(HIDDEN_NAME, closed)));
        assertThat(error).isInstanceOf(GossipError.ClientError.class);
        assertThat(error.describe()).contains("SOCKS5 proxy").contains(HIDDEN_NAME + ":" + closed);
    }
}
