package net.dig.node;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The node's configuration: the DIG Node seed's {@code node.yaml}, section for section, plus the
 * additions documented in {@code default-node.yaml} ({@code storage.index}, {@code network.network_id},
 * the {@code api} section).
 *
 * <p>Every record validates itself in its compact constructor and throws {@link ConfigException}
 * naming the key relative to its section; {@link ConfigLoader} adds the section, so operators read
 * {@code storage.max_plots: must be >= 1, got -3}. Paths stay as written (relative ones are resolved
 * against the data directory by {@link NodeHome}), so the records describe the file, not the machine.
 */
record NodeConfig(
        NodeSection node,
        StorageSection storage,
        NetworkSection network,
        ValidationSection validation,
        EconomicSection economic,
        MonitoringSection monitoring,
        ApiSection api) {

    NodeConfig {
        require(node, "node");
        require(storage, "storage");
        require(network, "network");
        require(validation, "validation");
        require(economic, "economic");
        require(monitoring, "monitoring");
        require(api, "api");
    }

    enum Mode { ARCHIVE, CACHE, SELECTIVE }

    /** {@code node:} - identity and operating mode. */
    record NodeSection(String id, String mode) {
        private static final Pattern NODE_ID = Pattern.compile("dig1[0-9a-f]{16}");

        NodeSection {
            if (id != null && !NODE_ID.matcher(id).matches()) {
                throw new ConfigException("id", "must be \"dig1\" followed by 16 lower-case hex digits, got \"" + id + "\"");
            }
            oneOf("mode", mode, "archive", "cache", "selective");
        }

        Optional<String> expectedId() {
            return Optional.ofNullable(id);
        }

        Mode operatingMode() {
            return Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        }
    }

    /** {@code storage:} - where plots, cache and index live. */
    record StorageSection(List<String> plotsDir, String cacheDir, int maxPlots, String compression, String index) {
        StorageSection {
            require(plotsDir, "plots_dir");
            if (plotsDir.isEmpty()) {
                throw new ConfigException("plots_dir", "needs at least one directory");
            }
            for (int i = 0; i < plotsDir.size(); i++) {
                if (plotsDir.get(i) == null || plotsDir.get(i).isBlank()) {
                    throw new ConfigException("plots_dir[" + i + "]", "must be a directory path, got an empty value");
                }
            }
            plotsDir = List.copyOf(plotsDir);
            nonBlank("cache_dir", cacheDir);
            atLeast("max_plots", maxPlots, 1);
            oneOf("compression", compression, "zstd", "none");
            nonBlank("index", index);
            if (!java.nio.file.Path.of(index).getFileName().toString().equals("index.sqlite")) {
                throw new ConfigException("index", "the file must be named index.sqlite (only its directory can be chosen), got \"" + index + "\"");
            }
        }
    }

    /** {@code network:} - the P2P side (dig-gossip). */
    record NetworkSection(String listenAddress, List<String> bootstrapNodes, int maxPeers, List<String> gunP2pPeers,
                          String networkId, String introducer, int peerConnectIntervalSecs, List<String> dnsSeeds,
                          int socketSendBufferBytes, int socketReceiveBufferBytes) {
        NetworkSection {
            socketBuffer("socket_send_buffer_bytes", socketSendBufferBytes);
            socketBuffer("socket_receive_buffer_bytes", socketReceiveBufferBytes);
            require(dnsSeeds, "dns_seeds");
            for (int i = 0; i < dnsSeeds.size(); i++) {
                String seed = dnsSeeds.get(i);
                if (seed == null || seed.isBlank() || seed.chars().anyMatch(Character::isWhitespace)
                        || (seed.contains(":") && !seed.matches(".*:[0-9]{1,5}"))) {
                    throw new ConfigException("dns_seeds[" + i + "]", "must be host or host:port, got \"" + seed + "\"");
                }
            }
            dnsSeeds = List.copyOf(dnsSeeds);
            atLeast("peer_connect_interval_secs", peerConnectIntervalSecs, 1);
            if (introducer != null) {
                try {
                    net.dig.net.GossipConfig.IntroducerConfig.of(introducer).address();
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("introducer", "must be host:port or wss://host:port, got \"" + introducer + "\"");
                }
            }
            hostPort("listen_address", listenAddress);
            require(bootstrapNodes, "bootstrap_nodes");
            for (int i = 0; i < bootstrapNodes.size(); i++) {
                hostPort("bootstrap_nodes[" + i + "]", bootstrapNodes.get(i));
            }
            bootstrapNodes = List.copyOf(bootstrapNodes);
            atLeast("max_peers", maxPeers, 1);
            require(gunP2pPeers, "gun_p2p_peers");
            gunP2pPeers = List.copyOf(gunP2pPeers);
            nonBlank("network_id", networkId);
            try {
                net.dig.net.GossipConfig.checkNetworkId(networkId);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("network_id", e.getMessage().replaceFirst("^network_id ", "")
                        + " (\"" + networkId + "\")");
            }
        }
    }

    private static void socketBuffer(String key, int bytes) {
        try {
            new net.dig.net.TransportSettings.SocketBuffers(bytes, 0);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage().replaceFirst("^socket_send_buffer_bytes ", ""));
        }
    }

    /** {@code validation:} - validator participation (inert until the proofs work lands). */
    record ValidationSection(double stakeAmount, double minUptime) {
        ValidationSection {
            if (!(stakeAmount >= 0) || Double.isInfinite(stakeAmount)) {
                throw new ConfigException("stake_amount", "must be a finite number >= 0, got " + stakeAmount);
            }
            if (!(minUptime >= 0 && minUptime <= 1)) {
                throw new ConfigException("min_uptime", "must be between 0 and 1, got " + minUptime);
            }
        }
    }

    /** {@code economic:} - what content this node prefers and accepts. */
    record EconomicSection(List<Integer> tierPreference, double minReward, boolean acceptBribes) {
        EconomicSection {
            require(tierPreference, "tier_preference");
            for (int i = 0; i < tierPreference.size(); i++) {
                Integer tier = tierPreference.get(i);
                if (tier == null || tier < 1 || tier > 6) {
                    throw new ConfigException("tier_preference[" + i + "]", "must be a tier 1..6, got " + tier);
                }
            }
            tierPreference = List.copyOf(tierPreference);
            if (!(minReward >= 0) || Double.isInfinite(minReward)) {
                throw new ConfigException("min_reward", "must be a finite number >= 0, got " + minReward);
            }
        }
    }

    /** {@code monitoring:} - metrics port and logging. */
    record MonitoringSection(int metricsPort, String logLevel, String logFile) {
        MonitoringSection {
            port("metrics_port", metricsPort);
            oneOf("log_level", logLevel, "trace", "debug", "info", "warn", "error");
            if (logFile != null && logFile.isBlank()) {
                throw new ConfigException("log_file", "must be a file path or null, got an empty value");
            }
        }

        Optional<String> logFilePath() {
            return Optional.ofNullable(logFile);
        }
    }

    /**
     * {@code api:} - the HTTP API (addition to the seed): listeners, the admin token, the seed's rate
     * limits and the cache tiers. The token never appears in {@link #toString()}.
     */
    record ApiSection(String listenAddress, String metricsListenAddress, String adminToken, String adminTokenFile,
                      boolean openPush, RateLimits rateLimits, String cacheSize, String diskCacheSize,
                      List<String> validatorKeys) {
        static final int MIN_TOKEN_LENGTH = 16;
        private static final Pattern PUBLIC_KEY = Pattern.compile("(0x)?[0-9a-fA-F]{64}");

        ApiSection {
            hostPort("listen_address", listenAddress);
            if (metricsListenAddress != null) {
                hostPort("metrics_listen_address", metricsListenAddress);
            }
            if (adminToken != null && adminTokenFile != null) {
                throw new ConfigException("admin_token", "set either admin_token or admin_token_file, not both");
            }
            if (adminToken != null) {
                checkToken("admin_token", adminToken);
            }
            if (adminTokenFile != null && adminTokenFile.isBlank()) {
                throw new ConfigException("admin_token_file", "must be a file path or null, got an empty value");
            }
            require(rateLimits, "rate_limits");
            CacheSize.parse("cache_size", cacheSize);
            ByteSize.parse("disk_cache_size", diskCacheSize);
            require(validatorKeys, "validator_keys");
            for (int i = 0; i < validatorKeys.size(); i++) {
                String key = validatorKeys.get(i);
                if (key == null || !PUBLIC_KEY.matcher(key.strip()).matches()) {
                    throw new ConfigException("validator_keys[" + i + "]", "must be an Ed25519 public key, 64 hex digits, got "
                            + (key == null ? "null" : "\"" + key + "\""));
                }
            }
            validatorKeys = List.copyOf(validatorKeys);
        }

        /** A token from the config or its file: at least 16 characters, no white space (it travels in a header). */
        static String checkToken(String key, String token) {
            if (token.length() < MIN_TOKEN_LENGTH) {
                throw new ConfigException(key, "must be at least " + MIN_TOKEN_LENGTH + " characters, got " + token.length());
            }
            for (int i = 0; i < token.length(); i++) {
                char ch = token.charAt(i);
                if (ch <= ' ' || ch > '~') {
                    throw new ConfigException(key, "must be printable ASCII without spaces (it is sent as a bearer token)");
                }
            }
            return token;
        }

        Optional<String> metricsListen() {
            return Optional.ofNullable(metricsListenAddress);
        }

        Optional<String> tokenFile() {
            return Optional.ofNullable(adminTokenFile);
        }

        @Override
        public String toString() {
            return "ApiSection[listen_address=" + listenAddress + ", metrics_listen_address=" + metricsListenAddress
                    + ", admin_token=" + (adminToken == null ? "null" : "(hidden)") + ", admin_token_file=" + adminTokenFile
                    + ", open_push=" + openPush + ", rate_limits=" + rateLimits + ", cache_size=" + cacheSize
                    + ", disk_cache_size=" + diskCacheSize + ", validator_keys=" + validatorKeys + "]";
        }
    }

    /** {@code api.rate_limits:} - the seed's {@code RATE_LIMITS}, each {@code "N/second|minute|hour|day"} or {@code "unlimited"}. */
    record RateLimits(String capsuleRetrieval, String validationChallenge, String apiRequests) {
        RateLimits {
            Rate.parse("capsule_retrieval", capsuleRetrieval);
            Rate.parse("validation_challenge", validationChallenge);
            Rate.parse("api_requests", apiRequests);
        }
    }

    /** A parsed rate: {@code permits} per {@code window}; {@code permits == 0} is unlimited. */
    record Rate(int permits, java.time.Duration window) {
        private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(second|minute|hour|day)");

        static Rate parse(String key, String value) {
            nonBlank(key, value);
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.equals("unlimited")) {
                return new Rate(0, java.time.Duration.ofMinutes(1));
            }
            var m = RATE.matcher(v);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
                throw new ConfigException(key, "must be \"N/second\", \"N/minute\", \"N/hour\" or \"N/day\" with N >= 1, or \"unlimited\"; got \"" + value + "\"");
            }
            java.time.Duration window = switch (m.group(2)) {
                case "second" -> java.time.Duration.ofSeconds(1);
                case "minute" -> java.time.Duration.ofMinutes(1);
                case "hour" -> java.time.Duration.ofHours(1);
                default -> java.time.Duration.ofDays(1);
            };
            return new Rate(Integer.parseInt(m.group(1)), window);
        }
    }

    /**
     * A byte size: a plain number of bytes or a number with a binary unit ({@code KiB, MiB, GiB, TiB});
     * {@code 0} disables the tier.
     */
    static final class ByteSize {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*(B|KiB|MiB|GiB|TiB)?");

        private ByteSize() {}

        static long parse(String key, String value) {
            nonBlank(key, value);
            var m = SIZE.matcher(value.strip());
            if (!m.matches()) {
                throw new ConfigException(key, "must be a size like \"512MiB\" (units B, KiB, MiB, GiB, TiB), got \"" + value + "\"");
            }
            int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                case "GiB" -> 30;
                case "TiB" -> 40;
                default -> 0;
            };
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new ConfigException(key, "is too large, got \"" + value + "\"");
            }
            return n << shift;
        }
    }

    /**
     * The seed's {@code cache_size}: a percentage of the JVM's maximum heap ({@code "10%"}, 0..90) or an
     * absolute {@link ByteSize} ({@code "512MiB"}).
     */
    static final class CacheSize {
        private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)\\s*%");
        static final double MAX_PERCENT = 90;

        private CacheSize() {}

        static long parse(String key, String value) {
            return bytes(key, value, Runtime.getRuntime().maxMemory());
        }

        static long bytes(String key, String value, long maxHeap) {
            nonBlank(key, value);
            var m = PERCENT.matcher(value.strip());
            if (m.matches()) {
                double percent = Double.parseDouble(m.group(1));
                if (percent > MAX_PERCENT) {
                    throw new ConfigException(key, "must be at most " + (int) MAX_PERCENT + "% of the heap, got \"" + value + "\"");
                }
                return (long) (maxHeap * (percent / 100.0));
            }
            if (value.contains("%")) {
                throw new ConfigException(key, "must be a percentage like \"10%\" or a size like \"512MiB\", got \"" + value + "\"");
            }
            return ByteSize.parse(key, value);
        }
    }

    private static void require(Object value, String key) {
        if (value == null) {
            throw new ConfigException(key, "must be set");
        }
    }

    private static void nonBlank(String key, String value) {
        require(value, key);
        if (value.isBlank()) {
            throw new ConfigException(key, "must not be empty");
        }
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new ConfigException(key, "must be >= " + min + ", got " + value);
        }
    }

    private static void port(String key, int value) {
        if (value < 0 || value > 65535) {
            throw new ConfigException(key, "must be a port 0..65535, got " + value);
        }
    }

    private static void oneOf(String key, String value, String... allowed) {
        require(value, key);
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got \"" + value + "\"");
    }

    /** {@code host:port}; the port may be 0 (any free port, useful in tests). */
    private static void hostPort(String key, String value) {
        nonBlank(key, value);
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(key, "must be host:port, got \"" + value + "\"");
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be host:port with a numeric port, got \"" + value + "\"");
        }
        port(key, portNumber);
    }

    static HostPort parseHostPort(String value) {
        int colon = value.lastIndexOf(':');
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, Integer.parseInt(value.substring(colon + 1)));
    }

    record HostPort(String host, int port) {
        HostPort {
            Objects.requireNonNull(host, "host");
        }
    }
}
