package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import net.dig.core.Clock;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.IntroducerServer;
import net.dig.node.ConfigLoader.Setting;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dig-node peers} against a running node (in-process {@link NodeRuntime}, as {@code start}
 * builds it, with a real gossip peer connected over loopback), and {@code dig-node introducer}'s
 * server with two gossip nodes registering and discovering each other through it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PeersAndIntroducerCommandTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String NETWORK = "testnet11";

    @TempDir
    Path tmp;

    @Test
    void peersJsonListsTheLiveConnectionOfTheRunningNode() throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(),
                        List.of(new Setting("api.listen_address", "127.0.0.1:0", "test"),
                                new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                                new Setting("network.network_id", NETWORK, "test"))),
                Optional.empty());
        GossipService peer = gossipNode(b -> b);
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system())) {
            String api = "127.0.0.1:" + node.facts().get("api_port");
            CliRun.Result none = cli.run("peers", "--json", "--api", api);
            assertThat(none.code()).as(none.err()).isZero();
            assertThat(new ObjectMapper().readTree(none.out()).get("peers")).isEmpty();

            String nodePeerId = peer.handle().connectTo(new InetSocketAddress("127.0.0.1", (Integer) node.facts().get("p2p_port")))
                    .get(BOUND.toSeconds(), TimeUnit.SECONDS).toHex();
            assertThat(nodePeerId).isEqualTo(node.facts().get("peer_id"));

            CliRun.Result listed = cli.run("peers", "--json", "--api", api);
            assertThat(listed.code()).as(listed.err()).isZero();
            JsonNode doc = new ObjectMapper().readTree(listed.out());
            assertThat(doc.get("api").asText()).isEqualTo("http://" + api);
            assertThat(doc.get("peers")).hasSize(1);
            JsonNode row = doc.get("peers").get(0);
            assertThat(row.get("peer_id").asText()).isEqualTo(peer.peerId().toHex());
            assertThat(row.get("address").asText()).isEqualTo("127.0.0.1:" + peer.listenAddress().getPort());
            assertThat(row.get("connected_since").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            // The peer dialed the node: from the node's side the connection is inbound, from a full node.
            assertThat(row.get("direction").asText()).isEqualTo("inbound");
            assertThat(row.get("node_type").asText()).isEqualTo("full_node");
            assertThat(row.get("software_version").asText()).startsWith("dig-");
            assertThat(row.has("rtt_ms")).isTrue();
            assertThat(row.get("reputation").asDouble()).isBetween(0.0, 1.0);

            CliRun.Result table = cli.run("peers", "--api", api);
            assertThat(table.code()).isZero();
            assertThat(table.out()).contains("PEER ID", "DIR", peer.peerId().toHex(), "inbound", "full_node");
        } finally {
            peer.stop();
        }
    }

    @Test
    void peersWithoutARunningNodeSaysSoAndExits1() throws Exception {
        CliRun cli = new CliRun(tmp.resolve("home"), Map.of());
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun.Result r = cli.run("peers", "--json", "--api", "127.0.0.1:" + port);
        assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("no node is running at http://127.0.0.1:" + port);

        CliRun.Result bad = cli.run("peers", "--api", "nowhere");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--api: must be host:port");
    }

    @Test
    void introducerCommandServesRegistrationAndDiscoveryToTwoNodes() throws Exception {
        picocli.CommandLine cl = DigNodeCommand.commandLine(Map.of(), new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        IntroducerCommand command = (IntroducerCommand) cl.parseArgs("--data-dir", tmp.resolve("intro").toString(), "introducer",
                "--listen", "127.0.0.1:0", "--network-id", NETWORK, "--private-addresses").subcommand().commandSpec().userObject();
        GossipService a = null;
        GossipService b = null;
        try (IntroducerServer server = command.start(DigNodeCommand.root(command.spec).context())) {
            String url = "wss://127.0.0.1:" + server.listenAddress().getPort();
            a = gossipNode(cfg -> cfg.introducer(GossipConfig.IntroducerConfig.of(url)));
            b = gossipNode(cfg -> cfg.introducer(GossipConfig.IntroducerConfig.of(url)));
            assertThat(a.handle().registerWithIntroducer().get(BOUND.toSeconds(), TimeUnit.SECONDS).success()).isTrue();
            assertThat(b.handle().registerWithIntroducer().get(BOUND.toSeconds(), TimeUnit.SECONDS).success()).isTrue();

            GossipService asker = b;
            await().atMost(BOUND).until(() -> !asker.handle().discoverFromIntroducer().get(BOUND.toSeconds(), TimeUnit.SECONDS).isEmpty());
            assertThat(b.handle().discoverFromIntroducer().get(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .extracting(TimestampedPeerInfo::host, TimestampedPeerInfo::port)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", a.listenAddress().getPort()));
            GossipService other = a;
            await().atMost(BOUND).until(() -> !other.handle().discoverFromIntroducer().get(BOUND.toSeconds(), TimeUnit.SECONDS).isEmpty());
            assertThat(a.handle().discoverFromIntroducer().get(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .extracting(TimestampedPeerInfo::host, TimestampedPeerInfo::port)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", b.listenAddress().getPort()));
        } finally {
            if (a != null) {
                a.stop();
            }
            if (b != null) {
                b.stop();
            }
        }
    }

    @Test
    void startedNodesConfiguredWithAnIntroducerFindAndConnectToEachOther() throws Exception {
        picocli.CommandLine cl = DigNodeCommand.commandLine(Map.of(), new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        IntroducerCommand command = (IntroducerCommand) cl.parseArgs("--data-dir", tmp.resolve("intro2").toString(), "introducer",
                "--listen", "127.0.0.1:0", "--network-id", NETWORK, "--private-addresses").subcommand().commandSpec().userObject();
        try (IntroducerServer server = command.start(DigNodeCommand.root(command.spec).context());
             NodeRuntime a = runtimeWithIntroducer("a", "127.0.0.1:" + server.listenAddress().getPort());
             NodeRuntime b = runtimeWithIntroducer("b", "wss://127.0.0.1:" + server.listenAddress().getPort())) {
            // Neither node has a bootstrap peer: each can only learn the other through the introducer.
            String peerIdA = (String) a.facts().get("peer_id");
            String peerIdB = (String) b.facts().get("peer_id");
            await().atMost(BOUND).pollInterval(Duration.ofMillis(250))
                    .until(() -> peerIds(a).contains(peerIdB) && peerIds(b).contains(peerIdA));
        }
    }

    @Test
    void aMalformedIntroducerIsRejectedNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
                        List.of(new Setting("network.introducer", "wss://", "--introducer"))))
                .hasMessageContaining("introducer");
    }

    @Test
    void aStartedNodeFindsAndConnectsToAPeerThroughADnsSeed() throws Exception {
        try (NodeRuntime a = runtime("dns-a");
             NodeRuntime b = runtime("dns-b", new Setting("network.dns_seeds", "localhost:" + a.facts().get("p2p_port"), "test"))) {
            // b has no bootstrap peer and no introducer: its only lead is the name localhost resolving to a.
            String peerIdA = (String) a.facts().get("peer_id");
            await().atMost(BOUND).pollInterval(Duration.ofMillis(250)).until(() -> peerIds(b).contains(peerIdA));
        }
    }

    @Test
    void malformedDnsSeedsAreRejectedNamingTheEntry() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
                        List.of(new Setting("network.dns_seeds", "seed.example:notaport", "test"))))
                .hasMessageContaining("dns_seeds[0]");
    }

    private NodeRuntime runtimeWithIntroducer(String name, String introducer) throws Exception {
        return runtime(name, new Setting("network.introducer", introducer, "--introducer"));
    }

    private NodeRuntime runtime(String name, Setting... extra) throws Exception {
        return LoopbackRuntimes.start(tmp.resolve(name), NETWORK, List.of(new Setting("network.peer_connect_interval_secs", "1", "test")), extra);
    }

    private static List<String> peerIds(NodeRuntime node) throws Exception {
        return LoopbackRuntimes.peerIds(node);
    }

    private int counter;

    private GossipService gossipNode(UnaryOperator<GossipConfig.Builder> customise) {
        int n = ++counter;
        GossipConfig config = customise.apply(GossipConfig.builder()
                .listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK)
                .network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0)
                .peersFilePath(tmp.resolve("peers-" + n + ".dat"))).build();
        GossipService service = new GossipService(config, Clock.system(), new SplittableRandom(n));
        service.start();
        return service;
    }
}
