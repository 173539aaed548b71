package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.gossip.RelaySwitch;
import net.dig.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A relay on loopback: registration, a relayed session end to end, refusals, and reconnecting after the relay drops. */
@Timeout(90)
class RelayLoopbackTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir Path dir;
    private TestNodes nodes;
    private RelayServer relay;

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        nodes.close();
    }

    private RelayServer startRelay(int port, RelaySwitch.Settings caps) {
        RelayServer server = new RelayServer(nodes.config().listenAddr(new InetSocketAddress("127.0.0.1", port)).build(), caps,
                Clock.system(), new SplittableRandom(7));
        server.start();
        return server;
    }

    private GossipService nodeBehindRelay(int relayPort) {
        RelayConfig config = new RelayConfig("127.0.0.1:" + relayPort, true, Duration.ofMillis(50), Duration.ofMillis(400), 0);
        return nodes.start(cfg -> cfg.relay(config).targetOutboundCount(0));
    }

    /** A relay with {@code caps}, a node registered with it, and a node outside that is not. */
    private record Setup(int port, GossipService hidden, GossipService outside, RelayAddress address) {}

    private Setup setUp(RelaySwitch.Settings caps) throws Exception {
        nodes = new TestNodes(dir, Clock.system());
        relay = startRelay(0, caps);
        int port = relay.listenAddress().getPort();
        GossipService hidden = nodeBehindRelay(port);
        GossipService outside = nodes.start(cfg -> cfg.targetOutboundCount(0));
        return new Setup(port, hidden, outside, GossipServiceTest.get(hidden.relayRegistration()));
    }

    @Test
    void anOutsidePeerReachesARegisteredNodeThroughTheRelayWithTheHandshakeEndToEnd() throws Exception {
        Setup setup = setUp(RelaySwitch.Settings.defaults());
        int port = setup.port();
        GossipService hidden = setup.hidden();
        GossipService outside = setup.outside();
        RelayAddress address = setup.address();
        assertThat(address.peer()).isEqualTo(hidden.peerId());
        assertThat(address.toString()).isEqualTo("relay://127.0.0.1:" + port + "/" + hidden.peerId().toHex());
        assertThat(RelayAddress.parse(address.toString())).isEqualTo(address);

        PeerId reached = GossipServiceTest.get(outside.connectViaRelay(address));
        assertThat(reached).isEqualTo(hidden.peerId());
        await().atMost(BOUND).until(() -> GossipServiceTest.get(hidden.handle().peerCount()) == 1);
        PeerConnection seenByHidden = GossipServiceTest.get(hidden.handle().connectedPeers()).getFirst();
        assertThat(seenByHidden.peerId()).isEqualTo(outside.peerId());
        assertThat(seenByHidden.isOutbound()).isFalse();
        assertThat(relay.counts().sessions()).isEqualTo(1);
        assertThat(GossipServiceTest.get(outside.connectViaRelay(address))).as("connected already").isEqualTo(hidden.peerId());
        assertThat(relay.counts().sessions()).isEqualTo(1);

        InboundReceiver inbox = hidden.handle().inboundReceiver();
        byte[] body = new byte[60_000];
        new SplittableRandom(3).nextBytes(body);
        GossipServiceTest.get(outside.handle().sendTo(hidden.peerId(), Message.of(204, body)));
        Optional<InboundMessage> got = inbox.receive(BOUND);
        assertThat(got).isPresent();
        assertThat(got.get().peer()).isEqualTo(outside.peerId());
        assertThat(got.get().message().data()).isEqualTo(body);
        assertThat(relay.counts().bytesForwarded()).isGreaterThan(body.length);

        RelayStats stats = hidden.relayStats().orElseThrow();
        assertThat(stats.connected()).isTrue();
        assertThat(stats.relayPeerCount()).isEqualTo(1);
        assertThat(stats.bytesReceived()).isGreaterThan(body.length);
        assertThat(stats.advertised()).contains(address);
        GossipStats gossip = GossipServiceTest.get(hidden.handle().stats());
        assertThat(gossip.relayConnected()).isTrue();
        assertThat(gossip.relayPeerCount()).isEqualTo(1);
        assertThat(outside.relayStats()).isEmpty();

        GossipServiceTest.get(outside.handle().disconnect(hidden.peerId()));
        await().atMost(BOUND).until(() -> relay.counts().sessions() == 0 && hidden.relayStats().orElseThrow().relayPeerCount() == 0);
    }

    @Test
    void refusalsAreRelayErrorsNamingTheReason() throws Exception {
        Setup setup = setUp(new RelaySwitch.Settings(8, 1, 1L << 20, 4L << 20));
        GossipService hidden = setup.hidden();
        GossipService outside = setup.outside();
        GossipService third = nodes.start(cfg -> cfg.targetOutboundCount(0));
        RelayAddress address = setup.address();

        PeerId nobody = new PeerId(Bytes32.fromHex("ab".repeat(32)));
        GossipError unknown = GossipServiceTest.errorOf(outside.connectViaRelay(new RelayAddress(address.relay(), nobody)));
        assertThat(unknown).isInstanceOf(GossipError.RelayError.class);
        assertThat(unknown.describe()).contains("UNKNOWN_TARGET");
        assertThat(GossipServiceTest.errorOf(hidden.connectViaRelay(address))).isInstanceOf(GossipError.SelfConnection.class);

        GossipServiceTest.get(outside.connectViaRelay(address));
        GossipError full = GossipServiceTest.errorOf(third.connectViaRelay(address));
        assertThat(full).isInstanceOf(GossipError.RelayError.class);
        assertThat(full.describe()).contains("SESSION_LIMIT");
        assertThat(relay.counts().sessionsRefused()).isEqualTo(2);
    }

    @Test
    void aFullRelayRefusesTheRegistrationWithARelayError() throws Exception {
        Setup setup = setUp(new RelaySwitch.Settings(1, 16, 1L << 20, 4L << 20));
        RelayConfig patient = new RelayConfig("127.0.0.1:" + setup.port(), true, Duration.ofSeconds(60), Duration.ofSeconds(60), 0);
        GossipService second = nodes.start(cfg -> cfg.relay(patient).targetOutboundCount(0));
        GossipError refused = GossipServiceTest.errorOf(second.relayRegistration());
        assertThat(refused).isInstanceOf(GossipError.RelayError.class);
        assertThat(refused.describe()).contains("refused the registration: RELAY_FULL");
        assertThat(second.relayStats().orElseThrow().connected()).isFalse();
        assertThat(relay.counts().registered()).isEqualTo(1);
    }

    @Test
    void whenTheRelayDropsTheNodeRegistersAgainAndIsReachableAgain() throws Exception {
        Setup setup = setUp(RelaySwitch.Settings.defaults());
        GossipService hidden = setup.hidden();
        GossipService outside = setup.outside();
        RelayAddress address = setup.address();
        GossipServiceTest.get(outside.connectViaRelay(address));

        relay.close();
        await().atMost(BOUND).until(() -> !hidden.relayStats().orElseThrow().connected()
                && GossipServiceTest.get(outside.handle().peerCount()) == 0);
        relay = startRelay(setup.port(), RelaySwitch.Settings.defaults());

        assertThat(GossipServiceTest.get(hidden.relayRegistration())).isEqualTo(address);
        assertThat(hidden.relayStats().orElseThrow().reconnectAttempts()).isGreaterThanOrEqualTo(1);
        assertThat(GossipServiceTest.get(outside.connectViaRelay(address))).isEqualTo(hidden.peerId());
    }
}
