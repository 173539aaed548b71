package net.dig.bench;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import net.dig.gossip.LaneAdmission;
import net.dig.gossip.LaneConfig;
import net.dig.gossip.LaneScheduler;
import net.dig.wire.Message;

/**
 * Critical-message latency on one saturated connection, with the real {@link LaneScheduler} and with a
 * plain FIFO, in a virtual-time model of the link (not real sockets: the socket-level benchmark needs the
 * lanes wired into dig-net's connection handler).
 *
 * <p>Model: a link of {@code --mbps} carries one message at a time (the transport asks the scheduler for the
 * next message when the previous one has left, as Netty's writability would with a small watermark). A
 * bulk transfer keeps {@code --bulk-backlog} RespondBlocks messages of {@code --bulk-kib} queued at all
 * times (a sync that refills as it drains). NewPeak messages (200 B) arrive as a Poisson process, on
 * average every {@code --critical-every-ms}. Latency = arrival to the end of its transmission. Same seed,
 * same arrivals for both runs.
 *
 * <pre>java -cp bench/target/dig-bench.jar net.dig.bench.SimLanesBench [--seconds 120] [--seed 1] ...</pre>
 */
public final class SimLanesBench {
    private SimLanesBench() {}

    public static void main(String[] args) {
        double seconds = 120;
        long seed = 1;
        double mbps = 100;
        int bulkKib = 256;
        int backlog = 32;
        double criticalEveryMs = 50;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--mbps" -> mbps = Double.parseDouble(args[i + 1]);
                case "--bulk-kib" -> bulkKib = Integer.parseInt(args[i + 1]);
                case "--bulk-backlog" -> backlog = Integer.parseInt(args[i + 1]);
                case "--critical-every-ms" -> criticalEveryMs = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        double[] lanes = run(true, seconds, seed, mbps, bulkKib, backlog, criticalEveryMs);
        double[] fifo = run(false, seconds, seed, mbps, bulkKib, backlog, criticalEveryMs);
        System.out.printf(Locale.ROOT, "link %.0f Mbit/s, bulk %d KiB x %d queued, NewPeak every %.0f ms (Poisson), %.0f s, seed %d%n",
                mbps, bulkKib, backlog, criticalEveryMs, seconds, seed);
        System.out.printf(Locale.ROOT, "%-10s %12s %12s %12s %14s%n", "", "p50 ms", "p99 ms", "max ms", "bulk MiB/s");
        System.out.printf(Locale.ROOT, "%-10s %12.2f %12.2f %12.2f %14.2f%n", "lanes on", lanes[0], lanes[1], lanes[2], lanes[3]);
        System.out.printf(Locale.ROOT, "%-10s %12.2f %12.2f %12.2f %14.2f%n", "lanes off", fifo[0], fifo[1], fifo[2], fifo[3]);
        System.out.printf(Locale.ROOT, "critical p99 lanes off / on = %.1fx%n", fifo[1] / lanes[1]);
    }

    /** Returns {p50, p99, max} critical latency in ms and the bulk goodput in MiB/s. */
    static double[] run(boolean lanesOn, double seconds, long seed, double mbps, int bulkKib, int backlog,
                        double criticalEveryMs) {
        SplittableRandom random = new SplittableRandom(seed);
        double bytesPerMs = mbps * 1e6 / 8 / 1000;
        LaneScheduler lanes = new LaneScheduler(new LaneConfig(4096, 1L << 30, 16, 64 << 10, Optional.empty()));
        ArrayDeque<Message> fifo = new ArrayDeque<>();
        java.util.IdentityHashMap<Message, Double> arrivedAt = new java.util.IdentityHashMap<>();
        double end = seconds * 1000;
        double nextCritical = -Math.log(1 - random.nextDouble()) * criticalEveryMs;
        double linkFreeAt = 0;
        int queuedBulk = 0;
        long bulkBytes = 0;
        double[] latencies = new double[(int) (end / criticalEveryMs * 2) + 16];
        int n = 0;
        double now = 0;
        while (now < end) {
            while (queuedBulk < backlog) {
                Message bulk = new Message(30, OptionalInt.empty(), new byte[bulkKib << 10]);
                enqueue(lanesOn, lanes, fifo, bulk, now);
                queuedBulk++;
            }
            while (nextCritical <= now) {
                Message peak = new Message(20, OptionalInt.empty(), new byte[200]);
                arrivedAt.put(peak, nextCritical);
                enqueue(lanesOn, lanes, fifo, peak, nextCritical);
                nextCritical += -Math.log(1 - random.nextDouble()) * criticalEveryMs;
            }
            Message next = lanesOn ? lanes.poll((long) now) : fifo.poll();
            if (next == null) {
                now = nextCritical;
                continue;
            }
            linkFreeAt = Math.max(now, linkFreeAt) + next.encodedSize() / bytesPerMs;
            if (next.type() == 30) {
                queuedBulk--;
                bulkBytes += next.encodedSize();
            } else {
                if (n == latencies.length) {
                    latencies = Arrays.copyOf(latencies, n * 2);
                }
                latencies[n++] = linkFreeAt - arrivedAt.remove(next);
            }
            now = linkFreeAt;
        }
        double[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new double[] {sorted[(int) Math.ceil(0.5 * n) - 1], sorted[(int) Math.ceil(0.99 * n) - 1],
                sorted[n - 1], bulkBytes / (1 << 20) / seconds};
    }

    private static void enqueue(boolean lanesOn, LaneScheduler lanes, ArrayDeque<Message> fifo, Message m, double at) {
        if (lanesOn) {
            LaneAdmission a = lanes.offer(m, (long) at);
            if (a != LaneAdmission.QUEUED) {
                throw new IllegalStateException("unexpected admission " + a);
            }
        } else {
            fifo.add(m);
        }
    }
}
