package net.dig.node;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import net.dig.gossip.DandelionConfig;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.ErlayConfig;
import net.dig.gossip.PlumtreeConfig;
import net.dig.sim.DandelionScenario;
import net.dig.sim.DhtReport;
import net.dig.sim.DhtScenario;
import net.dig.sim.DhtSpec;
import net.dig.sim.ErlayScenario;
import net.dig.sim.RereplicationScenario;
import net.dig.sim.SimLinks;
import net.dig.sim.SimReport;
import net.dig.sim.SimRunner;
import net.dig.sim.SimScenario;
import net.dig.sim.SimSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node sim}: runs the deterministic gossip simulator (dig-sim) with the real Plumtree router and the
 * flooding baseline over the same overlay and seed, and prints reliability, relative message redundancy,
 * last delivery hop, latency p50/p99 and bytes against flooding: a table, one JSON object ({@code --json})
 * or CSV ({@code --csv}). {@code --scenario dht} instead runs provider discovery over the Kademlia DHT with churn
 * ({@link DhtScenario}: lookup success, rounds and requests per lookup, time until a datastore has R holders).
 * {@code --scenario erlay} relays {@code --broadcasts} transactions, one every {@code --interval-ms}, over an
 * overlay where each node dials {@code --outbound} others, with ERLAY and with flooding ({@link ErlayScenario}:
 * delivery, announcement bytes, latency p50/p99). {@code --scenario rereplication} makes {@code --churn} of the nodes
 * vanish and lets the survivors restore every datastore to {@code --replicas} holders ({@link RereplicationScenario}:
 * restore time, bytes moved against the lost replicas' bytes).
 * Needs no data directory and touches no file; the same arguments print the same
 * figures (apart from the run time).
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Simulate Plumtree broadcast against flooding on a random overlay (deterministic from --seed).")
final class SimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "1000", description = "Number of nodes (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scenario", defaultValue = "steady",
            description = "steady, failure, partition, churn, byzantine, dht, dandelion, erlay or rereplication (default ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--degree", defaultValue = "8", description = "Overlay degree, even (default ${DEFAULT-VALUE}).")
    int degree;

    @Option(names = "--payload-bytes", defaultValue = "1024", description = "Size of each message (default ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Option(names = "--warmup", defaultValue = "10", description = "Broadcasts before measuring (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--broadcasts", defaultValue = "20", description = "Measured broadcasts (default ${DEFAULT-VALUE}).")
    int broadcasts;

    @Option(names = "--interval-ms", defaultValue = "1000",
            description = "Virtual time between broadcasts (default ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Option(names = "--loss", defaultValue = "0", description = "Per-message loss probability on links (default ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--churn", defaultValue = "0.2",
            description = "dht: fraction of nodes that leave before the lookups; as many join (default ${DEFAULT-VALUE}).")
    double churn;

    @Option(names = "--datastores", defaultValue = "100", description = "dht: datastores announced (default ${DEFAULT-VALUE}).")
    int datastores;

    @Option(names = "--replicas", defaultValue = "5",
            description = "dht: R, holders per datastore and providers a lookup asks for (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--lookups", defaultValue = "1000", description = "dht: measured provider lookups (default ${DEFAULT-VALUE}).")
    int lookups;

    @Option(names = "--spies", defaultValue = "0.1",
            description = "dandelion: fraction of nodes that are colluding spies (default ${DEFAULT-VALUE}).")
    double spies;

    @Option(names = "--transactions", defaultValue = "1000",
            description = "dandelion: transactions originated by random honest nodes (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(names = "--outbound", defaultValue = "8",
            description = "erlay: connections each node dials (default ${DEFAULT-VALUE}).")
    int outbound;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV (a header and one row per protocol).")
    boolean csv;

    @Override
    public Integer call() {
        if (json && csv) {
            throw CliException.usage("--json and --csv are exclusive; choose one output format");
        }
        SimScenario chosen;
        try {
            chosen = SimScenario.parse(scenario);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("sim: " + e.getMessage());
        }
        if (chosen == SimScenario.DHT) {
            DhtSpec dhtSpec;
            try {
                dhtSpec = new DhtSpec(nodes, seed, churn, datastores, replicas, lookups, links(), DhtConfig.defaults());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("sim: " + e.getMessage());
            }
            DhtReport report = DhtScenario.run(dhtSpec);
            return print(report.toTable(), report.toJson(), DhtReport.csvHeader() + "\n" + report.toCsvRow());
        }
        if (chosen == SimScenario.DANDELION) {
            DandelionScenario.Spec dandelionSpec;
            try {
                dandelionSpec = new DandelionScenario.Spec(nodes, seed, degree, spies, transactions, links(), DandelionConfig.defaults());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("sim: " + e.getMessage());
            }
            DandelionScenario.Report report = DandelionScenario.run(dandelionSpec);
            return print(report.toTable(), report.toJson(), report.toJson());
        }
        if (chosen == SimScenario.REREPLICATION) {
            return rereplication();
        }
        if (chosen == SimScenario.ERLAY) {
            if (csv) {
                throw CliException.usage("sim: the erlay scenario prints a table or --json, not --csv");
            }
            ErlayScenario.Spec erlaySpec;
            try {
                erlaySpec = new ErlayScenario.Spec(nodes, outbound, broadcasts, intervalMillis, seed, links(), ErlayConfig.defaults());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("sim: " + e.getMessage());
            }
            ErlayScenario.Report report = ErlayScenario.run(erlaySpec);
            return print(report.toTable(), report.toJson(), "");
        }
        SimSpec simSpec;
        try {
            simSpec = new SimSpec(nodes, seed, chosen, degree, payloadBytes, warmup, broadcasts, intervalMillis, links(),
                    PlumtreeConfig.defaults());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("sim: " + e.getMessage());
        }
        SimReport report = SimRunner.run(simSpec);
        return print(report.toTable(), report.toJson(), SimReport.csvHeader() + "\n" + report.toCsvRows());
    }

    /** {@code --churn} of the nodes vanish; {@code --datastores} (0: as many as nodes) with {@code --replicas} holders each. */
    private int rereplication() {
        if (csv) {
            throw CliException.usage("sim: the rereplication scenario prints a table or --json, not --csv");
        }
        RereplicationScenario.Spec spec;
        try {
            RereplicationScenario.Spec d = RereplicationScenario.Spec.of(nodes, seed);
            net.dig.gossip.ReplicaRepair.Settings r = d.repair();
            spec = new RereplicationScenario.Spec(nodes, seed, datastoresGiven() ? datastores : nodes, churn, d.watchers(),
                    d.minSize(), d.maxSize(), d.capacityBytes(), d.ttlMillis(), d.republishMillis(),
                    new net.dig.gossip.ReplicaRepair.Settings(replicasGiven() ? replicas : r.targetHolders(), r.maxConcurrent(),
                            r.bytesPerSecond(), r.minPeriodMillis(), r.periodPerFetch()));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("sim: " + e.getMessage());
        }
        RereplicationScenario.Report report = RereplicationScenario.run(spec);
        return print(report.toTable(), report.toJson(), "");
    }

    private boolean datastoresGiven() {
        return this.spec.commandLine().getParseResult().hasMatchedOption("--datastores");
    }

    private boolean replicasGiven() {
        return this.spec.commandLine().getParseResult().hasMatchedOption("--replicas");
    }

    private SimLinks links() {
        SimLinks d = SimLinks.internet();
        return new SimLinks(d.minLatencyMillis(), d.maxLatencyMillis(), d.jitterMeanMillis(), loss, d.uplinkBytesPerSecond());
    }

    private int print(String table, String jsonLine, String csvLines) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(jsonLine);
        } else if (csv) {
            out.println(csvLines);
        } else {
            out.print(table);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
