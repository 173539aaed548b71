package net.dig.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.gossip.DandelionConfig;
import net.dig.wire.RelayTransaction;

/**
 * Origin privacy of transaction relay against colluding spies: the first-spy estimator (the spies name
 * as a transaction's origin the honest node that first handed it to any of them) run over the same
 * overlay, spies and origins twice, with Dandelion++ ({@link DandelionProtocol} around the real
 * {@link net.dig.gossip.DandelionRouter}) and without it (flooding at once, as transactions are relayed
 * without it). Precision is the fraction of honest transactions whose origin the estimator names right.
 *
 * <p>Set-up: every node dials {@code outbound} distinct random others (its Dandelion++ destinations come
 * from those); a {@code spyFraction} of the nodes, drawn at random, are spies that relay like everyone
 * else and report what they receive; {@code transactions} transactions start from random honest nodes,
 * one every 20 ms of virtual time, after one second for the overlay to settle. Deterministic per seed.
 */
public final class DandelionScenario {
    private static final long START_MILLIS = 1_000;
    private static final long SPACING_MILLIS = 20;

    private DandelionScenario() {}

    /** One run, fully determined by these fields. */
    public record Spec(int nodes, long seed, int outbound, double spyFraction, int transactions, SimLinks links,
                       DandelionConfig dandelion) {
        public Spec {
            if (nodes < 3 || outbound < 1 || outbound >= nodes) {
                throw new IllegalArgumentException("need nodes >= 3 and 1 <= outbound < nodes, got " + nodes + ", " + outbound);
            }
            if (!(spyFraction > 0 && spyFraction < 1) || transactions < 1) {
                throw new IllegalArgumentException("spy fraction must be in (0, 1) and transactions >= 1");
            }
        }

        public static Spec of(int nodes, long seed) {
            return new Spec(nodes, seed, 8, 0.1, 1000, SimLinks.internet(), DandelionConfig.defaults());
        }
    }

    /** Precision of the first-spy estimator without and with Dandelion++. */
    public record Report(Spec spec, int spies, int observedFlooding, double precisionFlooding, int observedDandelion,
                         double precisionDandelion, double wallSeconds) {
        public String toTable() {
            return String.format(Locale.ROOT, """
                    dandelion: %d nodes, %d outbound each, %d spies (%.0f %%), %d transactions, seed %d, fluff q %.2f
                    relay          observed  first-spy precision
                    flooding       %8d  %.4f
                    dandelion++    %8d  %.4f
                    wall time %.1f s
                    """, spec.nodes, spec.outbound, spies, 100 * spec.spyFraction, spec.transactions, spec.seed,
                    spec.dandelion.fluffProbability(), observedFlooding, precisionFlooding, observedDandelion, precisionDandelion,
                    wallSeconds);
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"scenario\":\"dandelion\",\"nodes\":%d,\"outbound\":%d,\"spies\":%d,"
                    + "\"transactions\":%d,\"seed\":%d,\"fluff_probability\":%s,\"precision_flooding\":%.4f,"
                    + "\"precision_dandelion\":%.4f,\"observed_flooding\":%d,\"observed_dandelion\":%d}", spec.nodes, spec.outbound,
                    spies, spec.transactions, spec.seed, spec.dandelion.fluffProbability(), precisionFlooding, precisionDandelion,
                    observedFlooding, observedDandelion);
        }
    }

    public static Report run(Spec spec) {
        long started = System.nanoTime();
        SplittableRandom setup = new SplittableRandom(spec.seed);
        int n = spec.nodes;
        Set<Long> outboundEdges = new HashSet<>();
        for (int a = 0; a < n; a++) {
            Set<Integer> chosen = new HashSet<>();
            while (chosen.size() < spec.outbound) {
                int b = setup.nextInt(n);
                if (b != a && !outboundEdges.contains(edge(b, a))) {
                    chosen.add(b);
                }
            }
            for (int b : chosen) {
                outboundEdges.add(edge(a, b));
            }
        }
        boolean[] spy = new boolean[n];
        int spies = (int) Math.round(n * spec.spyFraction);
        for (int placed = 0; placed < spies; ) {
            int s = setup.nextInt(n);
            if (!spy[s]) {
                spy[s] = true;
                placed++;
            }
        }
        int[] origins = new int[spec.transactions];
        for (int t = 0; t < origins.length; t++) {
            do {
                origins[t] = setup.nextInt(n);
            } while (spy[origins[t]]);
        }
        double[] flooding = precision(spec, outboundEdges, spy, origins, Optional.empty());
        double[] dandelion = precision(spec, outboundEdges, spy, origins, Optional.of(spec.dandelion));
        return new Report(spec, spies, (int) flooding[1], flooding[0], (int) dandelion[1], dandelion[0],
                (System.nanoTime() - started) / 1e9);
    }

    private static long edge(int from, int to) {
        return ((long) from << 32) | to;
    }

    /** {precision, transactions observed by some spy}. */
    private static double[] precision(Spec spec, Set<Long> outboundEdges, boolean[] spy, int[] origins,
                                      Optional<DandelionConfig> dandelion) {
        Simulation sim = new Simulation(spec.links, new SplittableRandom(spec.seed ^ 0x3C6EF372FE94F82BL), spec.seed);
        Map<Bytes32, Integer> firstSpySource = new HashMap<>();
        for (int i = 0; i < spec.nodes; i++) {
            int self = i;
            boolean isSpy = spy[i];
            sim.addNode(ctx -> new DandelionProtocol(ctx, dandelion,
                    peer -> outboundEdges.contains(edge(self, Simulation.indexOf(peer))),
                    (from, tx) -> {
                        int sender = Simulation.indexOf(from);
                        if (isSpy && !spy[sender]) {
                            firstSpySource.putIfAbsent(tx.id(), sender);
                        }
                    }));
        }
        for (long e : outboundEdges) {
            sim.connect((int) (e >>> 32), (int) e);
        }
        Bytes32[] ids = new Bytes32[origins.length];
        for (int t = 0; t < origins.length; t++) {
            int origin = origins[t];
            RelayTransaction tx = new RelayTransaction(("dandelion-sim-" + spec.seed + "-" + t).getBytes());
            ids[t] = tx.id();
            sim.at(START_MILLIS + t * SPACING_MILLIS, () -> ((DandelionProtocol) sim.protocol(origin)).originate(tx));
        }
        long end = START_MILLIS + origins.length * SPACING_MILLIS + 2 * spec.dandelion.stemTimeout().toMillis() + 10_000;
        sim.runUntil(end);
        int observed = 0;
        int right = 0;
        for (int t = 0; t < origins.length; t++) {
            Integer guess = firstSpySource.get(ids[t]);
            if (guess != null) {
                observed++;
                right += guess == origins[t] ? 1 : 0;
            }
        }
        return new double[] {observed == 0 ? 0 : right / (double) observed, observed};
    }
}
