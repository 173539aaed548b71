package net.dig.node;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.net.GossipConfig;
import net.dig.net.IntroducerServer;
import net.dig.node.ConfigLoader.Setting;

/**
 * A network on one machine: an introducer and {@code N} nodes in this JVM, every listener on
 * 127.0.0.1, each node in its own home under a base directory. {@code dig-node devnet} runs one until
 * a signal; tests start one and stop it (docs/decisions.md D40e).
 *
 * <p>Layout of the base directory:
 * <pre>
 * &lt;base&gt;/introducer/   the introducer's TLS identity and address book
 * &lt;base&gt;/node-1/       a node home as {@code dig-node init} makes it (node.key, node.yaml, plots, index)
 * &lt;base&gt;/node-N/
 * </pre>
 * A base directory used again keeps its homes, so the nodes come back with the same node ids and data.
 *
 * <p>Each node is a {@link NodeRuntime} built exactly as {@code dig-node start} builds it, from its
 * home's {@code node.yaml}, the environment and the command line's {@code --set}s, over which the
 * devnet sets only what makes it a local network: the three listeners on 127.0.0.1, the introducer as
 * the only lead to peers, one network id, a one-second discovery round, and no API request limit
 * (the clients are on the same machine). The introducer is {@code dig-node introducer}'s server with
 * private addresses allowed. Nodes share nothing but the process: each runtime has its own storage
 * engine, services, gossip event loops, TLS identity, HTTP server and meter registry.
 *
 * <p>Ports: with no base port, every listener binds port 0 and the kernel picks a free one. With a
 * base port {@code P} the introducer listens on {@code P} and node {@code i} on {@code P+3i-2}
 * (P2P), {@code P+3i-1} (API) and {@code P+3i} (metrics); all of them are checked free before
 * anything starts.
 *
 * <p>Failure modes: a busy port or bad option is a usage error before anything is written; a node
 * that fails to start closes the ones already running (newest first) and the introducer, and the
 * error propagates. {@link #close} stops the nodes newest first, each in its own shutdown order,
 * then the introducer; it is idempotent and safe from a signal thread and a shutdown hook at once.
 */
final class Devnet implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final int MAX_NODES = 32;
    static final String DEFAULT_NETWORK_ID = "devnet";
    private static final int PORTS_PER_NODE = 3;

    /** What to start; validated on construction (usage errors). No base directory: a new temporary one. */
    record Options(int nodes, Optional<Path> baseDir, OptionalInt basePort, String networkId) {
        Options {
            if (nodes < 1 || nodes > MAX_NODES) {
                throw CliException.usage("--nodes: must be 1.." + MAX_NODES + ", got " + nodes);
            }
            baseDir = baseDir.map(dir -> dir.toAbsolutePath().normalize());
            if (basePort.isPresent()) {
                int last = basePort.getAsInt() + PORTS_PER_NODE * nodes;
                if (basePort.getAsInt() < 1 || last > 65535) {
                    throw CliException.usage("--base-port: the ports " + basePort.getAsInt() + ".." + last
                            + " must lie within 1..65535");
                }
            }
            try {
                GossipConfig.checkNetworkId(networkId);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw CliException.usage("--network-id: " + String.valueOf(e.getMessage()).replaceFirst("^network_id ", "")
                        + " (\"" + networkId + "\")");
            }
        }

        /** The port a listener asks for: 0 without a base port. */
        int port(int offset) {
            return basePort.isPresent() ? basePort.getAsInt() + offset : 0;
        }
    }

    /** One running node as the table shows it. */
    record Member(String name, String nodeId, String peerId, int apiPort, int p2pPort, int metricsPort, Path home) {
        String apiUrl() {
            return "http://" + HOST + ":" + apiPort;
        }

        String p2pAddress() {
            return HOST + ":" + p2pPort;
        }

        String peerIdShort() {
            return peerId.substring(0, 12);
        }
    }

    private final Options options;
    private final Path baseDir;
    private final List<NodeRuntime> runtimes = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private IntroducerServer introducer;

    private Devnet(Options options, Path baseDir) {
        this.options = options;
        this.baseDir = baseDir;
    }

    /**
     * Starts the introducer and the nodes; returns once every listener is bound. {@code env} and
     * {@code settings} are the environment and {@code --set}s every node's config is read with.
     */
    static Devnet start(Options options, Map<String, String> env, List<Setting> settings, Clock clock) throws IOException {
        return start(options, env, settings, clock, dir -> {});
    }

    /** As above; {@code beforeStart} is given the base directory once it exists, before anything starts (logging). */
    static Devnet start(Options options, Map<String, String> env, List<Setting> settings, Clock clock,
            Consumer<Path> beforeStart) throws IOException {
        options.baseDir().filter(dir -> Files.exists(dir) && !Files.isDirectory(dir)).ifPresent(dir -> {
            throw CliException.usage("--base-dir: " + dir + " exists and is not a directory");
        });
        checkPortsFree(options);
        Path baseDir = options.baseDir().isPresent() ? Files.createDirectories(options.baseDir().get())
                : Files.createTempDirectory("dig-devnet-");
        beforeStart.accept(baseDir.toAbsolutePath());
        Devnet devnet = new Devnet(options, baseDir.toAbsolutePath());
        try {
            devnet.introducer = startIntroducer(options, baseDir, env);
            String introducerAddress = HOST + ":" + devnet.introducer.listenAddress().getPort();
            for (int i = 1; i <= options.nodes(); i++) {
                devnet.startNode(i, introducerAddress, env, settings, clock);
            }
        } catch (IOException | RuntimeException e) {
            devnet.close();
            throw e;
        }
        NodeLog.info("devnet", "devnet_started", Map.of("nodes", options.nodes(), "base_dir", baseDir.toString(),
                "introducer", devnet.introducerAddress(), "network_id", options.networkId()));
        return devnet;
    }

    List<Member> members() {
        return List.copyOf(members);
    }

    String introducerAddress() {
        return HOST + ":" + introducer.listenAddress().getPort();
    }

    Options options() {
        return options;
    }

    /** Where the homes are: {@code --base-dir}, or the temporary directory made for this run. */
    Path baseDir() {
        return baseDir;
    }

    /** Every port the devnet listens on: the introducer's, then each node's P2P, API and metrics ports. */
    List<Integer> ports() {
        List<Integer> ports = new ArrayList<>();
        ports.add(introducer.listenAddress().getPort());
        for (Member m : members) {
            ports.addAll(List.of(m.p2pPort(), m.apiPort(), m.metricsPort()));
        }
        return ports;
    }

    private void startNode(int index, String introducerAddress, Map<String, String> env, List<Setting> userSettings, Clock clock) {
        String name = "node-" + index;
        Path home = baseDir.resolve(name);
        initHome(home, env);
        int first = PORTS_PER_NODE * index - 2;
        List<Setting> settings = new ArrayList<>(List.of(
                devnet("network.listen_address", HOST + ":" + options.port(first)),
                devnet("api.listen_address", HOST + ":" + options.port(first + 1)),
                devnet("api.metrics_listen_address", HOST + ":" + options.port(first + 2)),
                devnet("network.introducer", introducerAddress),
                devnet("network.network_id", options.networkId()),
                devnet("network.peer_connect_interval_secs", "1"),
                devnet("api.rate_limits.api_requests", "unlimited")));
        settings.addAll(userSettings);
        Path configFile = new NodeHome(home).defaultConfigFile();
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(configFile), env, settings), Optional.of(configFile));
        ConfigLoader.refuseInactive(ctx.config());
        NodeIdentity identity = StorageWiring.identity(ctx);
        NodeRuntime runtime = NodeRuntime.start(ctx, identity, clock);
        runtimes.add(runtime);
        Map<String, Object> facts = runtime.facts();
        Member member = new Member(name, identity.nodeId(), (String) facts.get("peer_id"), (Integer) facts.get("api_port"),
                (Integer) facts.get("p2p_port"), (Integer) facts.get("metrics_port"), ctx.home().dir());
        members.add(member);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("node_id", member.nodeId());
        details.put("peer_id", member.peerId());
        details.put("api", member.apiUrl());
        details.put("p2p", member.p2pAddress());
        details.put("home", home.toString());
        NodeLog.info("devnet", "devnet_node_started", details);
    }

    private static Setting devnet(String key, String value) {
        return new Setting(key, value, "devnet");
    }

    /** {@code dig-node init} on the home: keys, directories, index and a default node.yaml; idempotent. */
    private static void initHome(Path home, Map<String, String> env) {
        StringWriter err = new StringWriter();
        int code = DigNodeCommand.commandLine(env, new PrintWriter(Writer.nullWriter()), new PrintWriter(err, true))
                .execute("--data-dir", home.toString(), "init");
        if (code != ExitCodes.OK) {
            throw new CliException(code, "cannot initialise " + home + ": " + err.toString().strip());
        }
    }

    /** {@code dig-node introducer --listen 127.0.0.1:P --network-id ID --private-addresses} in this JVM. */
    private static IntroducerServer startIntroducer(Options options, Path baseDir, Map<String, String> env) throws IOException {
        Path home = baseDir.resolve("introducer");
        picocli.CommandLine cl = DigNodeCommand.commandLine(env, new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        IntroducerCommand command = (IntroducerCommand) cl.parseArgs("--data-dir", home.toString(), "introducer",
                        "--listen", HOST + ":" + options.port(0), "--network-id", options.networkId(), "--private-addresses")
                .subcommand().commandSpec().userObject();
        return command.start(DigNodeCommand.root(command.spec).context());
    }

    private static void checkPortsFree(Options options) {
        if (options.basePort().isEmpty()) {
            return;
        }
        List<Integer> busy = new ArrayList<>();
        for (int offset = 0; offset <= PORTS_PER_NODE * options.nodes(); offset++) {
            int port = options.port(offset);
            if (!free(port)) {
                busy.add(port);
            }
        }
        if (!busy.isEmpty()) {
            throw CliException.usage("--base-port " + options.basePort().getAsInt() + ": port(s) " + busy
                    + " on " + HOST + " are in use; choose another base port or leave it out to use free ports");
        }
    }

    /** Whether a listener could bind {@code port} on 127.0.0.1 now. */
    static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int i = runtimes.size() - 1; i >= 0; i--) {
            runtimes.get(i).close();
        }
        if (introducer != null) {
            introducer.close();
        }
        NodeLog.info("devnet", "devnet_stopped", Map.of("nodes", runtimes.size()));
    }
}
