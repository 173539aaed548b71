package net.dig.node;

import ch.qos.logback.classic.Level;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import net.dig.api.ApiServer;
import net.dig.api.ReloadReport;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the running node's config ({@code SIGHUP}, {@code POST /admin/reload}) and applies what
 * may change at run time: {@code monitoring.log_level} (the root logger's level) and
 * {@code api.rate_limits.*} (the API's token buckets, which keep their tokens), and the operating mode
 * ({@code node.mode}, {@code node.archive.*}, {@code node.selective.*}: offers are decided by the new mode
 * and the holdings it no longer keeps are evicted, {@link ReplicationWiring#applyModes}). Every other key that
 * differs from the config the node started with is reported as needing a restart, on every reload
 * until the node restarts (docs/config.md, "Reloading").
 *
 * <p>A file that does not load (YAML or a value that fails validation) changes nothing: the failure
 * is logged ({@code config_reload_failed}) and thrown as {@link ErrorCode#BAD_CONFIG}. Keys are
 * compared record by record, by component, named as in node.yaml (snake case, dotted).
 *
 * <p>Concurrency: reloads are serialized ({@code synchronized}); the signal thread and an API worker
 * may ask at once.
 */
final class ConfigReload {
    private static final List<String> LIVE = List.of("monitoring.log_level", "api.rate_limits.", "node.mode", "node.archive.",
            "node.selective.");

    /** Records that are one value of one key (written as one scalar in node.yaml), not sections. */
    private static final java.util.Set<Class<?>> VALUES = java.util.Set.of(ByteSize.class, HostPort.class,
            NodeConfig.CacheSize.class, net.dig.api.RateLimit.class);

    private final NodeConfig started;
    private final Supplier<NodeConfig> load;
    private final ApiServer api;
    private final java.util.function.Consumer<NodeConfig> modes;
    /** The node section whose mode was applied last (a reload back to the started mode applies it again). */
    private NodeConfig.NodeSection modesApplied;

    ConfigReload(NodeConfig started, Supplier<NodeConfig> load, ApiServer api) {
        this(started, load, api, next -> { });
    }

    /** {@code modes} applies a reloaded config whose {@code node.mode}, {@code node.archive.*} or {@code node.selective.*} changed. */
    ConfigReload(NodeConfig started, Supplier<NodeConfig> load, ApiServer api, java.util.function.Consumer<NodeConfig> modes) {
        this.started = started;
        this.load = load;
        this.api = api;
        this.modes = modes;
        this.modesApplied = started.node();
    }

    synchronized ReloadReport reload() {
        NodeConfig next;
        try {
            next = load.get();
        } catch (ConfigException | IllegalArgumentException | java.io.UncheckedIOException e) {
            NodeLog.warn("node", "config_reload_failed", Map.of("error", String.valueOf(e.getMessage())));
            throw new ServiceException(ErrorCode.BAD_CONFIG, "the config was not reloaded: " + e.getMessage(), e);
        }
        List<String> changed = new ArrayList<>();
        diff("", started, next, changed);
        List<String> applied = changed.stream().filter(ConfigReload::live).toList();
        List<String> restart = changed.stream().filter(k -> !live(k)).toList();
        NodeConfig.RateLimits limits = next.api().rateLimits();
        api.rateLimits(limits.capsuleRetrieval(), limits.validationChallenge(), limits.apiRequests());
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(next.monitoring().logLevel().toUpperCase(Locale.ROOT), Level.INFO));
        if (!next.node().equals(modesApplied)) {
            modes.accept(next);
            modesApplied = next.node();
        }
        NodeLog.info("node", "config_reloaded", Map.of("applied", applied, "needs_restart", restart));
        return new ReloadReport(applied, restart);
    }

    /** For SIGHUP: a bad file is only logged (there is no one to answer). */
    void reloadLogged() {
        try {
            reload();
        } catch (ServiceException alreadyLogged) {
            // config_reload_failed says why
        }
    }

    private static boolean live(String key) {
        return LIVE.stream().anyMatch(l -> l.endsWith(".") ? key.startsWith(l) : key.equals(l));
    }

    /** Adds the dotted name of every leaf value that differs between {@code a} and {@code b}. */
    static void diff(String prefix, Object a, Object b, List<String> out) {
        if (a instanceof Record ra && b != null && a.getClass() == b.getClass() && !VALUES.contains(a.getClass())) {
            for (RecordComponent c : ra.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    diff(prefix + snake(c.getName()) + ".", c.getAccessor().invoke(a), c.getAccessor().invoke(b), out);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + prefix + c.getName(), e);
                }
            }
        } else if (!java.util.Objects.equals(a, b)) {
            out.add(prefix.substring(0, prefix.length() - 1));
        }
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
