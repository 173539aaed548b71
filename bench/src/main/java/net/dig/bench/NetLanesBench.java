package net.dig.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.dig.gossip.PeerId;
import net.dig.net.GossipService;
import net.dig.net.InboundMessage;
import net.dig.net.InboundReceiver;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;

/**
 * Critical-message latency on one saturated connection, with and without priority lanes.
 *
 * <p>Two nodes in this JVM on 127.0.0.1 (mutual TLS, WebSocket). A sender thread keeps the connection
 * full of bulk RespondBlocks ({@code --bulk-kib} each, {@code --outstanding} of them queued at any
 * time); meanwhile {@code --probes} small probes are sent one every {@code --gap-ms}, and the receiver
 * records each probe's latency (send to delivery, same JVM clock). Mode {@code lanes}: the probe is a
 * RespondBlock (critical lane). Mode {@code fifo}: the probe is a RespondBlocks (bulk opcode), so it
 * queues behind the bulk in one FIFO lane, which is what a connection without priority lanes does.
 * Prints p50/p99/max per mode and the p99 ratio.
 *
 * <pre>bench/scripts/net-lanes.sh</pre>
 */
public final class NetLanesBench {
    private NetLanesBench() {}

    public static void main(String[] args) throws Exception {
        int probes = 200;
        int bulkKib = 4096;
        int outstanding = 40;
        int gapMs = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--probes" -> probes = Integer.parseInt(args[i + 1]);
                case "--bulk-kib" -> bulkKib = Integer.parseInt(args[i + 1]);
                case "--outstanding" -> outstanding = Integer.parseInt(args[i + 1]);
                case "--gap-ms" -> gapMs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        double[] fifo = run(false, probes, bulkKib, outstanding, gapMs);
        double[] lanes = run(true, probes, bulkKib, outstanding, gapMs);
        report("fifo (lanes off)", fifo);
        report("lanes on", lanes);
        System.out.printf(Locale.ROOT, "p99 ratio fifo/lanes: %.1fx%n", percentile(fifo, 0.99) / percentile(lanes, 0.99));
    }

    private static double[] run(boolean lanes, int probes, int bulkKib, int outstanding, int gapMs) throws Exception {
        Path dir = Files.createTempDirectory("dig-net-lanes");
        GossipService a = NetHandshakeBench.service(dir, "a", null);
        a.start();
        GossipService b = NetHandshakeBench.service(dir, "b", dir.resolve("a"));
        b.start();
        try {
            InboundReceiver atA = a.handle().inboundReceiver();
            PeerId aId = b.handle().connectTo(new java.net.InetSocketAddress("127.0.0.1", a.listenAddress().getPort()))
                    .get(30, TimeUnit.SECONDS);
            AtomicBoolean stop = new AtomicBoolean();
            Semaphore window = new Semaphore(outstanding);
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
                            .whenComplete((ok, error) -> window.release());
                }
            });
            double[] latencies = new double[probes];
            Thread receiver = Thread.ofPlatform().daemon().start(() -> {
                int got = 0;
                try {
                    while (got < probes) {
                        Optional<InboundMessage> in = atA.receive(Duration.ofSeconds(60));
                        if (in.isEmpty()) {
                            return;
                        }
                        byte[] data = in.get().message().data();
                        if (data.length == 16) {
                            ByteBuffer probe = ByteBuffer.wrap(data);
                            int index = (int) probe.getLong();
                            latencies[index] = (System.nanoTime() - probe.getLong()) / 1e6;
                            got++;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(2_000); // let the bulk stream fill the connection before the first probe
            int probeType = lanes ? ChiaMessageType.RESPOND_BLOCK.code() : ChiaMessageType.RESPOND_BLOCKS.code();
            for (int i = 0; i < probes; i++) {
                byte[] body = ByteBuffer.allocate(16).putLong(i).putLong(System.nanoTime()).array();
                CompletableFuture<Void> sent = b.handle().sendTo(aId, Message.of(probeType, body));
                sent.exceptionally(e -> {
                    System.err.println("probe refused: " + e);
                    return null;
                });
                Thread.sleep(gapMs);
            }
            receiver.join(120_000);
            stop.set(true);
            bulk.join(10_000);
            return latencies;
        } finally {
            b.stop();
            a.stop();
        }
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
