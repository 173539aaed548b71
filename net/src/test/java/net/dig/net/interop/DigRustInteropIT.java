package net.dig.net.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipHandle;
import net.dig.net.GossipService;
import net.dig.net.InboundMessage;
import net.dig.net.InboundReceiver;
import net.dig.net.IntroducerServer;
import net.dig.net.PeerConnection;
import net.dig.net.PeerTrust;
import net.dig.net.TransportSettings;
import net.dig.wire.Message;
import net.dig.wire.RespondPeers;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our node against a real DIG wire stack: {@code interop/dig-rust} ({@code dig-interop-peer}),
 * which frames with the {@code dig-peer-protocol} crate (DigMessage/DigLink, RegisterPeer and
 * RegisterAck) and encodes bodies with {@code chia-protocol}, both from crates.io. It presents a
 * {@code chia-ssl} leaf, so our node trusts peers as dig-gossip does ({@link PeerTrust#ANY_CERTIFICATE}:
 * client certificate required, chain not checked). Both directions, handshake, RequestPeers /
 * RespondPeers, DIG frames 220/221 each way, and RegisterPeer 218 / RegisterAck 219 against our
 * introducer. Prerequisite: {@code bash interop/dig-rust/build.sh}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DigRustInteropIT {
    /** The handshake's network_id: a network name, compared as a string, as Chia's {@code "mainnet"}. */
    private static final String NETWORK = "dig-interop";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path binary;
    private GossipService node;

    @BeforeEach
    void locateBinary() {
        binary = ExternalPeer.prerequisite("interop/dig-rust/target/release/dig-interop-peer", "bash interop/dig-rust/build.sh");
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.stop();
        }
    }

    private GossipConfig.Builder config(String name) {
        TransportSettings transport = TransportSettings.defaults()
                .toBuilder().timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(20))
                .identity(Optional.of(dir.resolve(name + "-identity")), Optional.empty(), PeerTrust.ANY_CERTIFICATE).build();
        return GossipConfig.builder()
                .listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK)
                .network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0)
                .peersFilePath(dir.resolve(name + "-peers.dat"))
                .transport(transport);
    }

    private GossipService startNode() {
        node = new GossipService(config("node").build(), Clock.system(), new SplittableRandom(7));
        node.start();
        return node;
    }

    private ExternalPeer rust(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--network-id", NETWORK, "--timeout-secs", "60"));
        return ExternalPeer.start(name, dir, command);
    }

    @Test
    void digPeerDialsOurNode_handshakeRequestPeersAndDigFrame() throws Exception {
        GossipService service = startNode();
        GossipHandle handle = service.handle();
        int port = service.listenAddress().getPort();
        try (InboundReceiver inbound = handle.inboundReceiver();
                ExternalPeer dialer = rust("rust-dial", "dial", "--addr", "127.0.0.1:" + port,
                        "--dig-request", "none", "--dig-send", "220:deadbeef")) {
            assertThat(dialer.awaitExit(WAIT)).as(dialer.describe()).isZero();

            String handshake = dialer.events("handshake").stream()
                    .filter(l -> l.contains("\"direction\":\"received\"")).findFirst().orElseThrow();
            assertThat(ExternalPeer.string(handshake, "network_id")).contains(NETWORK);
            assertThat(ExternalPeer.number(handshake, "node_type")).contains(1L);
            assertThat(ExternalPeer.number(handshake, "server_port")).contains((long) port);
            assertThat(dialer.events("respond_peers")).as(dialer.describe()).hasSize(1);

            InboundMessage dig = ExternalPeer.awaitMessage(inbound, 220, WAIT);
            assertThat(HexFormat.of().formatHex(dig.message().data())).isEqualTo("deadbeef");
            assertThat(dig.message().id()).isEmpty();
        }
    }

    @Test
    void ourNodeDialsDigPeer_handshakeRequestPeersAndDigFramesBothWays() throws Exception {
        GossipService service = startNode();
        GossipHandle handle = service.handle();
        try (InboundReceiver inbound = handle.inboundReceiver();
                ExternalPeer listener = rust("rust-listen", "listen", "--port", "0",
                        "--advertise", "127.0.0.1:9444", "--dig-send", "221:00")) {
            int port = Math.toIntExact(ExternalPeer.number(listener.awaitEvent("listening", WAIT), "port").orElseThrow());

            PeerId peer = handle.connectTo(new InetSocketAddress("127.0.0.1", port)).get(60, TimeUnit.SECONDS);
            PeerConnection connection = handle.connectedPeers().get(10, TimeUnit.SECONDS).stream()
                    .filter(c -> c.peerId().equals(peer)).findFirst().orElseThrow();
            assertThat(connection.isOutbound()).isTrue();
            assertThat(connection.nodeType()).isEqualTo(1);
            assertThat(connection.softwareVersion()).startsWith("dig-interop-peer/");
            assertThat(connection.peerServerPort()).isEqualTo(port);

            RespondPeers peers = handle.requestPeersFrom(peer).get(30, TimeUnit.SECONDS);
            assertThat(peers.peerList()).extracting(TimestampedPeerInfo::host, TimestampedPeerInfo::port)
                    .containsExactly(tuple("127.0.0.1", 9444));

            InboundMessage dig = ExternalPeer.awaitMessage(inbound, 221, WAIT);
            assertThat(dig.peer()).isEqualTo(peer);
            assertThat(dig.message().data()).containsExactly(0);

            handle.sendTo(peer, Message.of(220, new byte[] {(byte) 0xca, (byte) 0xfe})).get(10, TimeUnit.SECONDS);
            listener.awaitEvent("received", WAIT);
            await().atMost(WAIT).untilAsserted(() -> assertThat(listener.events("received"))
                    .as(listener.describe()).anyMatch(l -> l.contains("\"type\":220") && l.contains("dc0000000002cafe")));
            assertThat(listener.events("received")).anyMatch(l -> l.contains("\"type\":43"));

            handle.disconnect(peer).get(10, TimeUnit.SECONDS);
            assertThat(listener.awaitExit(WAIT)).as(listener.describe()).isZero();
            assertThat(listener.events("closed")).hasSize(1);
        }
    }

    @Test
    void digPeerRegistersWithOurIntroducer_registerPeer218AnsweredByRegisterAck219() throws Exception {
        try (IntroducerServer introducer = new IntroducerServer(config("introducer").build(), Duration.ofMinutes(10),
                Clock.system(), new SplittableRandom(11))) {
            introducer.start();
            int port = introducer.listenAddress().getPort();
            try (ExternalPeer dialer = rust("rust-register", "dial", "--addr", "127.0.0.1:" + port,
                    "--dig-request", "218", "--server-port", "9555")) {
                assertThat(dialer.awaitExit(WAIT)).as(dialer.describe()).isZero();
                String ack = dialer.awaitEvent("register_ack", Duration.ofSeconds(1));
                assertThat(ack).contains("\"success\":true");
                assertThat(ExternalPeer.string(ack, "frame_hex").orElseThrow()).startsWith("db01");
            }
        }
    }
}
