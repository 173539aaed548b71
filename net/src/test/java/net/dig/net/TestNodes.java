package net.dig.net;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import net.dig.core.Clock;
import net.dig.testkit.TestPki;

/**
 * Starts gossip services on 127.0.0.1:0 sharing one test network CA, and stops them all. Their TLS,
 * handshake and request timeouts leave room for a cold JVM's first handshake on a loaded CI machine; a
 * test of a timeout sets its own.
 */
final class TestNodes implements AutoCloseable {
    /** A Chia-style network name: ids are names compared as strings, not 32-byte values. */
    static final String NETWORK = "testnet11";
    final Path dir;
    final TestPki pki;
    final Clock clock;
    private final List<GossipService> started = new ArrayList<>();
    private int counter;

    TestNodes(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
        this.pki = new TestPki(dir.resolve("pki"), Clock.system().instant());
    }

    GossipConfig.Builder config() {
        int n = ++counter;
        TransportSettings transport = TransportSettings.defaults()
                .toBuilder().timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(10))
                .identity(Optional.of(dir.resolve("node-" + n)),
                        Optional.of(new TlsIdentity.CaFiles(pki.caCertificatePath(), pki.caKeyPath())), PeerTrust.NETWORK_CA)
                .ipBanExempt(Set.of()).build();
        return GossipConfig.builder()
                .listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId(NETWORK)
                .network(GossipConfig.Network.LOCAL)
                .peersFilePath(dir.resolve("peers-" + n + ".dat"))
                .transport(transport);
    }

    GossipService start(UnaryOperator<GossipConfig.Builder> customise) {
        return start(customise, net.dig.gossip.MessageBusConfig.defaults());
    }

    GossipService start(UnaryOperator<GossipConfig.Builder> customise, net.dig.gossip.MessageBusConfig bus) {
        return start(customise, bus, s -> { });
    }

    /** As {@link #start(UnaryOperator, net.dig.gossip.MessageBusConfig)}, with {@code beforeStart} run on the new service first. */
    GossipService start(UnaryOperator<GossipConfig.Builder> customise, net.dig.gossip.MessageBusConfig bus,
            java.util.function.Consumer<GossipService> beforeStart) {
        GossipService service = new GossipService(customise.apply(config()).build(), clock, new SplittableRandom(counter),
                null, bus);
        service.tuneDiscovery(Duration.ofSeconds(2), Duration.ofSeconds(1));
        beforeStart.accept(service);
        service.start();
        started.add(service);
        return service;
    }

    GossipService start() {
        return start(b -> b);
    }

    static InetSocketAddress loopback(GossipService service) {
        return new InetSocketAddress("127.0.0.1", service.listenAddress().getPort());
    }

    @Override
    public void close() {
        try (var stopping = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (GossipService s : started) {
                stopping.submit(s::stop);
            }
        }
    }
}
