package net.dig.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder for the DIG Node seed's log format, one JSON object per line, fields in the seed's
 * order:
 * <pre>
 * {"timestamp":"2024-01-01T00:00:00.000Z","level":"INFO","node_id":"dig1…","component":"storage",
 *  "event":"capsule_stored","details":{"datastore_id":"0x…","capsule_index":42}}
 * </pre>
 * <ul>
 *   <li>{@code timestamp}: the event time, ISO-8601 UTC with milliseconds and {@code Z}.</li>
 *   <li>{@code node_id}: the logger context property {@code node_id} ({@link LogSetup#nodeId}); null
 *       before the node key is loaded.</li>
 *   <li>{@code component}, {@code event}: as {@link LogEvents} names them; the event is a stable
 *       snake_case identifier, a human message that came with it goes to {@code details.message}.</li>
 *   <li>{@code details}: every other SLF4J key-value pair (fluent API {@code addKeyValue}) in order,
 *       plus {@code error} and {@code stack} when a throwable is attached.</li>
 * </ul>
 * Other modules need no dependency on this one: SLF4J's fluent API is the structured-logging API
 * ({@code log.atInfo().setMessage("plot_written").addKeyValue("plot_id", id).log()}).
 * Values are written as JSON when they are strings, numbers, booleans, maps or collections, and as
 * their {@code toString()} otherwise ({@code Bytes32} prints its 0x-hex).
 */
public final class SeedJsonEncoder extends LineEncoder {
    static final String NODE_ID_PROPERTY = "node_id";
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_STACK_FRAMES = 20;

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", TIMESTAMP.format(Instant.ofEpochMilli(event.getTimeStamp())));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("node_id", getContext() == null ? null : getContext().getProperty(NODE_ID_PROPERTY));
            g.writeStringField("component", LogEvents.component(event));
            LogEvents.Named named = LogEvents.name(event);
            g.writeStringField("event", named.event());
            g.writeObjectFieldStart("details");
            if (named.message() != null) {
                g.writeStringField("message", named.message());
            }
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    if (LogEvents.isDetail(kv)) {
                        g.writeFieldName(kv.key);
                        writeValue(g, kv.value);
                    }
                }
            }
            IThrowableProxy t = event.getThrowableProxy();
            if (t != null) {
                g.writeStringField("error", t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
                g.writeArrayFieldStart("stack");
                StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
                for (int i = 0; i < Math.min(frames.length, MAX_STACK_FRAMES); i++) {
                    g.writeString(frames[i].getSTEAsString());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    static void writeValue(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case Double d -> writeDouble(g, d);
            case Float f -> writeDouble(g, f);
            case Number n -> g.writeNumber(n.toString());
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (var e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object o : c) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            default -> g.writeString(value.toString());
        }
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.toString(d));
        }
    }
}
