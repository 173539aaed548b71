package net.dig.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.GossipStats;
import net.dig.net.TransportSettings;

/**
 * Attacks on P2P admission against one node with the default limits, in one process, through the public API
 * only (so the same class runs against older builds).
 *
 * <ul>
 *   <li>{@code lockout}: an attacker holds {@code --hold} raw TCP connections that never send a byte, from
 *       {@code --sources} loopback addresses (127.0.0.2 upwards), replacing the oldest with a new one
 *       {@code --rate} times a second; meanwhile an honest node connects, asks for peers and disconnects
 *       {@code --probes} times. Prints the handshakes the node holds, and how many probes got in.
 *   <li>{@code churn}: {@code --connections} raw TCP connect+close (every other one reset) and {@code --tls}
 *       TLS attempts without a client certificate and without upgrade, from 249 loopback sources; prints the
 *       node's used heap after a full GC ({@link MemoryMXBean#gc()}) before and after.
 * </ul>
 *
 * <pre>bench/scripts/net-attack.sh lockout|churn [options]</pre>
 */
public final class NetAttackBench {
    private NetAttackBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "lockout";
        int sources = 249;
        int hold = 250;
        int rate = 500;
        int probes = 10;
        int connections = 20_000;
        int tls = 1_000;
        for (int i = 1; i + 1 < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--sources" -> sources = v;
                case "--hold" -> hold = v;
                case "--rate" -> rate = v;
                case "--probes" -> probes = v;
                case "--connections" -> connections = v;
                case "--tls" -> tls = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("dig-net-attack");
        GossipService victim = node(dir, "victim");
        victim.start();
        try {
            if (mode.equals("lockout")) {
                lockout(dir, victim, sources, hold, rate, probes);
            } else {
                churn(victim, connections, tls);
            }
        } finally {
            victim.stop();
        }
    }

    private static GossipService node(Path dir, String name) {
        GossipConfig config = GossipConfig.builder()
                .listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId("bench")
                .network(GossipConfig.Network.LOCAL)
                .targetOutboundCount(0)
                .peersFilePath(dir.resolve(name + "-peers.dat"))
                .transport(TransportSettings.defaults().toBuilder().identityDir(Optional.of(dir.resolve(name))).build())
                .build();
        return new GossipService(config, Clock.system(), new SplittableRandom(name.hashCode()));
    }

    private static InetSocketAddress target(GossipService victim) {
        return new InetSocketAddress("127.0.0.1", victim.listenAddress().getPort());
    }

    private static String source(long i, int sources) {
        return "127.0.0." + (2 + i % sources);
    }

    private static void lockout(Path dir, GossipService victim, int sources, int hold, int rate, int probes) throws Exception {
        GossipService honest = node(dir, "honest");
        honest.start();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong connects = new AtomicLong();
        Thread flood = Thread.ofPlatform().daemon().start(() -> {
            Deque<Socket> held = new ArrayDeque<>();
            long start = System.nanoTime();
            for (long i = 0; running.get(); i++) {
                LockSupport.parkNanos(start + i * 1_000_000_000L / rate - System.nanoTime());
                Socket s = new Socket();
                try {
                    s.bind(new InetSocketAddress(source(i, sources), 0));
                    s.connect(target(victim), 5_000);
                    connects.incrementAndGet();
                    held.addLast(s);
                } catch (IOException e) {
                    close(s);
                }
                while (held.size() > hold) {
                    close(held.removeFirst());
                }
            }
            held.forEach(NetAttackBench::close);
        });
        Thread.sleep(3_000);
        GossipStats during = victim.handle().stats().get();
        int ok = 0;
        long probeMillis = 0;
        for (int p = 0; p < probes; p++) {
            long t0 = System.nanoTime();
            try {
                PeerId id = honest.handle().connectTo(target(victim)).get(30, TimeUnit.SECONDS);
                honest.handle().requestPeersFrom(id).get(30, TimeUnit.SECONDS);
                ok++;
                probeMillis += TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                honest.handle().disconnect(id).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("probe " + p + " failed: " + e.getMessage());
            }
            for (int w = 0; w < 100 && (honest.handle().peerCount().get() > 0 || victim.handle().peerCount().get() > 0); w++) {
                Thread.sleep(50);
            }
        }
        running.set(false);
        flood.join();
        System.out.printf(Locale.ROOT, "sources=%d hold=%d rate_per_s=%d attacker_connects=%d handshakes_held=%d refused=%d "
                + "honest_success=%d/%d honest_mean_ms=%d%n", sources, hold, rate, connects.get(), during.handshakesInFlight(),
                during.refusedConnections(), ok, probes, ok == 0 ? -1 : probeMillis / ok);
        honest.stop();
    }

    private static void churn(GossipService victim, int connections, int tls) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(source(i, 249), 0));
                s.connect(target(victim), 5_000);
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0);
                }
            }
        }
        SSLContext trustAll = SSLContext.getInstance("TLSv1.3");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        for (int i = 0; i < tls; i++) {
            try (Socket raw = new Socket()) {
                raw.bind(new InetSocketAddress(source(i, 249), 0));
                raw.connect(target(victim), 5_000);
                raw.setSoTimeout(5_000);
                try (SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), false)) {
                    s.startHandshake();
                } catch (IOException e) {
                    // refused without a client certificate, or closed: either way no upgrade follows
                }
            }
        }
        long churnMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        for (int w = 0; w < 600 && victim.handle().stats().get().handshakesInFlight() > 0; w++) {
            Thread.sleep(100);
        }
        Thread.sleep(Duration.ofSeconds(2));
        long after = usedAfterGc(memory);
        System.out.printf(Locale.ROOT, "connections=%d tls_without_upgrade=%d churn_s=%.1f heap_before_mib=%.1f heap_after_mib=%.1f "
                + "handshakes_in_flight=%d%n", connections, tls, churnMillis / 1000.0, before / 1048576.0, after / 1048576.0,
                victim.handle().stats().get().handshakesInFlight());
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            memory.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // an attacker socket: nothing to do
        }
    }
}
