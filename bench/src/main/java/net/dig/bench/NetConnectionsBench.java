package net.dig.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.net.GossipService;

/**
 * Many concurrent peer connections into one node, and the node's heap per connection.
 *
 * <p>Two processes, so the dialers' memory does not count: {@code server} starts one node, prints
 * {@code READY <port> <identity dir>}, and after {@code --connections} peers are live prints the
 * used heap (after a full GC) before and after, and the difference per connection. {@code client}
 * starts that many dialer services (each its own PeerId, leaves issued by the server's CA, sharing
 * one event loop group) and connects each once, {@code --parallel} at a time.
 *
 * <pre>bench/scripts/net-connections.sh [connections]</pre>
 */
public final class NetConnectionsBench {
    private NetConnectionsBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "server";
        int connections = 1000;
        int parallel = 50;
        int port = 0;
        Path caDir = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--parallel" -> parallel = Integer.parseInt(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--ca-dir" -> caDir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (mode.equals("server")) {
            server(connections);
        } else {
            client(connections, parallel, port, caDir);
        }
    }

    private static void server(int connections) throws Exception {
        Path dir = Files.createTempDirectory("dig-net-conn");
        GossipService node = NetHandshakeBench.service(dir, "server", null);
        node.start();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        System.out.println("READY " + node.listenAddress().getPort() + " " + dir.resolve("server"));
        System.out.flush();
        long start = System.nanoTime();
        while (node.handle().peerCount().get() < connections) {
            Thread.sleep(100);
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                throw new IllegalStateException("only " + node.handle().peerCount().get() + " peers after 10 minutes");
            }
        }
        long after = usedAfterGc(memory);
        System.out.printf(Locale.ROOT, "connections=%d heap_before_mib=%.1f heap_after_mib=%.1f heap_per_connection_kib=%.1f threads=%d%n",
                connections, before / 1048576.0, after / 1048576.0, (after - before) / 1024.0 / connections,
                ManagementFactory.getThreadMXBean().getThreadCount());
        node.stop();
    }

    private static void client(int connections, int parallel, int port, Path caDir) throws Exception {
        Path dir = Files.createTempDirectory("dig-net-clients");
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        List<GossipService> dialers = new ArrayList<>();
        long start = System.nanoTime();
        for (int batch = 0; batch < connections; batch += parallel) {
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = batch; i < Math.min(connections, batch + parallel); i++) {
                GossipService dialer = new GossipService(NetHandshakeBench.config(dir, "c" + i, caDir),
                        net.dig.core.Clock.system(), new java.util.SplittableRandom(i), io);
                dialer.start();
                dialers.add(dialer);
                inFlight.add(dialer.handle().connectTo(target));
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        }
        System.out.printf(Locale.ROOT, "clients_connected=%d seconds=%.1f%n", connections, (System.nanoTime() - start) / 1e9);
        System.out.flush();
        Thread.sleep(TimeUnit.SECONDS.toMillis(30));
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
