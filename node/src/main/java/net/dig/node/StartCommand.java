package net.dig.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.dig.core.AtomicFiles;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node start}: runs the node until SIGTERM or SIGINT.
 *
 * <p>Lifecycle: validate config → take the data directory's lock ({@link HomeLock}; another node on
 * it is refused, exit 3) → check that no configured port is taken ({@link Listeners}, exit 5) → JSON
 * logs on stdout → load (or create) the node key → start the
 * services ({@link NodeRuntime}) → log {@code node_started} → write the {@code --ready-file} (tests
 * and supervisors wait for it, or for the log line, instead of sleeping) → wait for a signal →
 * close the services in reverse order → log {@code node_stopped} → delete the ready file → release the
 * lock → exit 0. A start that fails leaves the data directory as it found it ({@link HomeSnapshot}).
 *
 * <p>Signals: SIGTERM and SIGINT are caught (they would otherwise end the JVM with 143/130) and
 * only release the main thread, which does the orderly stop and exits 0. A shutdown hook also
 * closes the runtime (idempotently) when the JVM ends for any other reason.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start the node (storage, HTTP API) and run until SIGTERM or Ctrl-C.")
final class StartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Write this file (JSON: node_id, pid, facts) once the node is up; deleted at stop.")
    Path readyFile;

    @Option(names = "--network-id", paramLabel = "ID",
            description = "Network name of the P2P handshake, e.g. mainnet or testnet11 (network.network_id).")
    String networkId;

    @Option(names = "--introducer", paramLabel = "HOST:PORT",
            description = "Introducer to register with and discover peers from (network.introducer).")
    String introducer;

    /** Home and validated config, with this command's {@code --network-id}. */
    DigNodeCommand.NodeContext context() {
        java.util.List<ConfigLoader.Setting> flags = new java.util.ArrayList<>();
        if (networkId != null) {
            flags.add(new ConfigLoader.Setting("network.network_id", networkId, "--network-id"));
        }
        if (introducer != null) {
            flags.add(new ConfigLoader.Setting("network.introducer", introducer, "--introducer"));
        }
        return DigNodeCommand.root(spec).context(flags);
    }

    @Override
    public Integer call() throws Exception {
        DigNodeCommand.NodeContext ctx = context();
        NodeConfig config = ctx.config();
        ConfigLoader.refuseInactive(config);
        List<Listeners.Listener> listeners = Listeners.of(config);

        HomeSnapshot before = HomeSnapshot.take(ctx.home());
        boolean homeExisted = Files.exists(ctx.home().dir());
        Files.createDirectories(ctx.home().dir());
        HomeLock lock;
        try {
            lock = HomeLock.acquire(ctx.home(), Clock.system().instant());
        } catch (RuntimeException e) {
            if (!homeExisted) {
                before.undo();
            }
            throw e;
        }
        try {
            return run(ctx, listeners, before);
        } finally {
            lock.close();
        }
    }

    /**
     * A JVM property for process tests only (no node.yaml key; unset, the machine's clock): milliseconds added to the
     * node's wall clock, so that a test moves a child node's time with the injected clock of its in-process nodes
     * (provider records expiring, say) without waiting. The monotonic reading stays the machine's.
     */
    static final String CLOCK_OFFSET = "dig.test.clock_offset_millis";

    private static Clock clock() {
        String offset = System.getProperty(CLOCK_OFFSET);
        if (offset == null) {
            return Clock.system();
        }
        long shift = Long.parseLong(offset);
        return new Clock() {
            @Override
            public long millis() {
                return Clock.system().millis() + shift;
            }

            @Override
            public long nanos() {
                return Clock.system().nanos();
            }
        };
    }

    /**
     * Runs the node, holding the home's lock, until a signal. A failure to start undoes what the start
     * created in the home and is thrown; once the node is up nothing is undone.
     */
    private int run(DigNodeCommand.NodeContext ctx, List<Listeners.Listener> listeners, HomeSnapshot before) throws Exception {
        NodeConfig config = ctx.config();
        CountDownLatch stop = new CountDownLatch(1);
        NodeIdentity identity;
        NodeRuntime runtime;
        try {
            Listeners.refuseTaken(listeners);
            LogSetup.toConsole(LogSetup.Console.STDOUT, config.monitoring().logLevel(), ctx.home().logFile(config));
            identity = StorageWiring.identity(ctx);
            LogSetup.nodeId(identity.nodeId());
            SignalTrap.onTermination(stop::countDown);
            runtime = NodeRuntime.start(ctx, identity, clock());
            runtime.reloadWith(() -> context().config());
            SignalTrap.onHangup(runtime::reload);
        } catch (Exception e) {
            NodeLog.error("node", "node_start_failed", Map.of("error", String.valueOf(e.getMessage())), null);
            before.undo();
            throw Listeners.explain(e, listeners).map(Exception.class::cast).orElse(e);
        }
        Thread hook = new Thread(runtime::close, "dig-node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (readyFile != null) {
            Map<String, Object> ready = new java.util.LinkedHashMap<>();
            ready.put("node_id", identity.nodeId());
            ready.put("pid", ProcessHandle.current().pid());
            ready.putAll(runtime.facts());
            AtomicFiles.write(readyFile, (new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ready) + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), AtomicFiles.Publish.REPLACE);
        }
        stop.await();
        runtime.close();
        deleteReadyFile();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; close() is idempotent
        }
        return ExitCodes.OK;
    }

    private void deleteReadyFile() {
        if (readyFile != null) {
            try {
                Files.deleteIfExists(readyFile);
            } catch (IOException e) {
                NodeLog.warn("node", "ready_file_not_deleted", Map.of("path", readyFile.toString(), "error", e.toString()));
            }
        }
    }
}
