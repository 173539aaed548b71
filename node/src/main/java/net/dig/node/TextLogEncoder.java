package net.dig.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder for people at a terminal ({@code --log-format text}): one line per event with the
 * same facts as {@link SeedJsonEncoder}, in reading order:
 * <pre>
 * 19:40:02.113 INFO  storage  datastore_added  datastore_id=0x1f… size_bytes=4096 "human message"
 * 19:40:02.200 WARN  net      announce_failed  error="java.io.IOException: closed"
 * </pre>
 * The time is UTC to the millisecond; values containing spaces, quotes or {@code =} are quoted;
 * a throwable adds {@code error=...} (its first line), not the stack (JSON keeps the stack).
 */
final class TextLogEncoder extends LineEncoder {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(160);
        LogEvents.Named named = LogEvents.name(event);
        b.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ')
                .append(String.format("%-5s", event.getLevel())).append(' ')
                .append(LogEvents.component(event)).append("  ").append(named.event());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                if (LogEvents.isDetail(kv)) {
                    b.append(' ').append(kv.key).append('=').append(value(kv.value));
                }
            }
        }
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            b.append(" error=").append(value(t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage())));
        }
        if (named.message() != null && !named.message().equals(named.event())) {
            b.append("  ").append(quote(named.message()));
        }
        return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String value(Object v) {
        String s = String.valueOf(v);
        return s.isEmpty() || s.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20) ? quote(s) : s;
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
