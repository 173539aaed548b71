package net.dig.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.Function;
import net.dig.wire.Message;

/**
 * Runs one {@link SimSpec} twice, with the Plumtree router and with flooding, over the same overlay, origins,
 * faults and link randomness, and reports both.
 *
 * <p>Timeline (virtual milliseconds): the overlay is built at 0; warm-up broadcasts start at 1,000, one per
 * interval; measuring starts 2 s after the last warm-up; then the scenario's fault and the measured
 * broadcasts (see {@link SimScenario}); the run ends 30 s of virtual time after the last scheduled action,
 * or earlier when nothing is left to do. Scenario choices use one generator seeded with the seed; link
 * jitter and loss use another, so both protocols face identical scenarios.
 */
public final class SimRunner {
    /** Message type of the simulated broadcasts: DIG NewAttestation (200), a Plumtree-routed opcode. */
    static final int PAYLOAD_TYPE = 200;
    private static final long DETECTION_MILLIS = 200;
    private static final long DRAIN_MILLIS = 30_000;

    private SimRunner() {}

    public static SimReport run(SimSpec spec) {
        requireBroadcast(spec);
        long started = System.nanoTime();
        Outcome plumtree = runOne(spec, true);
        Outcome flood = runOne(spec, false);
        return new SimReport(spec, plumtree.result, flood.result, plumtree.liveNodes, plumtree.unreachable,
                (System.nanoTime() - started) / 1e9);
    }

    /** Runs only the Plumtree side (for property tests that do not need the baseline). */
    public static SimResult runPlumtree(SimSpec spec) {
        requireBroadcast(spec);
        return runOne(spec, true).result;
    }

    private static void requireBroadcast(SimSpec spec) {
        if (!SimScenario.broadcastScenarios().contains(spec.scenario())) {
            String runner = switch (spec.scenario()) {
                case DHT -> "DhtScenario";
                case DANDELION -> "DandelionScenario";
                case REREPLICATION -> "RereplicationScenario";
                default -> "ErlayScenario";
            };
            throw new IllegalArgumentException("the " + spec.scenario().cliName() + " scenario runs through " + runner
                    + ", not the broadcast runner");
        }
    }

    private record Outcome(SimResult result, int liveNodes, int unreachable) {}

    private static Outcome runOne(SimSpec spec, boolean plumtree) {
        SplittableRandom scenarioRandom = new SplittableRandom(spec.seed());
        SplittableRandom linkRandom = new SplittableRandom(spec.seed() ^ 0x6A09E667F3BCC909L);
        Simulation sim = new Simulation(spec.links(), linkRandom, spec.seed());
        int n = spec.nodes();
        int byzantine = spec.scenario() == SimScenario.BYZANTINE ? scenarioRandom.nextInt(n) : -1;
        Function<Simulation.NodeContext, SimProtocol> honest =
                plumtree ? ctx -> new PlumtreeProtocol(ctx, spec.plumtree()) : FloodProtocol::new;
        for (int i = 0; i < n; i++) {
            sim.addNode(i == byzantine ? ByzantineProtocol::new : honest);
        }
        for (int cycle = 0; cycle < spec.degree() / 2; cycle++) {
            int[] order = shuffled(n, scenarioRandom);
            for (int j = 0; j < n; j++) {
                sim.connect(order[j], order[(j + 1) % n]);
            }
        }

        long[] counter = {0};
        Runnable broadcastOne = () -> {
            int origin = randomLiveHonest(sim, scenarioRandom, byzantine);
            byte[] data = new byte[spec.payloadBytes()];
            scenarioRandom.nextBytes(data);
            long c = counter[0]++;
            for (int k = 0; k < Math.min(8, data.length); k++) {
                data[k] = (byte) (c >>> (8 * k));
            }
            sim.broadcast(origin, new Message(PAYLOAD_TYPE, OptionalInt.empty(), data));
        };

        long t = 1_000;
        for (int w = 0; w < spec.warmupBroadcasts(); w++) {
            sim.at(t, broadcastOne);
            t += spec.intervalMillis();
        }
        long t0 = t + 2_000;
        long measureFrom = t0;
        long lastAction;
        switch (spec.scenario()) {
            case FAILURE -> sim.at(t0, () -> {
                int toKill = Math.max(1, n / 5);
                for (int k = 0; k < toKill; k++) {
                    sim.kill(randomLiveHonest(sim, scenarioRandom, byzantine), DETECTION_MILLIS);
                }
            });
            case PARTITION -> {
                sim.at(t0, () -> {
                    int[] groups = new int[n];
                    int[] order = shuffled(n, scenarioRandom);
                    for (int j = 0; j < n; j++) {
                        groups[order[j]] = j < n / 2 ? 0 : 1;
                    }
                    sim.partition(groups);
                });
                for (int k = 0; k < 5; k++) {
                    sim.at(t0 + k * spec.intervalMillis(), broadcastOne);
                }
                long heal = t0 + 5 * spec.intervalMillis() + 3_000;
                sim.at(heal, sim::heal);
                measureFrom = heal + 500;
            }
            case CHURN -> {
                int events = Math.max(2, n / 10);
                long window = spec.measuredBroadcasts() * spec.intervalMillis();
                long every = Math.max(1, window / events);
                for (int k = 0; k < events; k++) {
                    sim.at(t0 + k * every, () -> {
                        sim.kill(randomLiveHonest(sim, scenarioRandom, byzantine), DETECTION_MILLIS);
                        int joined = sim.addNode(honest);
                        for (int link = 0; link < spec.degree(); link++) {
                            sim.connect(joined, randomLiveHonest(sim, scenarioRandom, byzantine));
                        }
                    });
                }
            }
            case STEADY, BYZANTINE -> { }
        }
        sim.at(measureFrom, () -> sim.metrics().startMeasuring());
        for (int m = 0; m < spec.measuredBroadcasts(); m++) {
            sim.at(measureFrom + m * spec.intervalMillis(), broadcastOne);
        }
        lastAction = measureFrom + spec.measuredBroadcasts() * spec.intervalMillis();
        sim.runUntil(lastAction + DRAIN_MILLIS);

        int[] component = components(sim, byzantine);
        int main = largest(component);
        int live = 0;
        int unreachable = 0;
        for (int i = 0; i < sim.nodeCount(); i++) {
            if (sim.isAlive(i) && i != byzantine) {
                live++;
                if (component[i] != main) {
                    unreachable++;
                }
            }
        }
        SimResult result = sim.metrics().summarize(plumtree ? "plumtree" : "flood", n,
                (node, origin) -> {
                    if (!sim.isAlive(node) || node == byzantine) {
                        return false;
                    }
                    int target = component[origin] >= 0 ? component[origin] : main;
                    return component[node] == target;
                }, sim.penalties(), spec.plumtree().lazyTimeoutMillis());
        return new Outcome(result, live, unreachable);
    }

    private static int randomLiveHonest(Simulation sim, SplittableRandom random, int byzantine) {
        while (true) {
            int candidate = random.nextInt(sim.nodeCount());
            if (sim.isAlive(candidate) && candidate != byzantine) {
                return candidate;
            }
        }
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }

    /** Connected components of the live, honest overlay at the end of the run (-1 for dead or byzantine nodes). */
    private static int[] components(Simulation sim, int byzantine) {
        int[] label = new int[sim.nodeCount()];
        Arrays.fill(label, -1);
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int s = 0; s < label.length; s++) {
            if (label[s] >= 0 || !sim.isAlive(s) || s == byzantine) {
                continue;
            }
            label[s] = next;
            queue.add(s);
            while (!queue.isEmpty()) {
                int u = queue.poll();
                for (int v : sim.neighbours(u)) {
                    if (label[v] < 0 && sim.isAlive(v) && v != byzantine) {
                        label[v] = next;
                        queue.add(v);
                    }
                }
            }
            next++;
        }
        return label;
    }

    private static int largest(int[] label) {
        List<Integer> sizes = new ArrayList<>();
        for (int l : label) {
            if (l >= 0) {
                while (sizes.size() <= l) {
                    sizes.add(0);
                }
                sizes.set(l, sizes.get(l) + 1);
            }
        }
        int best = -1;
        for (int i = 0; i < sizes.size(); i++) {
            if (best < 0 || sizes.get(i) > sizes.get(best)) {
                best = i;
            }
        }
        return best;
    }
}
