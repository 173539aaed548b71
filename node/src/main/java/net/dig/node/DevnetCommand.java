package net.dig.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.dig.core.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node devnet}: runs a {@link Devnet} (an introducer and N nodes on 127.0.0.1) until
 * SIGTERM or SIGINT, then stops every node in order and exits 0.
 *
 * <p>Output: once every node is up, a table (node, node id, PeerId prefix, API URL, P2P address,
 * home) and one {@code curl} line per node on stdout; with {@code --json} one JSON document instead:
 * <pre>
 * {"base_dir":"/tmp/dig-devnet-…","network_id":"devnet","introducer":"127.0.0.1:41017",
 *  "log_file":"/tmp/dig-devnet-…/devnet.log",
 *  "nodes":[{"name":"node-1","node_id":"dig1…","peer_id":"…64 hex…","api":"http://127.0.0.1:40123",
 *            "p2p":"127.0.0.1:39401","metrics":"127.0.0.1:43311","home":"/tmp/dig-devnet-…/node-1"}, …]}
 * </pre>
 * The JSON log of every node goes to {@code <base>/devnet.log}; warnings and errors also to stderr.
 * The base directory is {@code --base-dir}, else a new temporary directory, kept after the stop.
 *
 * <p>The homes are the devnet's, so the global {@code --data-dir}, {@code --config}, {@code --plots}
 * and {@code --cache} are refused; {@code --set}, {@code --log-level} and {@code DIG_NODE_*} apply to
 * every node.
 */
@Command(name = "devnet", mixinStandardHelpOptions = true,
        description = "Run an introducer and N nodes on 127.0.0.1, each with its own home and ports, until SIGTERM or Ctrl-C.")
final class DevnetCommand implements Callable<Integer> {
    private static final String LOG_FILE = "devnet.log";

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", description = "How many nodes (1.." + Devnet.MAX_NODES + ", default 3).")
    int nodes = 3;

    @Option(names = "--base-dir", paramLabel = "DIR",
            description = "Where the homes live (<DIR>/node-1, ...; kept and reused). Default: a new temporary directory.")
    Path baseDir;

    @Option(names = "--base-port", paramLabel = "P",
            description = "Introducer on P, node i on P+3i-2 (P2P), P+3i-1 (API), P+3i (metrics). Default: free ports.")
    Integer basePort;

    @Option(names = "--network-id", paramLabel = "ID", description = "Network id of every node and the introducer (default devnet).")
    String networkId = Devnet.DEFAULT_NETWORK_ID;

    @Option(names = "--json", description = "Print the nodes as one JSON document instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DigNodeCommand root = DigNodeCommand.root(spec);
        refuseHomeFlags(root);
        Devnet.Options options = new Devnet.Options(nodes, java.util.Optional.ofNullable(baseDir),
                basePort == null ? OptionalInt.empty() : OptionalInt.of(basePort), networkId);
        List<ConfigLoader.Setting> settings = root.flagSettings();
        // the environment and --set checked once before anything starts; each node reads them again over its node.yaml
        String level = ConfigLoader.load(java.util.Optional.empty(), root.env(), settings).monitoring().logLevel();
        LogSetup.toConsole(LogSetup.Console.STDERR, "WARN", java.util.Optional.empty());

        CountDownLatch stop = new CountDownLatch(1);
        SignalTrap.onTermination(stop::countDown);
        Devnet devnet = Devnet.start(options, root.env(), settings, Clock.system(),
                dir -> LogSetup.toFileAndConsole(dir.resolve(LOG_FILE), level, LogSetup.Console.STDERR, "WARN"));
        Path logFile = devnet.baseDir().resolve(LOG_FILE);
        Thread hook = new Thread(devnet::close, "dig-node-devnet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(document(devnet, logFile)));
        } else {
            printTable(out, devnet, logFile);
        }
        out.flush();
        stop.await();
        devnet.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; close() is idempotent
        }
        if (!json) {
            out.println("Stopped " + devnet.members().size() + " nodes and the introducer.");
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static void refuseHomeFlags(DigNodeCommand root) {
        List<String> given = new ArrayList<>();
        if (root.dataDir != null) {
            given.add("--data-dir");
        }
        if (root.configFile != null) {
            given.add("--config");
        }
        if (!root.plots.isEmpty()) {
            given.add("--plots");
        }
        if (root.cache != null) {
            given.add("--cache");
        }
        if (!given.isEmpty()) {
            throw CliException.usage(String.join(", ", given) + ": devnet gives each node its own home under --base-dir");
        }
    }

    static Map<String, Object> document(Devnet devnet, Path logFile) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("base_dir", devnet.baseDir().toString());
        doc.put("network_id", devnet.options().networkId());
        doc.put("introducer", devnet.introducerAddress());
        doc.put("log_file", logFile.toString());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Devnet.Member m : devnet.members()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", m.name());
            row.put("node_id", m.nodeId());
            row.put("peer_id", m.peerId());
            row.put("api", m.apiUrl());
            row.put("p2p", m.p2pAddress());
            row.put("metrics", Devnet.HOST + ":" + m.metricsPort());
            row.put("home", m.home().toString());
            rows.add(row);
        }
        doc.put("nodes", rows);
        return doc;
    }

    static void printTable(PrintWriter out, Devnet devnet, Path logFile) {
        out.println("Devnet: " + devnet.members().size() + " nodes on " + Devnet.HOST + ", network "
                + devnet.options().networkId() + ", introducer " + devnet.introducerAddress());
        String format = "%-8s %-20s %-12s  %-22s  %-15s  %s%n";
        out.printf(format, "NODE", "NODE ID", "PEER ID", "API", "P2P", "HOME");
        for (Devnet.Member m : devnet.members()) {
            out.printf(format, m.name(), m.nodeId(), m.peerIdShort(), m.apiUrl(), m.p2pAddress(), m.home());
        }
        out.println();
        for (Devnet.Member m : devnet.members()) {
            out.println("  " + m.name() + ": curl " + m.apiUrl() + "/node/status");
        }
        out.println();
        out.println("Logs: " + logFile + ". Ctrl-C stops every node.");
    }
}
