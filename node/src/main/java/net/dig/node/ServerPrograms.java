package net.dig.node;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.dig.net.GossipConfig;
import net.dig.net.TransportSettings;

/**
 * What the P2P server programs ({@code dig-node introducer}, {@code dig-node relay}) share: the listener's
 * configuration from their flags, and running until SIGTERM or SIGINT with JSON logs on stdout.
 */
final class ServerPrograms {
    private ServerPrograms() {}

    /**
     * Starts the server {@code start} makes, waits for SIGTERM/SIGINT (or the JVM's shutdown), closes it and logs
     * {@code <name>_stopped}; returns exit code 0.
     */
    static int runUntilTerminated(DigNodeCommand.NodeContext ctx, String name, Callable<? extends AutoCloseable> start) throws Exception {
        LogSetup.toConsole(LogSetup.Console.STDOUT, ctx.config().monitoring().logLevel(), ctx.home().logFile(ctx.config()));
        CountDownLatch stop = new CountDownLatch(1);
        SignalTrap.onTermination(stop::countDown);
        try (AutoCloseable server = start.call()) {
            Thread hook = new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    NodeLog.error(name, name + "_close_failed", Map.of(), e);
                }
            }, "dig-node-" + name + "-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run; close() is idempotent
            }
        }
        NodeLog.info(name, name + "_stopped", Map.of());
        return ExitCodes.OK;
    }

    /**
     * A listener on {@code listen} that makes no outbound connections, handshaking with {@code networkIdFlag} (or
     * {@code network.network_id}), its TLS identity in {@code <home>/<name>-tls} and its address book in
     * {@code <home>/<name>-peers.dat}.
     */
    static GossipConfig.Builder listener(DigNodeCommand.NodeContext ctx, String name, String listen, String networkIdFlag)
            throws java.io.IOException {
        HostPort hp = DigNodeCommand.hostPortFlag("--listen", listen);
        String id = networkIdFlag != null ? networkIdFlag : ctx.config().network().networkId();
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
                .targetOutboundCount(0)
                .peersFilePath(ctx.home().dir().resolve(name + "-peers.dat"))
                .transport(defaults.toBuilder().identity(Optional.of(ctx.home().dir().resolve(name + "-tls")), Optional.empty(),
                        defaults.peerTrust()).build());
    }
}
