package net.dig.node;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.dig.core.Clock;
import net.dig.net.GossipConfig;
import net.dig.net.GossipConstants;
import net.dig.net.IntroducerServer;
import net.dig.net.TransportSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node introducer}: runs dig-net's {@link IntroducerServer} as its own program until
 * SIGTERM or SIGINT (then exit 0), logging in the seed's JSON format on stdout.
 *
 * <p>Policy: it listens on {@code --listen} (default {@code 0.0.0.0:9448}, dig-gossip's introducer
 * port), handshakes with {@code --network-id} (default {@code network.network_id}), keeps its TLS
 * identity in {@code <home>/introducer-tls}, vets registered peers every 60 s (Chia's interval) and
 * hands out only public addresses unless {@code --private-addresses} (loopback networks, tests).
 * It makes no outbound P2P connections.
 */
@Command(name = "introducer", mixinStandardHelpOptions = true,
        description = "Run a P2P introducer (answers RequestPeersIntroducer 63 and RegisterPeer 218) until SIGTERM.")
final class IntroducerCommand implements Callable<Integer> {
    private static final Duration VET_INTERVAL = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Listen address (default 0.0.0.0:9448; port 0 = any free port).")
    String listen = "0.0.0.0:" + GossipConstants.DEFAULT_INTRODUCER_PORT;

    @Option(names = "--network-id", paramLabel = "ID", description = "Network name of the handshake (default: network.network_id).")
    String networkId;

    @Option(names = "--private-addresses", description = "Accept and hand out loopback and private addresses (local networks).")
    boolean privateAddresses;

    @Override
    public Integer call() throws Exception {
        DigNodeCommand.NodeContext ctx = DigNodeCommand.root(spec).context();
        LogSetup.toConsole(LogSetup.Console.STDOUT, ctx.config().monitoring().logLevel(), ctx.home().logFile(ctx.config()));
        CountDownLatch stop = new CountDownLatch(1);
        SignalTrap.onTermination(stop::countDown);
        try (IntroducerServer server = start(ctx)) {
            Thread hook = new Thread(server::close, "dig-node-introducer-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run; close() is idempotent
            }
        }
        NodeLog.info("introducer", "introducer_stopped", Map.of());
        return ExitCodes.OK;
    }

    /** Builds and starts the server from the flags and config; logs {@code introducer_started}. */
    IntroducerServer start(DigNodeCommand.NodeContext ctx) throws java.io.IOException {
        GossipConfig config = config(ctx);
        IntroducerServer server = new IntroducerServer(config, VET_INTERVAL, Clock.system(), new SecureRandom());
        server.start();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("listen", hostOf(listen) + ":" + server.listenAddress().getPort());
        details.put("port", server.listenAddress().getPort());
        details.put("network_id", config.networkId());
        details.put("peer_id", server.service().peerId().toHex());
        NodeLog.info("introducer", "introducer_started", details);
        return server;
    }

    GossipConfig config(DigNodeCommand.NodeContext ctx) throws java.io.IOException {
        HostPort hp = DigNodeCommand.hostPortFlag("--listen", listen);
        String id = networkId != null ? networkId : ctx.config().network().networkId();
        try {
            GossipConfig.checkNetworkId(id);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--network-id: " + e.getMessage().replaceFirst("^network_id ", "") + " (\"" + id + "\")");
        }
        Files.createDirectories(ctx.home().dir());
        TransportSettings defaults = TransportSettings.defaults();
        return GossipConfig.builder()
                .listenAddr(new InetSocketAddress(hp.host(), hp.port()))
                .networkId(id)
                .network(privateAddresses ? GossipConfig.Network.LOCAL : GossipConfig.Network.MAINNET)
                .targetOutboundCount(0)
                .peersFilePath(ctx.home().dir().resolve("introducer-peers.dat"))
                .transport(defaults.toBuilder().identity(Optional.of(ctx.home().dir().resolve("introducer-tls")), Optional.empty(),
                        defaults.peerTrust()).build())
                .build();
    }

    private static String hostOf(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }
}
