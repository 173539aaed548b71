package net.dig.node;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import net.dig.api.PushLimits;
import net.dig.api.RateLimit;
import net.dig.gossip.BackpressureConfig;
import net.dig.gossip.LaneConfig;
import net.dig.net.GossipConfig;
import net.dig.storage.Compression;
import net.dig.storage.StorageClass;

/**
 * The node's configuration: the DIG Node seed's {@code node.yaml}, section for section, plus the
 * additions documented in {@code default-node.yaml} ({@code storage.index}, {@code network.network_id},
 * {@code network.lanes}, the {@code api} section).
 *
 * <p>Parsed once: {@link ConfigLoader} binds every value into its type ({@link Mode}, {@link HostPort},
 * {@link ByteSize}, {@link CacheSize}, {@link RateLimit}, {@link Compression}, {@link Duration}, the
 * introducer's {@link GossipConfig.IntroducerConfig}; {@link ConfigValues} holds those parsers), so the
 * wiring reads typed values and parses no string again.
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

    /** The seed's operating modes, written in lower case. */
    enum Mode {
        ARCHIVE, CACHE, SELECTIVE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code node:} - identity and operating mode. */
    record NodeSection(String id, Mode mode, ModesSection.ArchiveSection archive, ModesSection.SelectiveSection selective,
                       CacheModeSection cache) {
        private static final Pattern NODE_ID = Pattern.compile("dig1[0-9a-f]{16}");

        NodeSection {
            if (id != null && !NODE_ID.matcher(id).matches()) {
                throw new ConfigException("id", "must be \"dig1\" followed by 16 lower-case hex digits, got \"" + id + "\"");
            }
            require(mode, "mode");
            require(archive, "archive");
            require(selective, "selective");
            require(cache, "cache");
        }

        Optional<String> expectedId() {
            return Optional.ofNullable(id);
        }
    }

    /** {@code storage:} - where plots, cache and index live. */
    record StorageSection(List<String> plotsDir, String cacheDir, int maxPlots, Compression compression, String index,
                          ScrubSection scrub, List<StorageClass> plotClasses, TieringSection tiering) {
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
            require(compression, "compression");
            nonBlank("index", index);
            if (!java.nio.file.Path.of(index).getFileName().toString().equals("index.sqlite")) {
                throw new ConfigException("index", "the file must be named index.sqlite (only its directory can be chosen), got \"" + index + "\"");
            }
            require(scrub, "scrub");
            require(plotClasses, "plot_classes");
            if (!plotClasses.isEmpty() && plotClasses.size() != plotsDir.size()) {
                throw new ConfigException("plot_classes", "names " + plotClasses.size() + " classes for " + plotsDir.size()
                        + " plot directories; give one class (nvme, ssd or hdd) per entry of plots_dir, or none");
            }
            for (int i = 0; i < plotClasses.size(); i++) {
                require(plotClasses.get(i), "plot_classes[" + i + "]");
            }
            plotClasses = List.copyOf(plotClasses);
            require(tiering, "tiering");
        }

        /** The class of each plot directory, in the order of {@code plots_dir} (all {@code ssd} when none are given). */
        StorageClass classOf(int plotDir) {
            return plotClasses.isEmpty() ? StorageClass.SSD : plotClasses.get(plotDir);
        }
    }

    /**
     * {@code storage.tiering:} - plots moved between storage classes by their read rates
     * ({@link net.dig.service.TierBalancer}); runs every {@code interval_secs} when {@code plot_classes} name
     * more than one class.
     */
    record TieringSection(@JsonProperty("interval_secs") @JsonDeserialize(using = ConfigValues.Seconds.class) Duration interval,
                          double promoteReadsPerHour, double demoteReadsPerHour,
                          @JsonProperty("demote_after_secs") @JsonDeserialize(using = ConfigValues.Seconds.class)
                          Duration demoteAfter,
                          int movesPerTick) {
        TieringSection {
            require(interval, "interval_secs");
            atLeast("interval_secs", interval.toSeconds(), 1);
            require(demoteAfter, "demote_after_secs");
            atLeast("moves_per_tick", movesPerTick, 1);
            if (!(demoteReadsPerHour >= 0)) {
                throw new ConfigException("demote_reads_per_hour", "must be >= 0, got " + demoteReadsPerHour);
            }
            if (!(promoteReadsPerHour > demoteReadsPerHour)) {
                throw new ConfigException("promote_reads_per_hour", "must be above demote_reads_per_hour ("
                        + demoteReadsPerHour + "), got " + promoteReadsPerHour);
            }
        }

        net.dig.service.TierBalancer.Settings settings() {
            return new net.dig.service.TierBalancer.Settings(promoteReadsPerHour, demoteReadsPerHour, demoteAfter, movesPerTick);
        }
    }

    /**
     * {@code storage.scrub:} - the background scrubber: {@code rate} stored bytes rehashed per second
     * (a size, {@code 0} = off), a full pass at most once per {@code period_secs}.
     */
    record ScrubSection(ByteSize rate,
                        @JsonProperty("period_secs") @JsonDeserialize(using = ConfigValues.Seconds.class) Duration period) {
        ScrubSection {
            require(rate, "rate");
            atLeast("rate", rate.bytes(), 0);
            require(period, "period_secs");
            atLeast("period_secs", period.toSeconds(), 1);
        }

        net.dig.storage.ScrubConfig scrubConfig() {
            return new net.dig.storage.ScrubConfig(rate.bytes(), period);
        }
    }

    /** {@code network:} - the P2P side (dig-gossip). */
    record NetworkSection(HostPort listenAddress, List<HostPort> bootstrapNodes, int maxPeers, List<String> gunP2pPeers,
                          String networkId, GossipConfig.IntroducerConfig introducer,
                          @JsonProperty("peer_connect_interval_secs") @JsonDeserialize(using = ConfigValues.Seconds.class)
                          Duration peerConnectInterval,
                          List<String> dnsSeeds, int socketSendBufferBytes, int socketReceiveBufferBytes, LanesSection lanes,
                          NodeMessagesSection nodeMessages, AdmissionSection admission, ReplicationSection replication,
                          RelaySection relay, TorSection tor, String asmapFile,
                          CompactBlocksSection compactBlocks, DandelionSection dandelion,
                          ErlaySection erlay, PeerIdRotationSection peerIdRotation) {
        NetworkSection {
            require(tor, "tor");
            if (asmapFile != null && asmapFile.isBlank()) {
                throw new ConfigException("asmap_file", "must be a path or null, got \"" + asmapFile + "\"");
            }
            require(nodeMessages, "node_messages");
            require(compactBlocks, "compact_blocks");
            require(dandelion, "dandelion");
            require(replication, "replication");
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
            require(peerConnectInterval, "peer_connect_interval_secs");
            atLeast("peer_connect_interval_secs", peerConnectInterval.toSeconds(), 1);
            require(listenAddress, "listen_address");
            require(bootstrapNodes, "bootstrap_nodes");
            for (int i = 0; i < bootstrapNodes.size(); i++) {
                require(bootstrapNodes.get(i), "bootstrap_nodes[" + i + "]");
            }
            bootstrapNodes = List.copyOf(bootstrapNodes);
            atLeast("max_peers", maxPeers, 1);
            require(gunP2pPeers, "gun_p2p_peers");
            gunP2pPeers = List.copyOf(gunP2pPeers);
            nonBlank("network_id", networkId);
            try {
                GossipConfig.checkNetworkId(networkId);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("network_id", e.getMessage().replaceFirst("^network_id ", "")
                        + " (\"" + networkId + "\")");
            }
            require(lanes, "lanes");
            require(admission, "admission");
            require(relay, "relay");
            require(erlay, "erlay");
            require(peerIdRotation, "peer_id_rotation");
            if (peerIdRotation.enabled() && relay.enabled() && relay.endpoint() != null) {
                throw new ConfigException("peer_id_rotation.enabled", "cannot be true with an enabled relay:"
                        + " the relay registration names the PeerId");
            }
        }

        Optional<GossipConfig.IntroducerConfig> introducerConfig() {
            return Optional.ofNullable(introducer);
        }
    }

    /**
     * {@code network.tor:} - outbound connections through a SOCKS5 proxy, Tor's usually (dig-gossip's
     * {@code TorConfig}, opt-in): names go to the proxy unresolved, {@code .onion} peers become dialable.
     */
    record TorSection(boolean enabled, HostPort socksProxy, boolean clearnetViaProxy) {
        TorSection {
            require(socksProxy, "socks_proxy");
            if (socksProxy.port() == 0) {
                throw new ConfigException("socks_proxy", "needs a port, got " + socksProxy);
            }
        }

        Optional<net.dig.net.TorConfig> config() {
            return enabled ? Optional.of(new net.dig.net.TorConfig(
                    java.net.InetSocketAddress.createUnresolved(socksProxy.host(), socksProxy.port()), clearnetViaProxy))
                    : Optional.empty();
        }
    }

    private static void socketBuffer(String key, int bytes) {
        try {
            new net.dig.net.TransportSettings.SocketBuffers(bytes, 0);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage().replaceFirst("^socket_send_buffer_bytes ", ""));
        }
    }

    /**
     * {@code network.lanes:} - the priority lanes of every peer connection (dig-gossip's
     * {@link LaneConfig}): bounds per lane, how much room bulk traffic gets behind higher priorities,
     * and the adaptive backpressure thresholds.
     */
    record LanesSection(int maxMessagesPerLane, ByteSize maxBytesPerLane, int starvationRatio, ByteSize bulkQuantum,
                        BackpressureSection backpressure) {
        LanesSection {
            atLeast("max_messages_per_lane", maxMessagesPerLane, 1);
            require(maxBytesPerLane, "max_bytes_per_lane");
            atLeast("max_bytes_per_lane", maxBytesPerLane.bytes(), 1);
            atLeast("starvation_ratio", starvationRatio, 1);
            require(bulkQuantum, "bulk_quantum");
            int quantum = bulkQuantum.intBytes("bulk_quantum");
            if (quantum < starvationRatio) {
                throw new ConfigException("bulk_quantum", "must be at least starvation_ratio (" + starvationRatio
                        + ") bytes, got " + quantum);
            }
            require(backpressure, "backpressure");
        }

        LaneConfig laneConfig() {
            return LaneConfig.builder()
                    .maxMessagesPerLane(maxMessagesPerLane)
                    .maxBytesPerLane(maxBytesPerLane.bytes())
                    .starvationRatio(starvationRatio)
                    .bulkQuantumBytes((int) bulkQuantum.bytes())
                    .backpressure(backpressure.config())
                    .build();
        }
    }

    /** {@code network.lanes.backpressure:} - queue depths (all lanes of one connection) where backpressure acts. */
    record BackpressureSection(boolean enabled, int txDedupThreshold, int bulkDropThreshold, int normalDelayThreshold,
                               int normalBatchIntervalMs) {
        BackpressureSection {
            atLeast("tx_dedup_threshold", txDedupThreshold, 1);
            atLeast("bulk_drop_threshold", bulkDropThreshold, txDedupThreshold);
            atLeast("normal_delay_threshold", normalDelayThreshold, bulkDropThreshold);
            atLeast("normal_batch_interval_ms", normalBatchIntervalMs, 1);
        }

        Optional<BackpressureConfig> config() {
            return enabled
                    ? Optional.of(new BackpressureConfig(txDedupThreshold, bulkDropThreshold, normalDelayThreshold, normalBatchIntervalMs))
                    : Optional.empty();
        }
    }

    /**
     * {@code validation:} - the validator role ({@link net.dig.service.ValidatorService}: {@code enabled}, one challenge
     * every {@code interval_secs}, of {@code challenge_type}, {@code rechallenges} in containment, the deadline
     * {@code deadline_base_ms + dependent reads x deadline_per_read_ms}), a storage report every {@code report_interval_secs}
     * (0 = none); {@code stake_amount} and {@code min_uptime}
     * are not active yet (see {@link ConfigLoader#refuseInactive}).
     */
    record ValidationSection(double stakeAmount, double minUptime, boolean enabled,
                             @JsonProperty("interval_secs") @JsonDeserialize(using = ConfigValues.Seconds.class) Duration interval,
                             String challengeType, int rechallenges, long deadlineBaseMs, long deadlinePerReadMs,
                             @JsonProperty("report_interval_secs") @JsonDeserialize(using = ConfigValues.Seconds.class)
                             Duration reportInterval) {
        ValidationSection {
            require(reportInterval, "report_interval_secs");
            atLeast("report_interval_secs", reportInterval.toSeconds(), 0);
            if (!(stakeAmount >= 0) || Double.isInfinite(stakeAmount)) {
                throw new ConfigException("stake_amount", "must be a finite number >= 0, got " + stakeAmount);
            }
            if (!(minUptime >= 0 && minUptime <= 1)) {
                throw new ConfigException("min_uptime", "must be between 0 and 1, got " + minUptime);
            }
            require(interval, "interval_secs");
            atLeast("interval_secs", interval.toSeconds(), 1);
            require(challengeType, "challenge_type");
            if (net.dig.service.ProofService.partsOf(challengeType) == null) {
                throw new ConfigException("challenge_type", "must be one of inclusion, physical_access, ownership, work, full, got \""
                        + challengeType + "\"");
            }
            atLeast("rechallenges", rechallenges, 0);
            atLeast("deadline_base_ms", deadlineBaseMs, 1);
            atLeast("deadline_per_read_ms", deadlinePerReadMs, 0);
        }

        net.dig.service.ValidatorService.Settings settings() {
            return new net.dig.service.ValidatorService.Settings(challengeType, rechallenges, new net.dig.proof.TimingPolicy(
                    deadlineBaseMs * 1_000_000, deadlinePerReadMs * 1_000_000, 0), interval.toMillis());
        }
    }

    /** {@code economic:} - what content this node prefers and accepts (not active yet). */
    record EconomicSection(List<Integer> tierPreference, double minReward, boolean acceptBribes, double rewardPerTbDay) {
        EconomicSection {
            if (!(rewardPerTbDay >= 0) || Double.isInfinite(rewardPerTbDay)) {
                throw new ConfigException("reward_per_tb_day", "must be a finite number >= 0, got " + rewardPerTbDay);
            }
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
    record MonitoringSection(int metricsPort, String logLevel, String logFile, String logFormat) {
        MonitoringSection {
            port("metrics_port", metricsPort);
            oneOf("log_level", logLevel, "trace", "debug", "info", "warn", "error");
            oneOf("log_format", logFormat, "auto", "text", "json");
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
    record ApiSection(HostPort listenAddress, HostPort metricsListenAddress, String adminToken, String adminTokenFile,
                      boolean openPush, RateLimits rateLimits, CacheSize cacheSize, ByteSize diskCacheSize,
                      List<String> validatorKeys, PushSection push) {
        static final int MIN_TOKEN_LENGTH = 16;
        private static final Pattern PUBLIC_KEY = Pattern.compile("(0x)?[0-9a-fA-F]{64}");

        ApiSection {
            require(listenAddress, "listen_address");
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
            require(cacheSize, "cache_size");
            require(diskCacheSize, "disk_cache_size");
            require(validatorKeys, "validator_keys");
            for (int i = 0; i < validatorKeys.size(); i++) {
                String key = validatorKeys.get(i);
                if (key == null || !PUBLIC_KEY.matcher(key.strip()).matches()) {
                    throw new ConfigException("validator_keys[" + i + "]", "must be an Ed25519 public key, 64 hex digits, got "
                            + (key == null ? "null" : "\"" + key + "\""));
                }
            }
            validatorKeys = List.copyOf(validatorKeys);
            require(push, "push");
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

        Optional<HostPort> metricsListen() {
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
                    + ", disk_cache_size=" + diskCacheSize + ", validator_keys=" + validatorKeys + ", push=" + push + "]";
        }
    }

    /**
     * {@code api.push:} - the push spool's bounds, in total and per client, and the idle timeout of a push
     * body ({@code net.dig.api.PushLimits}, which checks them again).
     */
    record PushSection(ByteSize spoolMax, ByteSize spoolPerClientMax,
                       @JsonProperty("idle_timeout_secs") @JsonDeserialize(using = ConfigValues.Seconds.class)
                       Duration idleTimeout) {
        PushSection {
            require(spoolMax, "spool_max");
            require(spoolPerClientMax, "spool_per_client_max");
            require(idleTimeout, "idle_timeout_secs");
            atLeast("spool_max", spoolMax.bytes(), PushLimits.MIN_SPOOL);
            if (spoolPerClientMax.bytes() < PushLimits.MIN_SPOOL || spoolPerClientMax.bytes() > spoolMax.bytes()) {
                throw new ConfigException("spool_per_client_max", "must be within " + PushLimits.MIN_SPOOL
                        + " bytes and spool_max (" + spoolMax.bytes() + " bytes), got " + spoolPerClientMax.bytes());
            }
            atLeast("idle_timeout_secs", idleTimeout.toSeconds(), 1);
        }

        PushLimits limits() {
            return new PushLimits(spoolMax.bytes(), spoolPerClientMax.bytes(), idleTimeout);
        }
    }

    /** {@code api.rate_limits:} - the seed's {@code RATE_LIMITS}, each {@code "N/second|minute|hour|day"} or {@code "unlimited"}. */
    record RateLimits(RateLimit capsuleRetrieval, RateLimit validationChallenge, RateLimit apiRequests) {
        RateLimits {
            require(capsuleRetrieval, "capsule_retrieval");
            require(validationChallenge, "validation_challenge");
            require(apiRequests, "api_requests");
        }
    }

    /**
     * The seed's {@code cache_size}: a percentage of the JVM's maximum heap ({@code "10%"}, 0..90) or an
     * absolute {@link ByteSize} ({@code "512MiB"}); exactly one of the two is set.
     */
    record CacheSize(Double percent, ByteSize size) {
        static final double MAX_PERCENT = 90;

        CacheSize {
            if ((percent == null) == (size == null)) {
                throw new IllegalArgumentException("a cache size is a percentage or a size, got " + percent + " and " + size);
            }
        }

        /** The bytes this size means for a heap of {@code maxHeap} bytes. */
        long bytes(long maxHeap) {
            return percent != null ? (long) (maxHeap * (percent / 100.0)) : size.bytes();
        }

        @Override
        public String toString() {
            return percent != null ? percent + "%" : size.bytes() + " bytes";
        }
    }

    static void require(Object value, String key) {
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
}
