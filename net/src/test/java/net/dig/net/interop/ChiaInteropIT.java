package net.dig.net.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipHandle;
import net.dig.net.GossipService;
import net.dig.net.InboundMessage;
import net.dig.net.InboundReceiver;
import net.dig.net.PeerConnection;
import net.dig.net.PeerTrust;
import net.dig.net.TlsIdentity;
import net.dig.net.TransportSettings;
import net.dig.wire.RespondPeers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our node against real Chia: {@code chia-blockchain} 2.7.5 from PyPI, driven by
 * {@code interop/chia/peer.py}. Three exchanges, each a handshake plus RequestPeers/RespondPeers:
 * <ul>
 *   <li>Chia's own client ({@code ChiaServer.start_client}, {@code WSChiaConnection.call_api}) dials us;</li>
 *   <li>we dial a real {@code chia_full_node} process;</li>
 *   <li>a real {@code chia_full_node} process dials us through its own node discovery (our address
 *       seeded into its address book) and sends RequestPeers on connect.</li>
 * </ul>
 * Chia's handshake network id is the name of its selected network, compared as a string, so the
 * Chia roots are configured with a network of the same name as our node's. Chia's full node
 * trusts only {@code chia_ca.crt} of its root (docs/formats/wire.md, interop/README.md), so our node
 * loads that CA (and its public key pair) as its network CA and issues its leaf from it.
 * Prerequisite: {@code bash interop/chia/setup.sh}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ChiaInteropIT {
    /** The handshake's network_id: a network name, compared as a string, as Chia's {@code "mainnet"}. */
    private static final String NETWORK = "dig-interop";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private Path python;
    private Path harness;
    private Path chiaRoot;
    private GossipService node;

    @BeforeEach
    void initChiaRootAndStartNode() throws Exception {
        python = ExternalPeer.prerequisite("interop/chia/.venv/bin/python", "bash interop/chia/setup.sh");
        harness = ExternalPeer.repoRoot().resolve("interop/chia/peer.py");
        chiaRoot = dir.resolve("chia-root");
        try (ExternalPeer init = chia("chia-init", "init", "--root", chiaRoot.toString())) {
            assertThat(init.awaitExit(WAIT)).as(init.describe()).isZero();
        }
        Path ca = chiaRoot.resolve("config/ssl/ca");
        TransportSettings transport = TransportSettings.defaults()
                .toBuilder().timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30))
                .identity(Optional.of(dir.resolve("node-identity")),
                        Optional.of(new TlsIdentity.CaFiles(ca.resolve("chia_ca.crt"), ca.resolve("chia_ca.key"))),
                        PeerTrust.NETWORK_CA).build();
        GossipConfig config = GossipConfig.builder()
                .listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK)
                .network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0)
                .peersFilePath(dir.resolve("peers.dat"))
                .transport(transport)
                .build();
        node = new GossipService(config, Clock.system(), new SplittableRandom(3));
        node.start();
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.stop();
        }
    }

    private ExternalPeer chia(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(python.toString(), harness.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--network-id", NETWORK));
        return ExternalPeer.start(name, dir, command);
    }

    private int ourPort() {
        return node.listenAddress().getPort();
    }

    @Test
    void chiaClientDialsOurNode_handshakeAndRequestPeers() throws Exception {
        try (ExternalPeer dialer = chia("chia-dial", "dial", "--root", chiaRoot.toString(),
                "--addr", "127.0.0.1:" + ourPort(), "--timeout", "60")) {
            assertThat(dialer.awaitExit(WAIT)).as(dialer.describe()).isZero();

            String handshake = dialer.awaitEvent("handshake", Duration.ofSeconds(1));
            assertThat(ExternalPeer.number(handshake, "node_type")).contains(1L);
            assertThat(ExternalPeer.number(handshake, "peer_server_port")).contains((long) ourPort());
            assertThat(ExternalPeer.string(handshake, "software_version"))
                    .contains(TransportSettings.defaults().softwareVersion());
            assertThat(ExternalPeer.string(handshake, "peer_node_id")).isPresent();
            assertThat(dialer.events("respond_peers")).as(dialer.describe()).hasSize(1);
        }
    }

    @Test
    void ourNodeDialsChiaFullNodeProcess_handshakeAndRequestPeers() throws Exception {
        GossipHandle handle = node.handle();
        try (ExternalPeer fullNode = chia("chia-full-node", "listen", "--root", chiaRoot.toString(),
                "--port", "0", "--timeout", "180")) {
            int port = Math.toIntExact(ExternalPeer.number(fullNode.awaitEvent("listening", WAIT), "port").orElseThrow());

            PeerId peer = handle.connectTo(new InetSocketAddress("127.0.0.1", port)).get(60, TimeUnit.SECONDS);
            PeerConnection connection = handle.connectedPeers().get(10, TimeUnit.SECONDS).stream()
                    .filter(c -> c.peerId().equals(peer)).findFirst().orElseThrow();
            assertThat(connection.isOutbound()).isTrue();
            assertThat(connection.nodeType()).isEqualTo(1);
            assertThat(connection.softwareVersion()).isEqualTo("2.7.5");
            assertThat(connection.peerServerPort()).isEqualTo(port);

            // The full node files our (address, handshake server_port) in its address book when we
            // connect, then shares it: seeing our own listening port come back proves it decoded our
            // handshake and our RequestPeers, and that we decoded its RespondPeers.
            // (Chia drops entries on another network's default port, 58444/58445; an ephemeral port
            // can be one of them, and then only the exchange itself is checked.)
            boolean chiaShares = !Set.of(58444, 58445).contains(ourPort());
            AtomicReference<RespondPeers> last = new AtomicReference<>();
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                last.set(handle.requestPeersFrom(peer).get(30, TimeUnit.SECONDS));
                if (chiaShares) {
                    assertThat(last.get().peerList()).as(fullNode.describe())
                            .anyMatch(p -> p.host().equals("127.0.0.1") && p.port() == ourPort());
                }
            });
            assertThat(fullNode.events("received")).as(fullNode.describe())
                    .anyMatch(l -> l.contains("\"request_peers\""));
        }
    }

    @Test
    void chiaFullNodeProcessDialsOurNode_viaItsNodeDiscovery() throws Exception {
        GossipHandle handle = node.handle();
        try (InboundReceiver inbound = handle.inboundReceiver();
                ExternalPeer fullNode = chia("chia-full-node-dialer", "dial", "--process",
                        "--root", dir.resolve("chia-dialer-root").toString(),
                        "--addr", "127.0.0.1:" + ourPort(), "--timeout", "120")) {
            assertThat(fullNode.awaitExit(Duration.ofSeconds(150))).as(fullNode.describe()).isZero();
            assertThat(fullNode.events("connected")).as(fullNode.describe())
                    .anyMatch(l -> ExternalPeer.number(l, "port").equals(Optional.of((long) ourPort())));
            assertThat(fullNode.events("sent")).anyMatch(l -> l.contains("\"request_peers\""));
            assertThat(fullNode.events("received")).anyMatch(l -> l.contains("\"respond_peers\""));

            InboundMessage request = ExternalPeer.awaitMessage(inbound, 43, WAIT);
            assertThat(request.message().id()).isEmpty();
        }
    }
}
