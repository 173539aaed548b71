package net.dig.node;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The node's structured events in the seed's log format: {@code NodeLog.info("node", "node_started",
 * Map.of("api", "0.0.0.0:8555"))}. A thin shape over SLF4J's fluent API (which other modules use
 * directly); {@link SeedJsonEncoder} renders it. Detail maps keep their iteration order.
 */
final class NodeLog {
    private NodeLog() {}

    static void info(String component, String event, Map<String, ?> details) {
        log(Level.INFO, component, event, details, null);
    }

    static void warn(String component, String event, Map<String, ?> details) {
        log(Level.WARN, component, event, details, null);
    }

    static void error(String component, String event, Map<String, ?> details, Throwable cause) {
        log(Level.ERROR, component, event, details, cause);
    }

    static void log(Level level, String component, String event, Map<String, ?> details, Throwable cause) {
        Logger logger = LoggerFactory.getLogger("net.dig." + component);
        LoggingEventBuilder b = logger.atLevel(level).setMessage(event).addKeyValue("component", component);
        details.forEach(b::addKeyValue);
        if (cause != null) {
            b = b.setCause(cause);
        }
        b.log();
    }
}
