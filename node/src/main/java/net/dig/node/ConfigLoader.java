package net.dig.node;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Builds a {@link NodeConfig} from four layers, each overriding the one before:
 * <ol>
 *   <li>the built-in defaults, {@code default-node.yaml} (the same text {@code dig-node init} writes);</li>
 *   <li>the YAML file ({@code --config FILE}, else {@code <data-dir>/node.yaml} when it exists);</li>
 *   <li>environment variables {@code DIG_NODE_<SECTION>_<KEY>}: the rest of the name after the prefix,
 *       lower-cased, is {@code <section>_<key>} where the section is the first word
 *       ({@code DIG_NODE_STORAGE_MAX_PLOTS} → {@code storage.max_plots}). Variables whose first word is
 *       not a section ({@code DIG_NODE_HOME}, {@code DIG_NODE_JAVA_OPTS}) are not configuration;</li>
 *   <li>command-line settings ({@code --set section.key=value} and the named flags).</li>
 * </ol>
 *
 * <p>The layers are merged as YAML trees whose shape is fixed by the defaults: a key the defaults do
 * not have is rejected, naming its path. Environment and flag values are strings, typed by the
 * default they replace (number, boolean, list split on commas, else string). The merged tree is then
 * bound strictly (no float-to-int truncation, no string-to-number coercion, no duplicate keys) into
 * the records, each value parsed into its type on the way ({@link ConfigValues}), whose constructors
 * check ranges. Every failure is a {@link ConfigException} whose message starts with the key path.
 *
 * <p>Keys that are validated but drive nothing yet are listed here ({@link #refuseInactive}); {@code start}
 * refuses a config that moves one of them off its default.
 */
final class ConfigLoader {
    static final String ENV_PREFIX = "DIG_NODE_";
    static final String DEFAULTS_RESOURCE = "default-node.yaml";

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
    private static final ObjectMapper MAPPER = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .addModule(ConfigValues.module())
            .build();

    /** One command-line setting: a dotted key path and its value as typed. */
    record Setting(String path, String value, String origin) {
        static Setting parse(String assignment) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + assignment, "must be section.key=value, e.g. network.max_peers=50");
            }
            return new Setting(assignment.substring(0, eq).trim(), assignment.substring(eq + 1), "--set");
        }
    }

    /**
     * Keys that are validated and documented but drive nothing in this version, with how to read
     * each from a config. {@code start} refuses a config that gives one of them another value than
     * its default ({@link #refuseInactive}), so nobody believes a setting works that does not.
     */
    private static final Map<String, Function<NodeConfig, Object>> INACTIVE = inactiveKeys();

    private static Map<String, Function<NodeConfig, Object>> inactiveKeys() {
        Map<String, Function<NodeConfig, Object>> keys = new LinkedHashMap<>();
        keys.put("storage.max_plots", c -> c.storage().maxPlots());
        keys.put("network.gun_p2p_peers", c -> c.network().gunP2pPeers());
        keys.put("validation.stake_amount", c -> c.validation().stakeAmount());
        keys.put("validation.min_uptime", c -> c.validation().minUptime());
        keys.put("economic.tier_preference", c -> c.economic().tierPreference());
        keys.put("economic.min_reward", c -> c.economic().minReward());
        keys.put("economic.accept_bribes", c -> c.economic().acceptBribes());
        return Collections.unmodifiableMap(keys);
    }

    private ConfigLoader() {}

    /** The keys that are not active yet, in the order of {@code default-node.yaml}. */
    static List<String> inactiveKeyNames() {
        return List.copyOf(INACTIVE.keySet());
    }

    /**
     * Refuses a config that sets a key which is not active yet to anything but its default; the
     * default itself (what {@code init} writes) is accepted, so existing files keep starting.
     *
     * @throws ConfigException naming the first such key, its default and that it is not active yet
     */
    static void refuseInactive(NodeConfig config) {
        NodeConfig defaults = defaults();
        JsonNode defaultTree = readYaml(defaultYaml(), DEFAULTS_RESOURCE);
        for (var entry : INACTIVE.entrySet()) {
            if (!Objects.equals(entry.getValue().apply(config), entry.getValue().apply(defaults))) {
                String key = entry.getKey();
                String fallback = defaultTree.at("/" + key.replace('.', '/')).toString();
                throw new ConfigException(key, "is not active yet (nothing in this version reads it); remove it or set it"
                        + " to its default " + fallback);
            }
        }
    }

    /** The built-in defaults as YAML text, with comments; what {@code dig-node init} writes. */
    static String defaultYaml() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULTS_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NodeConfig defaults() {
        return load(Optional.empty(), Map.of(), List.of());
    }

    /**
     * @param file a YAML file to read; it must exist when given
     * @param env the process environment (only {@code DIG_NODE_<SECTION>_*} entries are read)
     * @param settings command-line settings, applied last in order
     */
    static NodeConfig load(Optional<Path> file, Map<String, String> env, List<Setting> settings) {
        ObjectNode defaults = (ObjectNode) readYaml(defaultYaml(), DEFAULTS_RESOURCE);
        ObjectNode tree = defaults.deepCopy();
        if (file.isPresent()) {
            mergeFile(tree, readFile(file.get()), file.get().toString());
        }
        new TreeMap<>(env).forEach((name, value) -> applyEnv(tree, name, value));
        for (Setting s : settings) {
            apply(tree, s.path(), s.value(), "from " + s.origin());
        }
        return bind(tree);
    }

    private static JsonNode readFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "config file does not exist");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read config file: " + e.getMessage());
        }
        return readYaml(text, file.toString());
    }

    private static JsonNode readYaml(String text, String source) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ConfigException(source, "invalid YAML" + where + ": " + e.getOriginalMessage());
        }
    }

    private static void mergeFile(ObjectNode tree, JsonNode file, String source) {
        if (file.isNull()) {
            return;
        }
        if (!file.isObject()) {
            throw new ConfigException(source, "the top level must be a mapping of sections (node, storage, ...), got " + describe(file));
        }
        for (var section : file.properties()) {
            String name = section.getKey();
            JsonNode known = tree.get(name);
            if (known == null) {
                throw new ConfigException(name, "unknown section; known sections: " + fieldNames(tree));
            }
            JsonNode values = section.getValue();
            if (values.isNull()) {
                continue;
            }
            if (!values.isObject()) {
                throw new ConfigException(name, "must be a mapping of keys, got " + describe(values));
            }
            mergeKeys((ObjectNode) known, values, name);
        }
    }

    /** Sets each key of {@code values} in {@code known}; a mapping the defaults have is merged key by key. */
    private static void mergeKeys(ObjectNode known, JsonNode values, String path) {
        for (var entry : values.properties()) {
            String keyPath = path + "." + entry.getKey();
            JsonNode current = known.get(entry.getKey());
            if (current == null) {
                throw new ConfigException(keyPath, "unknown key; known keys of " + path + ": " + fieldNames(known));
            }
            JsonNode value = entry.getValue();
            if (current.isObject()) {
                if (!value.isObject()) {
                    throw new ConfigException(keyPath, "must be a mapping of keys (" + fieldNames(current) + "), got " + describe(value));
                }
                mergeKeys((ObjectNode) current, value, keyPath);
            } else {
                known.set(entry.getKey(), value);
            }
        }
    }

    private static void applyEnv(ObjectNode tree, String name, String value) {
        if (!name.startsWith(ENV_PREFIX)) {
            return;
        }
        String rest = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        int underscore = rest.indexOf('_');
        if (underscore <= 0 || !tree.has(rest.substring(0, underscore))) {
            return; // not configuration, e.g. DIG_NODE_HOME
        }
        String section = rest.substring(0, underscore);
        apply(tree, section + "." + nested(tree.get(section), rest.substring(underscore + 1)), value,
                "from environment variable " + name);
    }

    /**
     * An environment key below a section, with dots where it enters a nested mapping:
     * {@code rate_limits_capsule_retrieval} → {@code rate_limits.capsule_retrieval}.
     */
    private static String nested(JsonNode section, String key) {
        if (section.has(key)) {
            return key;
        }
        for (var field : section.properties()) {
            if (field.getValue().isObject() && key.startsWith(field.getKey() + "_")) {
                return field.getKey() + "." + nested(field.getValue(), key.substring(field.getKey().length() + 1));
            }
        }
        return key;
    }

    private static void apply(ObjectNode tree, String path, String raw, String origin) {
        int dot = path.indexOf('.');
        String sectionName = dot < 0 ? path : path.substring(0, dot);
        JsonNode section = tree.get(sectionName);
        if (dot < 0 || section == null) {
            throw new ConfigException(path, "unknown key (" + origin + "); keys are section.key with sections " + fieldNames(tree));
        }
        String parentPath = sectionName;
        String key = path.substring(dot + 1);
        for (int next = key.indexOf('.'); next > 0; next = key.indexOf('.')) {
            JsonNode child = section.get(key.substring(0, next));
            if (child == null || !child.isObject()) {
                break;
            }
            parentPath = parentPath + "." + key.substring(0, next);
            section = child;
            key = key.substring(next + 1);
        }
        JsonNode current = section.get(key);
        if (current == null) {
            throw new ConfigException(path, "unknown key (" + origin + "); known keys of " + parentPath + ": " + fieldNames(section));
        }
        if (current.isObject()) {
            throw new ConfigException(path, "is a mapping; set its keys (" + origin + "): " + parentPath + "." + key + ".<"
                    + fieldNames(current).replace(", ", "|") + ">");
        }
        ((ObjectNode) section).set(key, typed(raw, current, key.equals("plots_dir")));
    }

    /**
     * A string from the environment or the command line, typed like the value it replaces; a key
     * that may be a list ({@code plots_dir}, a string by default) becomes one when it has commas.
     */
    private static JsonNode typed(String raw, JsonNode like, boolean mayBeList) {
        String v = raw.trim();
        if (like.isArray() || (mayBeList && v.contains(","))) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            if (!v.isEmpty()) {
                JsonNode element = like.isArray() && !like.isEmpty() ? like.get(0) : TextNode.valueOf("");
                for (String part : v.split(",", -1)) {
                    array.add(typed(part, element, false));
                }
            }
            return array;
        }
        if (like.isNull() && (v.equals("null") || v.equals("~"))) {
            return NullNode.instance;
        }
        if (like.isIntegralNumber() && INTEGER.matcher(v).matches()) {
            return LongNode.valueOf(Long.parseLong(v.startsWith("+") ? v.substring(1) : v));
        }
        if (like.isNumber()) {
            try {
                return INTEGER.matcher(v).matches() ? LongNode.valueOf(Long.parseLong(v)) : DoubleNode.valueOf(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                return TextNode.valueOf(raw);
            }
        }
        if (like.isBoolean() && (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"))) {
            return BooleanNode.valueOf(Boolean.parseBoolean(v.toLowerCase(Locale.ROOT)));
        }
        return TextNode.valueOf(raw);
    }

    private static NodeConfig bind(ObjectNode tree) {
        try {
            return MAPPER.treeToValue(tree, NodeConfig.class);
        } catch (ValueInstantiationException e) {
            String path = pathOf(e);
            if (e.getCause() instanceof ConfigException ce) {
                throw ce.under(path);
            }
            throw new ConfigException(path, String.valueOf(e.getCause() == null ? e.getOriginalMessage() : e.getCause().getMessage()));
        } catch (MismatchedInputException e) {
            String path = pathOf(e);
            JsonNode value = tree.at(pointerOf(e));
            throw new ConfigException(path, "expected " + expected(e.getTargetType()) + ", got " + describe(value));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof ConfigException ce) {
                throw ce.under(pathOf(e)); // a value parser (ConfigValues) refused the value at this path
            }
            throw new ConfigException(pathOf(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException("config", e.getOriginalMessage());
        }
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String pointerOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            sb.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        return sb.toString();
    }

    private static String expected(Type type) {
        if (type == null) {
            return "another type";
        }
        String name = type.getTypeName();
        return switch (name) {
            case "int", "long", "java.lang.Integer", "java.lang.Long" -> "an integer";
            case "double", "java.lang.Double" -> "a number";
            case "boolean", "java.lang.Boolean" -> "true or false";
            case "java.lang.String" -> "a string";
            default -> name.startsWith("java.util.List") ? "a list" : "a value of type " + name;
        };
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isNull()) {
            return "null";
        }
        if (value.isTextual()) {
            return "\"" + value.asText() + "\"";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.toString();
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }
}
