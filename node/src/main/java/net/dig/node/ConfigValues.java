package net.dig.node;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import net.dig.api.RateLimit;
import net.dig.net.GossipConfig;
import net.dig.storage.Compression;
import net.dig.storage.StorageClass;

/**
 * The parsers of the config's scalar values, each turning the text of one key into its type once,
 * at load time: {@code host:port} ({@link HostPort}), sizes ({@link ByteSize}), the seed's
 * {@code cache_size} ({@link NodeConfig.CacheSize}), rates ({@link RateLimit}), the operating mode,
 * the codec ({@link Compression}), the introducer and whole seconds ({@link Duration}).
 *
 * <p>Failure: a parser throws {@link ConfigException} with an empty key; Jackson wraps it with the path
 * of the value, and {@link ConfigLoader} turns the two into {@code network.listen_address: must be
 * host:port, got "nowhere"}.
 */
final class ConfigValues {
    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(second|minute|hour|day)");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)\\s*%");

    private ConfigValues() {}

    /** The Jackson module that binds these types. */
    static SimpleModule module() {
        SimpleModule m = new SimpleModule("dig-node-config");
        m.addDeserializer(HostPort.class, text(HostPort::parse));
        m.addDeserializer(ByteSize.class, sizeOrBytes(ByteSize::parse, ByteSize::ofBytes));
        m.addDeserializer(NodeConfig.CacheSize.class, sizeOrBytes(ConfigValues::cacheSize,
                bytes -> new NodeConfig.CacheSize(null, ByteSize.ofBytes(bytes))));
        m.addDeserializer(RateLimit.class, text(ConfigValues::rate));
        m.addDeserializer(NodeConfig.Mode.class, text(ConfigValues::mode));
        m.addDeserializer(Compression.class, text(ConfigValues::compression));
        m.addDeserializer(StorageClass.class, text(ConfigValues::storageClass));
        m.addDeserializer(GossipConfig.IntroducerConfig.class, text(ConfigValues::introducer));
        return m;
    }

    /** {@code "N/second|minute|hour|day"} with N >= 1, or {@code "unlimited"}. */
    static RateLimit rate(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("unlimited")) {
            return RateLimit.unlimited();
        }
        var m = RATE.matcher(v);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
            throw new ConfigException("", "must be \"N/second\", \"N/minute\", \"N/hour\" or \"N/day\" with N >= 1, or \"unlimited\"; got \"" + value + "\"");
        }
        Duration window = switch (m.group(2)) {
            case "second" -> Duration.ofSeconds(1);
            case "minute" -> Duration.ofMinutes(1);
            case "hour" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return new RateLimit(Integer.parseInt(m.group(1)), window);
    }

    /** {@code "10%"} of the heap (at most 90) or a {@link ByteSize}. */
    static NodeConfig.CacheSize cacheSize(String value) {
        var m = PERCENT.matcher(value.strip());
        if (m.matches()) {
            double percent = Double.parseDouble(m.group(1));
            if (percent > NodeConfig.CacheSize.MAX_PERCENT) {
                throw new ConfigException("", "must be at most " + (int) NodeConfig.CacheSize.MAX_PERCENT + "% of the heap, got \"" + value + "\"");
            }
            return new NodeConfig.CacheSize(percent, null);
        }
        if (value.contains("%")) {
            throw new ConfigException("", "must be a percentage like \"10%\" or a size like \"512MiB\", got \"" + value + "\"");
        }
        return new NodeConfig.CacheSize(null, ByteSize.parse(value));
    }

    static NodeConfig.Mode mode(String value) {
        for (NodeConfig.Mode mode : NodeConfig.Mode.values()) {
            if (mode.label().equals(value)) {
                return mode;
            }
        }
        throw new ConfigException("", "must be one of archive, cache, selective, got \"" + value + "\"");
    }

    static Compression compression(String value) {
        for (Compression c : new Compression[] {Compression.ZSTD, Compression.NONE}) {
            if (c.label().equals(value)) {
                return c;
            }
        }
        throw new ConfigException("", "must be one of zstd, none, got \"" + value + "\"");
    }

    static StorageClass storageClass(String value) {
        for (StorageClass c : StorageClass.values()) {
            if (c.label().equals(value)) {
                return c;
            }
        }
        throw new ConfigException("", "must be one of nvme, ssd, hdd, got \"" + value + "\"");
    }

    static GossipConfig.IntroducerConfig introducer(String value) {
        try {
            GossipConfig.IntroducerConfig introducer = GossipConfig.IntroducerConfig.of(value);
            introducer.address();
            return introducer;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("", "must be host:port or wss://host:port, got \"" + value + "\"");
        }
    }

    /** A key counted in whole seconds ({@code _secs}), bound as a {@link Duration}. */
    static final class Seconds extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new ConfigException("", "expected an integer, got " + describe(p));
            }
            return Duration.ofSeconds(p.getLongValue());
        }
    }

    private static <T> JsonDeserializer<T> text(Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw new ConfigException("", "expected a string, got " + describe(p));
                }
                String value = p.getText();
                if (value.isBlank()) {
                    throw new ConfigException("", "must not be empty");
                }
                return parse.apply(value);
            }
        };
    }

    /** A size as text ({@code "64KiB"}) or, as YAML may give it, a plain integer of bytes. */
    private static <T> JsonDeserializer<T> sizeOrBytes(Function<String, T> parse, java.util.function.LongFunction<T> ofBytes) {
        JsonDeserializer<T> fromText = text(parse);
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                    long bytes = p.getLongValue();
                    if (bytes < 0) {
                        throw new ConfigException("", "must be a size >= 0, got " + bytes);
                    }
                    return ofBytes.apply(bytes);
                }
                return fromText.deserialize(p, ctxt);
            }
        };
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            return "a mapping";
        }
        if (t == JsonToken.START_ARRAY) {
            return "a list";
        }
        return t == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : p.getText();
    }
}
