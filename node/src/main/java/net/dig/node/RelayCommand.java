package net.dig.node;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net.dig.core.Clock;
import net.dig.gossip.RelaySwitch;
import net.dig.net.GossipConfig;
import net.dig.net.GossipConstants;
import net.dig.net.RelayServer;
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
        return ServerPrograms.runUntilTerminated(ctx, "relay", () -> start(ctx));
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
        return ServerPrograms.listener(ctx, "relay", listen, networkId)
                .network(GossipConfig.Network.LOCAL)
                .maxConnections(Math.max(50, maxRegistered * 2))
                .build();
    }
}
