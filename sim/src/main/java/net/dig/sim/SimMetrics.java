package net.dig.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import net.dig.gossip.PlumtreeRouter;
import net.dig.wire.Message;

/**
 * Per-message bookkeeping of one run. A broadcast message is tracked by object identity: routers forward
 * and cache the very instance they received, so every copy on the simulated wire is the same object
 * (which also lets the simulator carry each copy's hop count beside the message, as the paper's round,
 * without changing the bytes).
 */
public final class SimMetrics {
    /** One broadcast message. */
    static final class Tracked {
        final int origin;
        final long sentAtMicros;
        final boolean measured;
        final int nodesAtBroadcast;
        long payloadSends;
        final Map<Integer, Integer> hops = new HashMap<>();
        final Map<Integer, Long> latencyMicros = new HashMap<>();
        long duplicateDeliveries;

        Tracked(int origin, long sentAtMicros, boolean measured, int nodesAtBroadcast) {
            this.origin = origin;
            this.sentAtMicros = sentAtMicros;
            this.measured = measured;
            this.nodesAtBroadcast = nodesAtBroadcast;
        }
    }

    private final IdentityHashMap<Message, Tracked> tracked = new IdentityHashMap<>();
    private final List<Tracked> order = new ArrayList<>();
    private boolean measuring;
    private int nodeCount;
    private long bytesSent;
    private long bytesMeasured;
    private long controlMessagesMeasured;
    private final Map<Integer, Long> killedAtMicros = new HashMap<>();

    void setNodeCount(int n) {
        nodeCount = n;
    }

    /** From now on, broadcasts count towards the result and bytes are measured. */
    public void startMeasuring() {
        measuring = true;
    }

    void onBroadcast(Message message, int origin, long nowMicros) {
        Tracked t = new Tracked(origin, nowMicros, measuring, nodeCount);
        t.hops.put(origin, 0);
        tracked.put(message, t);
        order.add(t);
    }

    void onKilled(int node, long nowMicros) {
        killedAtMicros.putIfAbsent(node, nowMicros);
    }

    void onSent(Message message, int size) {
        bytesSent += size;
        if (measuring) {
            bytesMeasured += size;
        }
        if (PlumtreeRouter.isControl(message.type())) {
            if (measuring) {
                controlMessagesMeasured++;
            }
            return;
        }
        Tracked t = tracked.get(message);
        if (t != null) {
            t.payloadSends++;
        }
    }

    int hopOf(Message message, int node) {
        Tracked t = tracked.get(message);
        return t == null ? 0 : t.hops.getOrDefault(node, 0);
    }

    void onDelivered(Message message, int node, int hop, long nowMicros) {
        Tracked t = tracked.get(message);
        if (t == null) {
            return;
        }
        if (t.latencyMicros.putIfAbsent(node, nowMicros - t.sentAtMicros) != null) {
            t.duplicateDeliveries++;
            return;
        }
        t.hops.put(node, hop);
    }

    public long bytesMeasured() {
        return bytesMeasured;
    }

    /**
     * RMR of the measured broadcasts cut into {@code windows} consecutive slices of equal count (in broadcast
     * order): whether redundancy decays after a fault, or stays.
     */
    double[] rmrByWindow(int windows) {
        List<Tracked> measured = order.stream().filter(t -> t.measured).toList();
        double[] rmr = new double[windows];
        for (int w = 0; w < windows; w++) {
            rmr[w] = rmr(measured.subList(w * measured.size() / windows, (w + 1) * measured.size() / windows));
        }
        return rmr;
    }

    private static double rmr(List<Tracked> messages) {
        long payloads = 0;
        long receivers = 0;
        for (Tracked t : messages) {
            payloads += t.payloadSends;
            receivers += t.latencyMicros.size();
        }
        return receivers == 0 ? 0 : (double) payloads / receivers - 1;
    }

    /**
     * Sums up the measured broadcasts. {@code eligible(node, origin)} says whether a node should have
     * received a message from {@code origin} (live, honest, present at broadcast, connected to the origin).
     * A message some of those missed although its origin stayed up {@code originUpMillis} after sending it
     * counts as lost with its origin up.
     */
    SimResult summarize(String protocol, int nodes, BiPredicate<Integer, Integer> eligible, long penalties,
            long originUpMillis) {
        long lostOriginUp = 0;
        long shouldHave = 0;
        long have = 0;
        double worst = 100.0;
        long payloads = 0;
        long receiversMinusOne = 0;
        long ldhSum = 0;
        int ldhMax = 0;
        long duplicates = 0;
        List<Long> latencies = new ArrayList<>();
        int messages = 0;
        for (Tracked t : order) {
            if (!t.measured) {
                continue;
            }
            messages++;
            long expected = 0;
            long got = 0;
            for (int node = 0; node < t.nodesAtBroadcast; node++) {
                if (node != t.origin && eligible.test(node, t.origin)) {
                    expected++;
                    if (t.latencyMicros.containsKey(node)) {
                        got++;
                    }
                }
            }
            shouldHave += expected;
            have += got;
            Long originKilled = killedAtMicros.get(t.origin);
            if (got < expected && (originKilled == null || originKilled - t.sentAtMicros >= originUpMillis * 1000)) {
                lostOriginUp++;
            }
            if (expected > 0) {
                worst = Math.min(worst, 100.0 * got / expected);
            }
            payloads += t.payloadSends;
            receiversMinusOne += t.latencyMicros.size();
            int last = t.hops.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            ldhSum += last;
            ldhMax = Math.max(ldhMax, last);
            duplicates += t.duplicateDeliveries;
            latencies.addAll(t.latencyMicros.values());
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        double reliability = shouldHave == 0 ? 100.0 : 100.0 * have / shouldHave;
        double rmr = receiversMinusOne == 0 ? 0 : (double) payloads / receiversMinusOne - 1;
        return new SimResult(protocol, messages, reliability, worst, rmr, rmrByWindow(4)[3],
                messages == 0 ? 0 : (double) ldhSum / messages, ldhMax,
                percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99),
                bytesMeasured, controlMessagesMeasured, duplicates, penalties, lostOriginUp);
    }

    private static double percentileMillis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }
}
