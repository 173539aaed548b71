package net.dig.node;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import net.dig.gossip.PlumtreeConfig;
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
 * or CSV ({@code --csv}). Needs no data directory and touches no file; the same arguments print the same
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
            description = "steady, failure, partition, churn or byzantine (default ${DEFAULT-VALUE}).")
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

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV (a header and one row per protocol).")
    boolean csv;

    @Override
    public Integer call() {
        if (json && csv) {
            throw CliException.usage("--json and --csv are exclusive; choose one output format");
        }
        SimSpec simSpec;
        try {
            SimLinks d = SimLinks.internet();
            simSpec = new SimSpec(nodes, seed, SimScenario.parse(scenario), degree, payloadBytes, warmup, broadcasts,
                    intervalMillis, new SimLinks(d.minLatencyMillis(), d.maxLatencyMillis(), d.jitterMeanMillis(), loss,
                    d.uplinkBytesPerSecond()), PlumtreeConfig.defaults());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("sim: " + e.getMessage());
        }
        SimReport report = SimRunner.run(simSpec);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toJson());
        } else if (csv) {
            out.println(SimReport.csvHeader());
            out.println(report.toCsvRows());
        } else {
            out.print(report.toTable());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
