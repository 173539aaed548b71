package net.dig.bench;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import com.sun.management.GarbageCollectionNotificationInfo;
import net.dig.core.AtomicFiles;
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
 * <p>Two nodes on 127.0.0.1 (mutual TLS, WebSocket), one connection. The sending node keeps it full of
 * bulk RespondBlocks ({@code --bulk-kib} each, {@code --outstanding} of them queued at any time; by
 * default close to what the connection admits, with room left for the probes queued behind them: the
 * lanes refuse bulk at 50 queued messages or 64 MiB, so 36 messages or 56 MiB). Meanwhile it sends
 * {@code --probes} 16-byte probes (after {@code --warmup} unmeasured ones, 200 by default, so that the
 * JIT has compiled the probes' path), one every {@code --gap-ms}, alternating two kinds, and the receiving
 * node records each probe's latency (send to delivery; {@code System.nanoTime} is the machine's
 * monotonic clock, the same in both processes on Linux):
 * <ul>
 *   <li>lanes on: a RespondBlock, which the lanes classify critical;</li>
 *   <li>lanes off: a RespondBlocks (bulk opcode), which queues behind the bulk in one FIFO lane, as on
 *       a connection without priority lanes.</li>
 * </ul>
 * Alternating the kinds on one connection measures both under the same load at the same moments.
 * Prints p50/p99/max per kind, the same without the probes a stop-the-world GC pause of either node's
 * JVM fell on (the sender hands its pauses to the receiver in {@code D/sender-gc-pauses}), the bulk
 * throughput while probing, and the p99 and p50 ratios.
 *
 * <p>{@code --role both} (default) runs the two nodes in this JVM; {@code --role receiver --dir D} and
 * {@code --role sender --dir D} run one each, so that the script can give each node a core of its own
 * ({@code taskset}), as two machines would have: the receiver writes its port to {@code D/port} and the
 * sender's certificate is issued by the receiver's CA in {@code D}; {@code --host} is the address the
 * receiver listens on (default 127.0.0.1; the script's {@code --link} puts the nodes in two network
 * namespaces joined by a rate-limited veth pair). {@code --socket-buffer-kib}: the
 * peer sockets' send and receive buffers (TransportSettings.SocketBuffers); omitted = the node's
 * defaults, 0 = kernel autotuning, N = N KiB both ways.
 *
 * <pre>bench/scripts/net-lanes.sh</pre>
 */
public final class NetLanesBench {
    /** Body of the message that ends a run (one byte: no probe and no bulk message has this size). */
    private static final byte[] END = {1};

    private NetLanesBench() {}

    /** {@code probes} counts the warm-up ones too: indexes below {@code warmup} are sent but not measured. */
    record Options(String role, Path dir, String host, int warmup, int probes, int bulkKib, int outstanding, int gapMs,
                   TransportSettings.SocketBuffers buffers) {}

    public static void main(String[] args) throws Exception {
        String role = "both";
        Path dir = null;
        String host = "127.0.0.1";
        int probes = 1000;
        int warmup = 200;
        int bulkKib = 4096;
        int outstanding = 0;
        int gapMs = 20;
        TransportSettings.SocketBuffers buffers = TransportSettings.SocketBuffers.defaults();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--role" -> role = args[i + 1];
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--host" -> host = args[i + 1];
                case "--probes" -> probes = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]) & ~1; // even: the kinds keep alternating
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
        if (!role.equals("both") && dir == null) {
            throw new IllegalArgumentException("--role " + role + " needs --dir");
        }
        Options o = new Options(role, dir == null ? Files.createTempDirectory("dig-net-lanes") : dir, host, warmup,
                warmup + probes, bulkKib, outstanding, gapMs, buffers);
        switch (role) {
            case "receiver" -> {
                System.out.printf(Locale.ROOT, "bulk: %d KiB messages, %d queued; socket buffers: send %s, receive %s;"
                                + " %d probes after %d of warm-up; nodes in two processes%n", bulkKib, outstanding,
                        describe(buffers.sendBytes()), describe(buffers.receiveBytes()), probes, warmup);
                report(receive(o));
            }
            case "sender" -> send(o, readPort(o.dir()));
            case "both" -> {
                System.out.printf(Locale.ROOT, "bulk: %d KiB messages, %d queued; socket buffers: send %s, receive %s;"
                                + " %d probes after %d of warm-up; both nodes in one process%n", bulkKib, outstanding,
                        describe(buffers.sendBytes()), describe(buffers.receiveBytes()), probes, warmup);
                Result[] result = new Result[1];
                Thread receiver = Thread.ofPlatform().start(() -> {
                    try {
                        result[0] = receive(o);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                send(o, readPort(o.dir()));
                receiver.join();
                report(result[0]);
            }
            default -> throw new IllegalArgumentException("--role must be both, sender or receiver, got " + role);
        }
    }

    /** What the receiving node measured. */
    private record Result(int warmup, double[] latencies, boolean[] hitByGc, double bulkMibPerSecond) {
        /** The delivered, measured probes of one kind: 0 = critical (even indexes), 1 = bulk opcode (odd). */
        double[] of(int kind, boolean clearOfGc) {
            return IntStream.range(warmup, latencies.length).filter(i -> i % 2 == kind && !(clearOfGc && hitByGc[i]))
                    .mapToDouble(i -> latencies[i]).filter(l -> !Double.isNaN(l)).toArray();
        }
    }

    /** Starts the listening node, publishes its port and records every probe until the sender's end message. */
    private static Result receive(Options o) throws Exception {
        GossipService a = service(o.dir(), "a", null, o.buffers(), o.host());
        a.start();
        try {
            InboundReceiver atA = a.handle().inboundReceiver();
            AtomicFiles.write(o.dir().resolve("port"), Integer.toString(a.listenAddress().getPort()).getBytes(StandardCharsets.UTF_8),
                    AtomicFiles.Publish.REPLACE);
            double[] latencies = new double[o.probes()];
            Arrays.fill(latencies, Double.NaN);
            long[] sentAt = new long[o.probes()];
            long[] receivedAt = new long[o.probes()];
            long bulkBytes = 0;
            long first = 0;
            long last = 0;
            GcPauses pauses = GcPauses.start();
            while (true) {
                Optional<InboundMessage> in = atA.receive(Duration.ofSeconds(120));
                if (in.isEmpty()) {
                    throw new IllegalStateException("nothing received for 120 s");
                }
                byte[] data = in.get().message().data();
                if (data.length == 16) {
                    long now = System.nanoTime();
                    ByteBuffer probe = ByteBuffer.wrap(data);
                    int index = (int) probe.getLong();
                    sentAt[index] = probe.getLong();
                    receivedAt[index] = now;
                    latencies[index] = (now - sentAt[index]) / 1e6;
                    if (index >= o.warmup()) {
                        first = first == 0 ? now : first;
                        last = now;
                    }
                } else if (data.length == END.length) {
                    break;
                } else if (first != 0) {
                    bulkBytes += data.length;
                }
            }
            pauses.stop();
            Path senderPauses = o.dir().resolve("sender-gc-pauses");
            if (Files.exists(senderPauses)) { // two processes: the sender's pauses delay probes too
                pauses.addAll(senderPauses);
            }
            boolean[] hitByGc = new boolean[o.probes()];
            for (int i = 0; i < o.probes(); i++) {
                hitByGc[i] = receivedAt[i] != 0 && pauses.overlaps(sentAt[i], receivedAt[i]);
            }
            double seconds = (last - first) / 1e9;
            return new Result(o.warmup(), latencies, hitByGc, seconds > 0 ? bulkBytes / 1048576.0 / seconds : 0);
        } finally {
            a.stop();
        }
    }

    /** Connects, saturates the connection with bulk, sends the probes and the end message; prints refusals. */
    private static void send(Options o, int port) throws Exception {
        GossipService b = service(o.dir(), "b", o.dir().resolve("a"), o.buffers(), "0.0.0.0");
        b.start();
        try {
            PeerId aId = b.handle().connectTo(new InetSocketAddress(o.host(), port)).get(30, TimeUnit.SECONDS);
            AtomicBoolean stop = new AtomicBoolean();
            Semaphore window = new Semaphore(o.outstanding());
            AtomicInteger refusedBulk = new AtomicInteger();
            AtomicInteger owed = new AtomicInteger();
            AtomicInteger refusedProbes = new AtomicInteger();
            byte[] bulkBody = new byte[o.bulkKib() << 10];
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
            Thread.sleep(2_000); // let the bulk stream fill the connection before the first probe
            GcPauses pauses = o.role().equals("sender") ? GcPauses.start() : null;
            for (int i = 0; i < o.probes(); i++) {
                int type = i % 2 == 0 ? ChiaMessageType.RESPOND_BLOCK.code() : ChiaMessageType.RESPOND_BLOCKS.code();
                byte[] body = ByteBuffer.allocate(16).putLong(i).putLong(System.nanoTime()).array();
                b.handle().sendTo(aId, Message.of(type, body)).exceptionally(e -> {
                    refusedProbes.incrementAndGet();
                    return null;
                });
                Thread.sleep(o.gapMs());
            }
            stop.set(true);
            bulk.join(10_000);
            if (pauses != null) {
                pauses.stop();
                pauses.writeTo(o.dir().resolve("sender-gc-pauses"));
            }
            // bulk opcode: the end message arrives after every probe of either kind; retried while backpressure
            // still refuses bulk (the queue drains once the producer has stopped)
            for (int attempt = 0; ; attempt++) {
                try {
                    b.handle().sendTo(aId, Message.of(ChiaMessageType.RESPOND_BLOCKS.code(), END)).get(120, TimeUnit.SECONDS);
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (attempt == 600) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            System.out.printf(Locale.ROOT, "sender: refused %d bulk, %d probes%n", refusedBulk.get(), refusedProbes.get());
            while (b.handle().peerCount().get() > 0) { // the receiver disconnects when it has read the end message
                Thread.sleep(50);
            }
        } finally {
            b.stop();
        }
    }

    private static int readPort(Path dir) throws Exception {
        Path port = dir.resolve("port");
        for (int i = 0; i < 600 && !Files.exists(port); i++) {
            Thread.sleep(100);
        }
        return Integer.parseInt(Files.readString(port, StandardCharsets.US_ASCII).trim());
    }

    private static GossipService service(Path dir, String name, Path caDir, TransportSettings.SocketBuffers buffers, String host) {
        GossipConfig config = NetHandshakeBench.config(dir, name, caDir);
        config = config.toBuilder().listenAddr(new InetSocketAddress(host, 0))
                .transport(config.transport().toBuilder().socketBuffers(buffers).build()).build();
        return new GossipService(config, Clock.system(), new SplittableRandom(name.hashCode()));
    }

    private static String describe(int bytes) {
        return bytes == 0 ? "kernel autotuning" : (bytes >> 10) + " KiB";
    }

    private static void report(Result r) {
        double[] fifo = r.of(1, false);
        double[] lanes = r.of(0, false);
        line("fifo (lanes off)", fifo, r.of(1, true));
        line("lanes on", lanes, r.of(0, true));
        System.out.printf(Locale.ROOT, "bulk %.0f MiB/s while probing%n", r.bulkMibPerSecond());
        System.out.printf(Locale.ROOT, "p99 ratio fifo/lanes: %.1fx (p50 %.1fx)%n", percentile(fifo, 0.99) / percentile(lanes, 0.99),
                percentile(fifo, 0.50) / percentile(lanes, 0.50));
    }

    private static void line(String mode, double[] latencies, double[] clearOfGc) {
        System.out.printf(Locale.ROOT, "%-18s critical latency ms: p50 %.2f  p99 %.2f  max %.2f  (n=%d);"
                        + " probes no GC pause fell on: p50 %.2f  p99 %.2f  (n=%d)%n", mode,
                percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0), latencies.length,
                percentile(clearOfGc, 0.50), percentile(clearOfGc, 0.99), clearOfGc.length);
    }

    private static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[index];
    }

    /** This JVM's stop-the-world collections while a run lasts, from the GC beans' notifications. */
    private static final class GcPauses implements NotificationListener {
        private final long nanosAtStart = System.nanoTime();
        private final long uptimeAtStart = ManagementFactory.getRuntimeMXBean().getUptime();
        private final List<long[]> pauses = new CopyOnWriteArrayList<>();

        static GcPauses start() {
            GcPauses p = new GcPauses();
            for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) bean).addNotificationListener(p, null, null);
            }
            return p;
        }

        void stop() throws ListenerNotFoundException {
            for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) bean).removeNotificationListener(this);
            }
        }

        @Override
        public void handleNotification(Notification n, Object handback) {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            if (info.getGcName().contains("Concurrent")) {
                return; // concurrent phases run beside the application
            }
            // uptime comes in whole ms: widen by one ms on each side rather than miss a pause
            pauses.add(new long[] {toNanos(info.getGcInfo().getStartTime() - 1), toNanos(info.getGcInfo().getEndTime() + 1)});
        }

        private long toNanos(long uptimeMillis) {
            return nanosAtStart + (uptimeMillis - uptimeAtStart) * 1_000_000L;
        }

        /** One pause per line, start and end in System.nanoTime, which both processes share on Linux. */
        void writeTo(Path file) throws java.io.IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, pauses.stream().map(p -> p[0] + " " + p[1]).toList());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        void addAll(Path file) throws java.io.IOException {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(" ");
                pauses.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
            }
        }

        boolean overlaps(long from, long to) {
            return pauses.stream().anyMatch(p -> p[0] < to && p[1] > from);
        }
    }
}
