package net.dig.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.PeerTrust;
import net.dig.net.TlsIdentity;
import net.dig.net.TransportSettings;

/**
 * Loopback handshake latency of dig-net: {@code connectTo} from call to "peer established"
 * (TCP connect, mutual TLS 1.3 with P-256 leaves, WebSocket upgrade, Chia handshake both ways),
 * repeated {@code --iterations} times between two services in this JVM, each connection closed and
 * forgotten by both sides before the next. Prints p50 / p99 / max in milliseconds.
 *
 * <pre>java -cp bench/target/dig-bench.jar net.dig.bench.NetHandshakeBench [--iterations 500] [--warmup 100]</pre>
 */
public final class NetHandshakeBench {
    private NetHandshakeBench() {}

    public static void main(String[] args) throws Exception {
        int iterations = 500;
        int warmup = 100;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--iterations" -> iterations = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("dig-net-bench");
        GossipService listener = service(dir, "listener", null);
        GossipService dialer = service(dir, "dialer", dir.resolve("listener"));
        listener.start();
        dialer.start();
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", listener.listenAddress().getPort());
        long[] samples = new long[iterations];
        for (int i = -warmup; i < iterations; i++) {
            long start = System.nanoTime();
            PeerId peer = dialer.handle().connectTo(target).get(30, TimeUnit.SECONDS);
            long took = System.nanoTime() - start;
            if (i >= 0) {
                samples[i] = took;
            }
            dialer.handle().disconnect(peer).get(30, TimeUnit.SECONDS);
            while (dialer.handle().peerCount().get() > 0 || listener.handle().peerCount().get() > 0) {
                Thread.onSpinWait();
            }
        }
        dialer.stop();
        listener.stop();
        Arrays.sort(samples);
        System.out.printf(Locale.ROOT, "handshakes=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f%n", iterations,
                samples[iterations / 2] / 1e6, samples[(int) Math.min(iterations - 1, Math.ceil(iterations * 0.99) - 1)] / 1e6,
                samples[iterations - 1] / 1e6);
    }

    /** A service on 127.0.0.1:0; the dialer's leaf is issued by the listener's CA so both trust each other. */
    static GossipService service(Path dir, String name, Path caDir) {
        return new GossipService(config(dir, name, caDir), Clock.system(), new SplittableRandom(name.hashCode()));
    }

    static GossipConfig config(Path dir, String name, Path caDir) {
        Optional<TlsIdentity.CaFiles> ca = caDir == null ? Optional.empty()
                : Optional.of(new TlsIdentity.CaFiles(caDir.resolve("ca.crt"), caDir.resolve("ca.key")));
        GossipConfig config = GossipConfig.builder()
                .listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId("bench")
                .network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0)
                .maxConnections(2000)
                .peersFilePath(dir.resolve(name + "-peers.dat"))
                .transport(TransportSettings.defaults()
                        .toBuilder().maxInflightHandshakes(2000)
                        .timeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30))
                        .identity(Optional.of(dir.resolve(name)), ca, PeerTrust.NETWORK_CA).build())
                .build();
        return config;
    }

}
