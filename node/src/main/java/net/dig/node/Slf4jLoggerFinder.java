package net.dig.node;

import java.text.MessageFormat;
import java.util.Map;
import java.util.ResourceBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Routes {@link System.Logger} (used by modules that log without an SLF4J dependency, e.g.
 * dig-storage) into SLF4J, so every line the node prints is in the seed's JSON format. Registered
 * as a {@code java.lang.System$LoggerFinder} service; the JDK picks it up when the node's jar (or
 * classes) are on the class path.
 *
 * <p>Structured events without SLF4J: {@code LOG.log(INFO, "scrub_pass_finished", Map.of("passes", 3))}
 * (an event identifier and one map) becomes the event with the map's entries as its details; any
 * other call is a message, {@code "event_id: text"} by convention ({@link LogEvents}).
 */
public final class Slf4jLoggerFinder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Bridge(LoggerFactory.getLogger(name));
    }

    private record Bridge(Logger delegate) implements System.Logger {
        @Override
        public String getName() {
            return delegate.getName();
        }

        @Override
        public boolean isLoggable(System.Logger.Level level) {
            return level != System.Logger.Level.OFF && delegate.isEnabledForLevel(map(level));
        }

        @Override
        public void log(System.Logger.Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                delegate.atLevel(map(level)).setMessage(msg).setCause(thrown).log();
            }
        }

        @Override
        public void log(System.Logger.Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                if (params != null && params.length == 1 && params[0] instanceof Map<?, ?> details
                        && LogEvents.ID.matcher(format).matches()) {
                    LoggingEventBuilder b = delegate.atLevel(map(level)).setMessage(format);
                    details.forEach((k, v) -> b.addKeyValue(String.valueOf(k), v));
                    b.log();
                    return;
                }
                String msg = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
                delegate.atLevel(map(level)).setMessage(msg).log();
            }
        }

        private static org.slf4j.event.Level map(System.Logger.Level level) {
            return switch (level) {
                case ALL, TRACE -> org.slf4j.event.Level.TRACE;
                case DEBUG -> org.slf4j.event.Level.DEBUG;
                case INFO -> org.slf4j.event.Level.INFO;
                case WARNING -> org.slf4j.event.Level.WARN;
                case ERROR, OFF -> org.slf4j.event.Level.ERROR;
            };
        }
    }
}
