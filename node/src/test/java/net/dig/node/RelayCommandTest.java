package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.RelayAddress;
import net.dig.net.RelayConfig;
import net.dig.net.RelayServer;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dig-node relay} and {@code network.relay.*}: a node configured with a relay is reached through it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RelayCommandTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String NETWORK = "testnet11";

    @TempDir
    Path tmp;

    @Test
    void aNodeWithNetworkRelayEndpointIsReachedThroughTheRelayCommand() throws Exception {
        picocli.CommandLine cl = DigNodeCommand.commandLine(Map.of(), new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        RelayCommand command = (RelayCommand) cl.parseArgs("--data-dir", tmp.resolve("relay").toString(), "relay",
                "--listen", "127.0.0.1:0", "--network-id", NETWORK, "--max-sessions-per-peer", "4").subcommand().commandSpec().userObject();
        GossipService outside = null;
        try (RelayServer relay = command.start(DigNodeCommand.root(command.spec).context())) {
            int port = relay.listenAddress().getPort();
            try (NodeRuntime node = LoopbackRuntimes.start(tmp.resolve("hidden"), NETWORK, List.of(), new Setting("network.relay.endpoint", "127.0.0.1:" + port, "test"),
                    new Setting("network.relay.reconnect_max_secs", "2", "test"))) {
                PeerId hidden = PeerId.parse((String) node.facts().get("peer_id"));
                await().atMost(BOUND).until(() -> relay.counts().registered() == 1);
                outside = gossipNode();
                RelayAddress address = new RelayAddress(new InetSocketAddress("127.0.0.1", port), hidden);
                assertThat(outside.connectViaRelay(address).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(hidden);
                String outsideId = outside.peerId().toHex();
                await().atMost(BOUND).until(() -> LoopbackRuntimes.peerIds(node).contains(outsideId));
            }
        } finally {
            if (outside != null) {
                outside.stop();
            }
        }
    }

    @Test
    void relaySettingsAreValidatedAndReachTheGossipConfig() throws Exception {
        Path home = tmp.resolve("cfg");
        assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        NodeConfig config = ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), List.of(
                new Setting("network.relay.endpoint", "ws://relay.example:9999", "test"),
                new Setting("network.relay.reconnect_initial_secs", "2", "test"),
                new Setting("network.relay.reconnect_max_secs", "30", "test"),
                new Setting("network.relay.max_reconnect_attempts", "5", "test")));
        assertThat(config.network().relay().relayConfig()).contains(
                new RelayConfig("ws://relay.example:9999", true, Duration.ofSeconds(2), Duration.ofSeconds(30), 5));
        assertThat(ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), List.of()).network().relay().relayConfig()).isEmpty();

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), List.of(
                new Setting("network.relay.reconnect_initial_secs", "10", "test"),
                new Setting("network.relay.reconnect_max_secs", "5", "test"))))
                .hasMessageContaining("reconnect_max_secs");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), List.of(
                new Setting("network.relay.endpoint", "ftp://relay.example", "test"))))
                .hasMessageContaining("endpoint");
    }

    private GossipService gossipNode() {
        GossipConfig config = GossipConfig.builder()
                .listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK)
                .network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0)
                .peersFilePath(tmp.resolve("peers-outside.dat")).build();
        GossipService service = new GossipService(config, Clock.system(), new SplittableRandom(1));
        service.start();
        return service;
    }
}
