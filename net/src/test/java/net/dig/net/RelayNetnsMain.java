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
import java.util.stream.Collectors;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.gossip.ProviderRecord;
import net.dig.gossip.RelaySwitch;

/**
 * One process of {@link RelayNamespaceTest}, started inside a network namespace: a relay or a node, driven
 * by lines on stdin and answering on stdout.
 * <pre>
 *  relay DIR CA_CERT CA_KEY HOST PORT            prints READY, runs until stdin closes
 *  node  DIR CA_CERT CA_KEY HOST RELAY|-         prints PEER hex port, then REGISTERED addr on every registration;
 *        stdin: "dial relay://..." -> DIALED hex | FAILED error;  "direct host:port" -> DIALED hex | FAILED error
 *               "provide KEY" -> PROVIDED n (DHT records stored);  "find KEY" -> FOUND peer kind:host:port,... per
 *               provider, then FOUND end;  "await HEX" -> CONNECTED true|false (within 60 s);
 *               "relayed" -> RELAYED n (peers connected to this node through its relay)
 * </pre>
 * A node runs the DHT ({@link DhtService}); keys are 64 hex digits.
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
        DhtService dht = node.dht(net.dig.gossip.DhtConfig.defaults());
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
                switch (cmd[0]) {
                    case "provide" -> System.out.println("PROVIDED " + dht.provide(Bytes32.fromHex(cmd[1])).get(60, TimeUnit.SECONDS));
                    case "find" -> {
                        for (ProviderRecord r : dht.findProviders(Bytes32.fromHex(cmd[1]), 20).get(60, TimeUnit.SECONDS).providers()) {
                            System.out.println("FOUND " + r.provider().toHex() + " " + r.addresses().stream()
                                    .map(a -> a.kind() + ":" + a.host() + ":" + a.port()).collect(Collectors.joining(",")));
                        }
                        System.out.println("FOUND end");
                    }
                    case "await" -> {
                        PeerId peer = PeerId.parse(cmd[1]);
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        boolean connected = false;
                        while (!connected && System.nanoTime() < deadline) {
                            connected = node.handle().connectedPeers().get(10, TimeUnit.SECONDS).stream()
                                    .anyMatch(c -> c.peerId().equals(peer));
                            if (!connected) {
                                Thread.sleep(50); // polls the peer table until the connection is admitted or the deadline passes
                            }
                        }
                        System.out.println("CONNECTED " + connected);
                    }
                    case "relayed" -> System.out.println("RELAYED " + node.relayStats().orElseThrow().relayPeerCount());
                    default -> {
                                var peer = cmd[0].equals("dial") ? node.connectViaRelay(RelayAddress.parse(cmd[1]))
                                : node.handle().connectTo(RelayConfig.address(cmd[1]));
                        System.out.println("DIALED " + peer.get(30, TimeUnit.SECONDS).toHex());
                    }
                }
            } catch (Exception e) {
                System.out.println("FAILED " + e);
            }
        }
        node.stop();
    }
}
