package net.dig.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.InboundMessage;
import net.dig.net.InboundReceiver;
import net.dig.net.TransportSettings;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;

/**
 * Critical-message latency on one saturated connection, with and without priority lanes.
 *
 * <p>Two nodes in this JVM on 127.0.0.1 (mutual TLS, WebSocket), one connection. A sender thread keeps
 * it full of bulk RespondBlocks ({@code --bulk-kib} each, {@code --outstanding} of them queued at any
 * time; by default close to what the connection admits, with room left for the probes queued behind
 * them: the lanes refuse bulk at 50 queued messages or 64 MiB, so 36 messages or 56 MiB). Meanwhile
 * {@code --probes} 16-byte probes are sent one every {@code --gap-ms}, alternating two kinds, and the
 * receiver records each probe's latency (send to delivery, same JVM clock):
 * <ul>
 *   <li>lanes on: a RespondBlock, which the lanes classify critical;</li>
 *   <li>lanes off: a RespondBlocks (bulk opcode), which queues behind the bulk in one FIFO lane, as on
 *       a connection without priority lanes.</li>
 * </ul>
 * Alternating the kinds on one connection measures both under the same load at the same moments, so
 * machine noise that comes and goes during a run hits both alike. Prints p50/p99/max per kind, the bulk
 * throughput the receiver saw while probing, and the p99 ratio.
 *
 * <p>{@code --socket-buffer-kib}: the peer sockets' send and receive buffers (TransportSettings.SocketBuffers);
 * omitted = the node's defaults, 0 = kernel autotuning, N = N KiB both ways.
 *
 * <pre>bench/scripts/net-lanes.sh</pre>
 */
public final class NetLanesBench {
    private NetLanesBench() {}

    public static void main(String[] args) throws Exception {
        int probes = 1000;
        int bulkKib = 4096;
        int outstanding = 0;
        int gapMs = 20;
        TransportSettings.SocketBuffers buffers = TransportSettings.SocketBuffers.defaults();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--probes" -> probes = Integer.parseInt(args[i + 1]);
                case "--bulk-kib" -> bulkKib = Integer.parseInt(args[i + 1]);
                case "--outstanding" -> outstanding = Integer.parseInt(args[i + 1]);
                case "--gap-ms" -> gapMs = Integer.parseInt(args[i + 1]);
                case "--socket-buffer-kib" -> {
                    int bytes = Integer.parseInt(args[i + 1]) << 10;
                    buffers = new TransportSettings.SocketBuffers(bytes, bytes);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (outstanding == 0) {
            outstanding = Math.max(1, Math.min(36, (56 << 10) / bulkKib));
        }
        System.out.printf(Locale.ROOT, "bulk: %d KiB messages, %d queued; socket buffers: send %s, receive %s; %d probes%n",
                bulkKib, outstanding, describe(buffers.sendBytes()), describe(buffers.receiveBytes()), probes);
        Run run = run(probes, bulkKib, outstanding, gapMs, buffers);
        double[] fifo = run.latencies(1);
        double[] lanes = run.latencies(0);
        report("fifo (lanes off)", fifo);
        report("lanes on", lanes);
        System.out.printf(Locale.ROOT, "bulk %.0f MiB/s while probing; refused: %d bulk, %d probes%n",
                run.bulkMibPerSecond, run.refusedBulk, run.refusedProbes);
        System.out.printf(Locale.ROOT, "p99 ratio fifo/lanes: %.1fx%n", percentile(fifo, 0.99) / percentile(lanes, 0.99));
    }

    /** Probe latencies in ms (NaN: refused), and the bulk bytes the receiver got per second while the probes ran. */
    private record Run(double[] all, double bulkMibPerSecond, int refusedBulk, int refusedProbes) {
        /** The delivered probes of one kind: 0 = critical (even indexes), 1 = bulk opcode (odd). */
        double[] latencies(int kind) {
            return java.util.stream.IntStream.range(0, all.length).filter(i -> i % 2 == kind)
                    .mapToDouble(i -> all[i]).filter(l -> !Double.isNaN(l)).toArray();
        }
    }

    private static Run run(int probes, int bulkKib, int outstanding, int gapMs, TransportSettings.SocketBuffers buffers)
            throws Exception {
        Path dir = Files.createTempDirectory("dig-net-lanes");
        GossipService a = service(dir, "a", null, buffers);
        a.start();
        GossipService b = service(dir, "b", dir.resolve("a"), buffers);
        b.start();
        try {
            InboundReceiver atA = a.handle().inboundReceiver();
            PeerId aId = b.handle().connectTo(new java.net.InetSocketAddress("127.0.0.1", a.listenAddress().getPort()))
                    .get(30, TimeUnit.SECONDS);
            AtomicBoolean stop = new AtomicBoolean();
            Semaphore window = new Semaphore(outstanding);
            AtomicInteger refusedBulk = new AtomicInteger();
            AtomicInteger owed = new AtomicInteger();
            AtomicInteger refusedProbes = new AtomicInteger();
            byte[] bulkBody = new byte[bulkKib << 10];
            Thread bulk = Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    try {
                        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    b.handle().sendTo(aId, Message.of(ChiaMessageType.RESPOND_BLOCKS.code(), bulkBody))
                            .whenComplete((ok, error) -> {
                                if (error != null) {
                                    refusedBulk.incrementAndGet();
                                    owed.incrementAndGet(); // given back at the next write: no busy retry on a full queue
                                } else {
                                    window.release(1 + owed.getAndSet(0));
                                }
                            });
                }
            });
            double[] latencies = new double[probes];
            Arrays.fill(latencies, Double.NaN);
            long[] bulkBytes = new long[1];
            long[] firstAndLast = new long[2];
            Thread receiver = Thread.ofPlatform().daemon().start(() -> {
                int got = 0;
                try {
                    while (got < probes - refusedProbes.get()) {
                        Optional<InboundMessage> in = atA.receive(Duration.ofSeconds(60));
                        if (in.isEmpty()) {
                            return;
                        }
                        byte[] data = in.get().message().data();
                        if (data.length == 16) {
                            ByteBuffer probe = ByteBuffer.wrap(data);
                            int index = (int) probe.getLong();
                            long now = System.nanoTime();
                            latencies[index] = (now - probe.getLong()) / 1e6;
                            firstAndLast[got == 0 ? 0 : 1] = now;
                            got++;
                        } else if (got > 0) {
                            bulkBytes[0] += data.length;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(2_000); // let the bulk stream fill the connection before the first probe
            for (int i = 0; i < probes; i++) {
                int type = i % 2 == 0 ? ChiaMessageType.RESPOND_BLOCK.code() : ChiaMessageType.RESPOND_BLOCKS.code();
                byte[] body = ByteBuffer.allocate(16).putLong(i).putLong(System.nanoTime()).array();
                b.handle().sendTo(aId, Message.of(type, body)).exceptionally(e -> {
                    refusedProbes.incrementAndGet();
                    return null;
                });
                Thread.sleep(gapMs);
            }
            receiver.join(120_000);
            stop.set(true);
            bulk.join(10_000);
            double seconds = (firstAndLast[1] - firstAndLast[0]) / 1e9;
            return new Run(latencies, seconds > 0 ? bulkBytes[0] / 1048576.0 / seconds : 0, refusedBulk.get(), refusedProbes.get());
        } finally {
            b.stop();
            a.stop();
        }
    }

    private static GossipService service(Path dir, String name, Path caDir, TransportSettings.SocketBuffers buffers) {
        GossipConfig config = NetHandshakeBench.config(dir, name, caDir);
        config = config.toBuilder().transport(config.transport().withSocketBuffers(buffers)).build();
        return new GossipService(config, Clock.system(), new SplittableRandom(name.hashCode()));
    }

    private static String describe(int bytes) {
        return bytes == 0 ? "kernel autotuning" : (bytes >> 10) + " KiB";
    }

    private static void report(String mode, double[] latencies) {
        System.out.printf(Locale.ROOT, "%-18s critical latency ms: p50 %.2f  p99 %.2f  max %.2f  (n=%d)%n", mode,
                percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0), latencies.length);
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[index];
    }
}
