package net.dig.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.gossip.ErlayConfig;
import net.dig.gossip.ErlayReconciler;
import net.dig.wire.Message;
import net.dig.wire.NewTransaction;

/**
 * Transaction relay with ERLAY against flooding, over the same overlay, origins and link randomness.
 *
 * <p>Each node dials {@code outbound} distinct random others (the dialer is the connection's reconciliation
 * initiator), so a node has {@code outbound} links of its own plus the ones dialed to it. Transactions
 * (DIG's NewTransaction announcement, 21) start at random nodes every {@code intervalMillis} from 1 s of
 * virtual time on; flooding forwards each to every neighbour but the sender, {@link ErlayProtocol} runs the
 * real {@link ErlayReconciler}. Every byte either sends from the first transaction until every node holds
 * every transaction is a transaction-announcement byte (NewTransaction, 211 and 212); the ERLAY run stops
 * as soon as delivery is complete (its reconciliation timers would tick forever), or at a virtual deadline.
 * Deterministic from the seed.
 */
public final class ErlayScenario {
    private static final long START_MILLIS = 1_000;
    private static final long DEADLINE_AFTER_LAST_MILLIS = 120_000;
    private static final long STEP_MILLIS = 250;

    private ErlayScenario() {}

    /**
     * @param nodes          simulated nodes
     * @param outbound       connections each node dials
     * @param transactions   transactions originated (all measured)
     * @param intervalMillis virtual time between two transactions
     */
    public record Spec(int nodes, int outbound, int transactions, long intervalMillis, long seed, SimLinks links, ErlayConfig erlay) {
        public Spec {
            if (nodes < 2 || outbound < 1 || outbound >= nodes) {
                throw new IllegalArgumentException("need nodes >= 2 and 1 <= outbound < nodes, got " + nodes + " and " + outbound);
            }
            if (transactions < 1 || intervalMillis < 0) {
                throw new IllegalArgumentException("need transactions >= 1 and interval >= 0");
            }
        }
    }

    /** Both runs side by side; {@code byteRatio} is ERLAY's announcement bytes over flooding's. */
    public record Report(Spec spec, SimResult flood, SimResult erlay, ErlayReconciler.Stats erlayStats, double seconds) {
        public double byteRatio() {
            return flood.bytesSent() == 0 ? 0 : (double) erlay.bytesSent() / flood.bytesSent();
        }

        public String toTable() {
            String row = "%-6s %9.2f %12d %10.1f %10.1f%n";
            return String.format(Locale.ROOT,
                    "ERLAY vs flooding: %d nodes, %d outbound each, %d transactions every %d ms, seed %d (%.1f s)%n"
                    + "%-6s %9s %12s %10s %10s%n" + row + row
                    + "announcement bytes, ERLAY / flooding: %.1f %%%n"
                    + "ERLAY rounds %d: decoded %d, extended %d, failed %d, wrong decodes %d; announced directly %d, after reconciliation %d%n",
                    spec.nodes(), spec.outbound(), spec.transactions(), spec.intervalMillis(), spec.seed(), seconds,
                    "", "delivery%", "bytes", "p50 ms", "p99 ms",
                    "flood", flood.reliabilityPercent(), flood.bytesSent(), flood.latencyP50Millis(), flood.latencyP99Millis(),
                    "erlay", erlay.reliabilityPercent(), erlay.bytesSent(), erlay.latencyP50Millis(), erlay.latencyP99Millis(),
                    100 * byteRatio(), erlayStats.rounds(), erlayStats.decoded(), erlayStats.extensions(), erlayStats.failures(),
                    erlayStats.wrongDecodes(), erlayStats.flooded(), erlayStats.reconciledAnnouncements());
        }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"scenario\":\"erlay\",\"nodes\":%d,\"outbound\":%d,\"transactions\":%d,\"seed\":%d,"
                    + "\"flood\":{\"delivery_percent\":%.3f,\"bytes\":%d,\"latency_p50_ms\":%.1f,\"latency_p99_ms\":%.1f},"
                    + "\"erlay\":{\"delivery_percent\":%.3f,\"bytes\":%d,\"latency_p50_ms\":%.1f,\"latency_p99_ms\":%.1f,"
                    + "\"rounds\":%d,\"extensions\":%d,\"failures\":%d,\"wrong_decodes\":%d},\"byte_ratio\":%.4f}",
                    spec.nodes(), spec.outbound(), spec.transactions(), spec.seed(),
                    flood.reliabilityPercent(), flood.bytesSent(), flood.latencyP50Millis(), flood.latencyP99Millis(),
                    erlay.reliabilityPercent(), erlay.bytesSent(), erlay.latencyP50Millis(), erlay.latencyP99Millis(),
                    erlayStats.rounds(), erlayStats.extensions(), erlayStats.failures(), erlayStats.wrongDecodes(), byteRatio());
        }
    }

    public static Report run(Spec spec) {
        long started = System.nanoTime();
        SimResult flood = runOne(spec, false).result;
        Outcome erlay = runOne(spec, true);
        return new Report(spec, flood, erlay.result, erlay.stats, (System.nanoTime() - started) / 1e9);
    }

    private record Outcome(SimResult result, ErlayReconciler.Stats stats) {}

    private static Outcome runOne(Spec spec, boolean erlay) {
        SplittableRandom scenario = new SplittableRandom(spec.seed());
        Simulation sim = new Simulation(spec.links(), new SplittableRandom(spec.seed() ^ 0x6A09E667F3BCC909L), spec.seed());
        int n = spec.nodes();
        long[] seeds = new SplittableRandom(spec.seed() ^ 0xBB67AE8584CAA73BL).longs(n).toArray();
        Set<Long> dialed = new HashSet<>();
        List<ErlayProtocol> erlayNodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sim.addNode(ctx -> {
                if (!erlay) {
                    return new FloodProtocol(ctx);
                }
                ErlayProtocol p = new ErlayProtocol(ctx, spec.erlay(), (a, b) -> dialed.contains((long) a << 32 | b), seeds[ctx.index()]);
                erlayNodes.add(p);
                return p;
            });
        }
        for (int i = 0; i < n; i++) {
            int made = 0;
            while (made < spec.outbound()) {
                int j = scenario.nextInt(n);
                if (j != i && !sim.neighbours(i).contains(j)) {
                    dialed.add((long) i << 32 | j);
                    sim.connect(i, j);
                    made++;
                }
            }
        }
        sim.metrics().startMeasuring();
        for (int k = 0; k < spec.transactions(); k++) {
            int origin = scenario.nextInt(n);
            byte[] id = new byte[Bytes32.SIZE];
            scenario.nextBytes(id);
            Message tx = new NewTransaction(Bytes32.wrap(id), 1_000 + k, k).toMessage();
            sim.at(START_MILLIS + k * spec.intervalMillis(), () -> sim.broadcast(origin, tx));
        }
        long last = START_MILLIS + (spec.transactions() - 1) * spec.intervalMillis();
        long deadline = last + DEADLINE_AFTER_LAST_MILLIS;
        if (!erlay) {
            sim.runUntil(deadline);
            return new Outcome(summarize(sim, "flood"), null);
        }
        long expected = (long) n * spec.transactions();
        for (long t = last; t <= deadline; t += STEP_MILLIS) {
            sim.runUntil(t);
            if (erlayNodes.stream().mapToLong(ErlayProtocol::knownTransactions).sum() == expected) {
                break;
            }
        }
        return new Outcome(summarize(sim, "erlay"), sum(erlayNodes));
    }

    private static SimResult summarize(Simulation sim, String name) {
        return sim.metrics().summarize(name, sim.nodeCount(), (node, origin) -> true, sim.penalties(), 0);
    }

    private static ErlayReconciler.Stats sum(List<ErlayProtocol> nodes) {
        long[] s = new long[7];
        for (ErlayProtocol p : nodes) {
            ErlayReconciler.Stats x = p.stats();
            s[0] += x.rounds();
            s[1] += x.decoded();
            s[2] += x.extensions();
            s[3] += x.failures();
            s[4] += x.wrongDecodes();
            s[5] += x.flooded();
            s[6] += x.reconciledAnnouncements();
        }
        return new ErlayReconciler.Stats(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
    }
}
