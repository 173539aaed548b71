package net.dig.node;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net.dig.core.Clock;
import net.dig.net.GossipConfig;
import net.dig.net.GossipConstants;
import net.dig.net.IntroducerServer;
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
        return ServerPrograms.runUntilTerminated(ctx, "introducer", () -> start(ctx));
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
        return ServerPrograms.listener(ctx, "introducer", listen, networkId)
                .network(privateAddresses ? GossipConfig.Network.LOCAL : GossipConfig.Network.MAINNET)
                .build();
    }

    private static String hostOf(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }
}
