package net.dig.net;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.RelaySwitch;

/**
 * One process of {@link RelayNamespaceTest}, started inside a network namespace: a relay or a node, driven
 * by lines on stdin and answering on stdout.
 * <pre>
 *  relay DIR CA_CERT CA_KEY HOST PORT            prints READY, runs until stdin closes
 *  node  DIR CA_CERT CA_KEY HOST RELAY|-         prints PEER hex, then REGISTERED addr on every registration;
 *        stdin: "dial relay://..." -> DIALED hex | FAILED error;  "direct host:port" -> DIALED hex | FAILED error
 * </pre>
 */
final class RelayNetnsMain {
    private RelayNetnsMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        TransportSettings transport = TransportSettings.defaults().toBuilder()
                .timeouts(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(20))
                .identity(Optional.of(dir.resolve("tls")), Optional.of(new TlsIdentity.CaFiles(Path.of(args[2]), Path.of(args[3]))),
                        PeerTrust.NETWORK_CA)
                .ipBanExempt(java.util.Set.of()).build();
        GossipConfig.Builder config = GossipConfig.builder().networkId(TestNodes.NETWORK).network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0).peersFilePath(dir.resolve("peers.dat")).transport(transport);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("relay")) {
            try (RelayServer relay = new RelayServer(config.listenAddr(new InetSocketAddress(args[4], Integer.parseInt(args[5]))).build(),
                    RelaySwitch.Settings.defaults(), Clock.system(), new SplittableRandom(1))) {
                relay.start();
                System.out.println("READY");
                while (in.readLine() != null) {
                    // runs until the test closes stdin or kills the process
                }
            }
            return;
        }
        config.listenAddr(new InetSocketAddress(args[4], 0));
        if (!args[5].equals("-")) {
            config.relay(new RelayConfig(args[5], true, Duration.ofMillis(100), Duration.ofSeconds(1), 0));
        }
        GossipService node = new GossipService(config.build(), Clock.system(), new SplittableRandom(2));
        node.start();
        System.out.println("PEER " + node.peerId().toHex() + " " + node.listenAddress().getPort());
        if (!args[5].equals("-")) {
            Thread.ofVirtual().start(() -> {
                while (node.isRunning()) {
                    try {
                        var registration = node.relayRegistration();
                        System.out.println("REGISTERED " + registration.get(60, TimeUnit.SECONDS));
                        while (node.relayRegistration() == registration) {
                            Thread.sleep(100); // a watcher in the child process; the test waits on its output lines
                        }
                    } catch (Exception e) {
                        System.out.println("UNREGISTERED " + e);
                    }
                }
            });
        }
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.split(" ");
            try {
                var peer = cmd[0].equals("dial") ? node.connectViaRelay(RelayAddress.parse(cmd[1]))
                        : node.handle().connectTo(RelayConfig.address(cmd[1]));
                System.out.println("DIALED " + peer.get(30, TimeUnit.SECONDS).toHex());
            } catch (Exception e) {
                System.out.println("FAILED " + e);
            }
        }
        node.stop();
    }
}
