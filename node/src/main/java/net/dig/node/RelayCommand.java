package net.dig.node;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.dig.core.Clock;
import net.dig.gossip.RelaySwitch;
import net.dig.net.GossipConfig;
import net.dig.net.GossipConstants;
import net.dig.net.RelayServer;
import net.dig.net.TransportSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node relay}: runs dig-net's {@link RelayServer} as its own program until SIGTERM or SIGINT
 * (then exit 0), logging in the seed's JSON format on stdout.
 *
 * <p>Policy: it listens on {@code --listen} (default {@code 0.0.0.0:9450}, dig-gossip's relay port),
 * handshakes with {@code --network-id} (default {@code network.network_id}), keeps its TLS identity in
 * {@code <home>/relay-tls}, and caps what it carries: {@code --max-registered} nodes,
 * {@code --max-sessions-per-peer} sessions per connection, {@code --bytes-per-second} per connection
 * (a bucket four times that deep). It makes no outbound P2P connections.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Run a P2P relay for nodes behind a NAT (opcode 242: register, relayed sessions) until SIGTERM.")
final class RelayCommand implements Callable<Integer> {
    private static final RelaySwitch.Settings DEFAULTS = RelaySwitch.Settings.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Listen address (default 0.0.0.0:9450; port 0 = any free port).")
    String listen = "0.0.0.0:" + GossipConstants.DEFAULT_RELAY_PORT;

    @Option(names = "--network-id", paramLabel = "ID", description = "Network name of the handshake (default: network.network_id).")
    String networkId;

    @Option(names = "--max-registered", paramLabel = "N", description = "Nodes that may register at once (default 1024).")
    int maxRegistered = DEFAULTS.maxRegistered();

    @Option(names = "--max-sessions-per-peer", paramLabel = "N", description = "Relayed sessions per connection (default 16).")
    int maxSessionsPerPeer = DEFAULTS.maxSessionsPerPeer();

    @Option(names = "--bytes-per-second", paramLabel = "BYTES", description = "Bytes each connection may push through (default 1048576).")
    long bytesPerSecond = DEFAULTS.bytesPerSecond();

    @Override
    public Integer call() throws Exception {
        DigNodeCommand.NodeContext ctx = DigNodeCommand.root(spec).context();
        LogSetup.toConsole(LogSetup.Console.STDOUT, ctx.config().monitoring().logLevel(), ctx.home().logFile(ctx.config()));
        CountDownLatch stop = new CountDownLatch(1);
        SignalTrap.onTermination(stop::countDown);
        try (RelayServer server = start(ctx)) {
            Thread hook = new Thread(server::close, "dig-node-relay-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run; close() is idempotent
            }
        }
        NodeLog.info("relay", "relay_stopped", Map.of());
        return ExitCodes.OK;
    }

    /** Builds and starts the server from the flags and config; logs {@code relay_started}. */
    RelayServer start(DigNodeCommand.NodeContext ctx) throws java.io.IOException {
        RelaySwitch.Settings caps;
        try {
            caps = new RelaySwitch.Settings(maxRegistered, maxSessionsPerPeer, bytesPerSecond, Math.max(4 * bytesPerSecond, DEFAULTS.burstBytes()));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        GossipConfig config = config(ctx);
        RelayServer server = new RelayServer(config, caps, Clock.system(), new SecureRandom());
        server.start();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("port", server.listenAddress().getPort());
        details.put("network_id", config.networkId());
        details.put("peer_id", server.service().peerId().toHex());
        details.put("max_registered", caps.maxRegistered());
        NodeLog.info("relay", "relay_started", details);
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
                .network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0)
                .maxConnections(Math.max(50, maxRegistered * 2))
                .peersFilePath(ctx.home().dir().resolve("relay-peers.dat"))
                .transport(defaults.toBuilder().identity(Optional.of(ctx.home().dir().resolve("relay-tls")), Optional.empty(),
                        defaults.peerTrust()).build())
                .build();
    }
}
