package net.dig.node;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;

/**
 * A running node: the services {@code dig-node start} brings up, in order, and takes down in reverse.
 *
 * <p>Services, each an {@link AutoCloseable} pushed onto a stack as soon as it has started:
 * <ol>
 *   <li>storage: the {@code StorageEngine} over the configured plot directories and index;</li>
 *   <li>HTTP API ({@code net.dig.api.ApiServer}) on {@code api.listen_address} - seam: started here
 *       once dig-api publishes it;</li>
 *   <li>gossip ({@code net.dig.net.GossipService}) on {@code network.listen_address} - seam: started
 *       here once dig-net publishes it.</li>
 * </ol>
 *
 * <p>Failure modes: if a service fails to start, the ones already started are closed (reverse
 * order) and the error propagates, so a half-started node never keeps running. {@link #close} is
 * idempotent and safe from a signal handler thread and a shutdown hook at once: the first caller
 * closes, logging each failure, then logs {@code node_stopped}.
 *
 * <p>Concurrency: built and started on the main thread; {@link #close} may run on any thread.
 */
final class NodeRuntime implements AutoCloseable {
    private final Deque<Named> started = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Clock clock;
    private final long startedNanos;
    private final Map<String, Object> facts = new LinkedHashMap<>();

    private record Named(String name, AutoCloseable service) {}

    private NodeRuntime(Clock clock) {
        this.clock = clock;
        this.startedNanos = clock.nanos();
    }

    static NodeRuntime start(DigNodeCommand.NodeContext ctx, NodeIdentity identity, Clock clock) {
        NodeRuntime runtime = new NodeRuntime(clock);
        NodeConfig config = ctx.config();
        try {
            runtime.facts.put("version", DigNodeCommand.VERSION);
            runtime.facts.put("data_dir", ctx.home().dir().toString());
            runtime.facts.put("config", ctx.configSource().map(Object::toString).orElse("built-in defaults"));
            runtime.facts.put("mode", config.node().mode());
            runtime.facts.put("plots_dirs", ctx.home().plotDirs(config).stream().map(Object::toString).toList());
            runtime.facts.put("network_id", config.network().networkId());
            StorageWiring.startServices(runtime, ctx, identity, clock);
            // HTTP API seam: when net.dig.api.ApiServer is on main, start it here on
            // config.api().listen_address() over the storage engine and register it with add().
            // Gossip seam: when net.dig.net.GossipService is on main, start it here on
            // config.network() (listen_address, bootstrap_nodes, max_peers, network_id) and add() it.
        } catch (RuntimeException e) {
            runtime.closeServices();
            throw e;
        }
        NodeLog.info("node", "node_started", runtime.facts);
        return runtime;
    }

    /** Registers a started service, to be closed before everything registered earlier. */
    void add(String name, AutoCloseable service) {
        started.push(new Named(name, service));
    }

    /** A fact reported in the {@code node_started} event (e.g. the API's bound address). */
    void fact(String key, Object value) {
        facts.put(key, value);
    }

    Map<String, Object> facts() {
        return Map.copyOf(facts);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeServices();
        NodeLog.info("node", "node_stopped", Map.of("uptime_ms", (clock.nanos() - startedNanos) / 1_000_000));
    }

    private void closeServices() {
        while (!started.isEmpty()) {
            Named s = started.pop();
            try {
                s.service().close();
            } catch (Exception e) {
                NodeLog.error("node", "service_close_failed", Map.of("service", s.name()), e);
            }
        }
    }
}
