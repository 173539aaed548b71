package net.dig.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.event.KeyValuePair;

/**
 * What a log line is about, the same for every encoder ({@link SeedJsonEncoder}, {@link TextLogEncoder}):
 * its {@code component} and its {@code event}, a stable snake_case identifier ({@link #ID}) that
 * dashboards, alerts and greps can rely on, plus an optional human message.
 *
 * <p>Where the event comes from, first match wins:
 * <ol>
 *   <li>the key-value pair {@code event} (SLF4J fluent API, {@link NodeLog}); the formatted message,
 *       when there is one, is the human message;</li>
 *   <li>a formatted message that is an identifier ({@code setMessage("plot_written")});</li>
 *   <li>a message {@code "identifier: text"}: the form for callers that log through
 *       {@link System.Logger} or SLF4J's plain methods ({@code "scrub_tick_failed: " + e});</li>
 *   <li>a line of a third-party library (logger outside {@code net.dig}): {@code library_log}, its
 *       text as the message;</li>
 *   <li>otherwise the free text itself: a bug in the caller, caught by {@code LogEventIdsTest}.</li>
 * </ol>
 */
final class LogEvents {
    /** The form of every event identifier. */
    static final Pattern ID = Pattern.compile("[a-z0-9_]+");
    static final String LIBRARY_EVENT = "library_log";
    private static final Pattern PREFIXED = Pattern.compile("([a-z0-9_]+): (.*)", Pattern.DOTALL);

    /** An event identifier and the human message that came with it (null when none). */
    record Named(String event, String message) {}

    private LogEvents() {}

    static Named name(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        String given = keyValue(event, "event");
        if (given != null) {
            return new Named(given, message);
        }
        if (message == null) {
            return new Named(LIBRARY_EVENT, null);
        }
        if (ID.matcher(message).matches()) {
            return new Named(message, null);
        }
        Matcher m = PREFIXED.matcher(message);
        if (m.matches()) {
            return new Named(m.group(1), m.group(2));
        }
        if (!event.getLoggerName().startsWith("net.dig.")) {
            return new Named(LIBRARY_EVENT, message);
        }
        return new Named(message, null);
    }

    /** The key-value pair {@code component}, else the module of a {@code net.dig.<module>} logger, else the logger. */
    static String component(ILoggingEvent event) {
        String given = keyValue(event, "component");
        if (given != null) {
            return given;
        }
        String logger = event.getLoggerName();
        if (logger.startsWith("net.dig.")) {
            int end = logger.indexOf('.', "net.dig.".length());
            return end < 0 ? logger.substring("net.dig.".length()) : logger.substring("net.dig.".length(), end);
        }
        return logger;
    }

    /** A detail of the event: every key-value pair but {@code component} and {@code event}. */
    static boolean isDetail(KeyValuePair kv) {
        return !"component".equals(kv.key) && !"event".equals(kv.key);
    }

    private static String keyValue(ILoggingEvent event, String key) {
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                if (key.equals(kv.key) && kv.value != null) {
                    return kv.value.toString();
                }
            }
        }
        return null;
    }
}
