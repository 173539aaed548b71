package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private NodeConfig loadYaml(String yaml) throws IOException {
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(Optional.of(file), Map.of(), List.of());
    }

    private void rejects(String yaml, String message) {
        assertThatThrownBy(() -> loadYaml(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void embeddedDefaultsLoad() {
        NodeConfig c = ConfigLoader.defaults();
        assertThat(c.node().id()).isNull();
        assertThat(c.node().mode()).isEqualTo(NodeConfig.Mode.SELECTIVE);
        assertThat(c.storage().plotsDir()).containsExactly("plots");
        assertThat(c.storage().maxPlots()).isEqualTo(100);
        assertThat(c.storage().index()).isEqualTo("index.sqlite");
        assertThat(c.network().listenAddress()).isEqualTo(new HostPort("0.0.0.0", 9444));
        assertThat(c.network().networkId()).isEqualTo("0".repeat(64));
        assertThat(c.economic().tierPreference()).containsExactly(1, 2, 3);
        assertThat(c.monitoring().logFilePath()).isEmpty();
        assertThat(c.api().listenAddress()).isEqualTo(new HostPort("0.0.0.0", 8555));
    }

    @Test
    void theSeedsExampleLoadsAsWritten() throws IOException {
        NodeConfig c = loadYaml("""
                node:
                  id: "dig1abcdef0123456789"
                  mode: "selective"
                storage:
                  plots_dir: "/plots"
                  cache_dir: "/cache"
                  max_plots: 100
                  compression: "zstd"
                network:
                  listen_address: "0.0.0.0:8444"
                  bootstrap_nodes:
                    - "dig1.bootstrap.dig.net:8444"
                    - "dig2.bootstrap.dig.net:8444"
                  max_peers: 200
                  gun_p2p_peers:
                    - "https://gun.dig.net/gun"
                    - "wss://gun-ws.dig.net/gun"
                validation:
                  stake_amount: 1000
                  min_uptime: 0.95
                economic:
                  tier_preference: [1, 2, 3]
                  min_reward: 0.01
                  accept_bribes: true
                monitoring:
                  metrics_port: 9090
                  log_level: "info"
                  log_file: "/var/log/dig-node.log"
                """);
        assertThat(c.node().id()).isEqualTo("dig1abcdef0123456789");
        assertThat(c.storage().plotsDir()).containsExactly("/plots");
        assertThat(c.network().bootstrapNodes()).containsExactly(new HostPort("dig1.bootstrap.dig.net", 8444), new HostPort("dig2.bootstrap.dig.net", 8444));
        assertThat(c.validation().stakeAmount()).isEqualTo(1000.0);
        assertThat(c.monitoring().logFilePath()).contains("/var/log/dig-node.log");
        assertThat(c.api().listenAddress()).isEqualTo(new HostPort("0.0.0.0", 8555)); // not in the seed: default
    }

    @Test
    void plotsDirMayBeAList() throws IOException {
        NodeConfig c = loadYaml("storage:\n  plots_dir: [/mnt/a, /mnt/b]\n");
        assertThat(c.storage().plotsDir()).containsExactly("/mnt/a", "/mnt/b");
    }

    @Test
    void theDefaultFileIsTheDefaults() throws IOException {
        assertThat(loadYaml(ConfigLoader.defaultYaml())).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void badValuesNameTheKeyPath() {
        rejects("storage:\n  max_plots: -3\n", "storage.max_plots: must be >= 1, got -3");
        rejects("storage:\n  max_plots: 2.5\n", "storage.max_plots: expected an integer, got 2.5");
        rejects("storage:\n  max_plots: \"5\"\n", "storage.max_plots: expected an integer, got \"5\"");
        rejects("storage:\n  compression: lz4\n", "storage.compression: must be one of zstd, none, got \"lz4\"");
        rejects("storage:\n  plots_dir: []\n", "storage.plots_dir: needs at least one directory");
        rejects("storage:\n  plots_dir: [a, \"\"]\n", "storage.plots_dir[1]: must be a directory path, got an empty value");
        rejects("node:\n  mode: turbo\n", "node.mode: must be one of archive, cache, selective, got \"turbo\"");
        rejects("node:\n  id: bob\n", "node.id: must be \"dig1\" followed by 16 lower-case hex digits, got \"bob\"");
        rejects("network:\n  listen_address: nowhere\n", "network.listen_address: must be host:port, got \"nowhere\"");
        rejects("network:\n  bootstrap_nodes: [\"a:1\", \"b:99999\"]\n", "network.bootstrap_nodes[1]: must be a port 0..65535, got 99999");
        rejects("network:\n  network_id: main net\n",
                "network.network_id: must be printable ASCII without white space, got U+0020 at index 4 (\"main net\")");
        rejects("network:\n  network_id: \"" + "x".repeat(65) + "\"\n",
                "network.network_id: must be at most 64 characters, got 65 (\"" + "x".repeat(65) + "\")");
        rejects("validation:\n  min_uptime: 1.5\n", "validation.min_uptime: must be between 0 and 1, got 1.5");
        rejects("economic:\n  tier_preference: [1, 7]\n", "economic.tier_preference[1]: must be a tier 1..6, got 7");
        rejects("economic:\n  accept_bribes: 1\n", "economic.accept_bribes: expected true or false, got 1");
        rejects("monitoring:\n  metrics_port: 70000\n", "monitoring.metrics_port: must be a port 0..65535, got 70000");
        rejects("monitoring:\n  metrics_port:\n", "monitoring.metrics_port: expected an integer, got null");
        rejects("api:\n  listen_address: \"0.0.0.0:http\"\n", "api.listen_address: must be host:port with a numeric port, got \"0.0.0.0:http\"");
    }

    @Test
    void socketBuffersReachTheTransportAndZeroMeansTheKernelsAutotuning() throws IOException {
        net.dig.net.TransportSettings.SocketBuffers defaults = GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(
                new NodeHome(dir), ConfigLoader.defaults(), Optional.empty())).transport().socketBuffers();
        assertThat(defaults).isEqualTo(net.dig.net.TransportSettings.SocketBuffers.defaults());
        assertThat(defaults.sendBytes()).isEqualTo(256 << 10);

        NodeConfig c = loadYaml("network:\n  socket_send_buffer_bytes: 1048576\n  socket_receive_buffer_bytes: 0\n");
        assertThat(GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(new NodeHome(dir), c, Optional.empty()))
                .transport().socketBuffers()).isEqualTo(new net.dig.net.TransportSettings.SocketBuffers(1 << 20, 0));

        rejects("network:\n  socket_send_buffer_bytes: 100\n",
                "network.socket_send_buffer_bytes: must be 0 (kernel default) or in [4096, 64 MiB], got 100");
        rejects("network:\n  socket_receive_buffer_bytes: -1\n",
                "network.socket_receive_buffer_bytes: must be 0 (kernel default) or in [4096, 64 MiB], got -1");
    }

    @Test
    void admissionLimitsReachTheTransport() throws IOException {
        assertThat(GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(new NodeHome(dir), ConfigLoader.defaults(),
                Optional.empty())).transport().admission()).isEqualTo(net.dig.net.AdmissionLimits.defaults());
        NodeConfig c = loadYaml("network:\n  admission:\n    max_per_address: 2\n    max_per_netgroup: 4\n    deadline_secs: 5\n");
        assertThat(GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(new NodeHome(dir), c, Optional.empty()))
                .transport().admission()).isEqualTo(new net.dig.net.AdmissionLimits(2, 4, java.time.Duration.ofSeconds(5),
                        net.dig.net.AdmissionLimits.defaults().silenceGrace()));
        rejects("network:\n  admission:\n    max_per_address: 0\n", "network.admission.max_per_address: must be >= 1, got 0");
        rejects("network:\n  admission:\n    max_per_netgroup: 4\n",
                "network.admission.max_per_netgroup: must be >= max_per_address (8), got 4");
        rejects("network:\n  admission:\n    deadline_secs: 1\n", "network.admission.deadline_secs: must be >= 2, got 1");
    }

    @Test
    void networkIdIsANameComparedAsAStringAndStartHasAFlagForIt() throws IOException {
        assertThat(loadYaml("network:\n  network_id: testnet11\n").network().networkId()).isEqualTo("testnet11");
        assertThat(GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(new NodeHome(dir),
                loadYaml("network:\n  network_id: mainnet\n"), Optional.empty())).networkId()).isEqualTo("mainnet");

        picocli.CommandLine cl = DigNodeCommand.commandLine(Map.of(), new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        picocli.CommandLine.ParseResult parsed = cl.parseArgs("--data-dir", dir.resolve("home").toString(),
                "--set", "network.max_peers=7", "start", "--network-id", "testnet11");
        StartCommand start = (StartCommand) parsed.subcommand().commandSpec().userObject();
        NodeConfig config = start.context().config();
        assertThat(config.network().networkId()).isEqualTo("testnet11");
        assertThat(config.network().maxPeers()).isEqualTo(7);

        StartCommand bad = (StartCommand) cl.parseArgs("--data-dir", dir.resolve("home").toString(), "start", "--network-id", "test net").subcommand().commandSpec().userObject();
        assertThatThrownBy(bad::context).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("network.network_id: must be printable ASCII without white space");
    }

    @Test
    void unknownKeysAndSectionsAreRejected() {
        rejects("storage:\n  max_plot: 5\n",
                "storage.max_plot: unknown key; known keys of storage: plots_dir, cache_dir, max_plots, compression, index, scrub, plot_classes, tiering");
        rejects("storaeg:\n  max_plots: 5\n",
                "storaeg: unknown section; known sections: node, storage, network, validation, economic, monitoring, api");
        rejects("storage: 5\n", "storage: must be a mapping of keys, got 5");
    }

    @Test
    void malformedYamlSaysWhere() {
        assertThatThrownBy(() -> loadYaml("storage:\n  max_plots: [1\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("invalid YAML at line");
        assertThatThrownBy(() -> loadYaml("storage:\n  max_plots: 1\n  max_plots: 2\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'max_plots'");
    }

    @Test
    void aMissingExplicitFileIsAnError() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class).hasMessage(missing + ": config file does not exist");
    }

    @Test
    void environmentOverridesTheFileAndFlagsOverrideTheEnvironment() throws IOException {
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, "storage:\n  max_plots: 10\nmonitoring:\n  log_level: warn\n");
        Map<String, String> env = Map.of(
                "DIG_NODE_STORAGE_MAX_PLOTS", "20",
                "DIG_NODE_STORAGE_PLOTS_DIR", "/mnt/a,/mnt/b",
                "DIG_NODE_ECONOMIC_ACCEPT_BRIBES", "false",
                "DIG_NODE_NETWORK_BOOTSTRAP_NODES", "h1:9444,h2:9444",
                "DIG_NODE_HOME", "/ignored/not/config",
                "DIG_NODE_JAVA_OPTS", "-Xmx1g",
                "PATH", "/usr/bin");
        NodeConfig c = ConfigLoader.load(Optional.of(file), env, List.of(Setting.parse("storage.max_plots=30")));
        assertThat(c.storage().maxPlots()).isEqualTo(30);
        assertThat(c.storage().plotsDir()).containsExactly("/mnt/a", "/mnt/b");
        assertThat(c.economic().acceptBribes()).isFalse();
        assertThat(c.network().bootstrapNodes()).containsExactly(new HostPort("h1", 9444), new HostPort("h2", 9444));
        assertThat(c.monitoring().logLevel()).isEqualTo("warn");
        assertThat(ConfigLoader.load(Optional.of(file), env, List.of()).storage().maxPlots()).isEqualTo(20);
    }

    @Test
    void overridesAreValidatedLikeTheFile() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("DIG_NODE_STORAGE_MAX_PLOTS", "lots"), List.of()))
                .isInstanceOf(ConfigException.class).hasMessage("storage.max_plots: expected an integer, got \"lots\"");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("DIG_NODE_STORAGE_MAX_PLOT", "5"), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("storage.max_plot: unknown key (from environment variable DIG_NODE_STORAGE_MAX_PLOT)");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), List.of(Setting.parse("storage.max_plots=0"))))
                .isInstanceOf(ConfigException.class).hasMessage("storage.max_plots: must be >= 1, got 0");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), List.of(Setting.parse("nonsense=1"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("nonsense: unknown key (from --set)");
        assertThatThrownBy(() -> Setting.parse("storage.max_plots"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be section.key=value");
    }

    @Test
    void logFileCanBeSetAndClearedFromTheEnvironment() {
        NodeConfig set = ConfigLoader.load(Optional.empty(), Map.of("DIG_NODE_MONITORING_LOG_FILE", "/tmp/x.log"), List.of());
        assertThat(set.monitoring().logFilePath()).contains("/tmp/x.log");
        NodeConfig cleared = ConfigLoader.load(Optional.empty(), Map.of("DIG_NODE_NODE_ID", "dig1aaaaaaaaaaaaaaaa"), List.of());
        assertThat(cleared.node().id()).isEqualTo("dig1aaaaaaaaaaaaaaaa");
    }

    private static NodeConfig withSettings(String... assignments) {
        return ConfigLoader.load(Optional.empty(), Map.of(), java.util.Arrays.stream(assignments).map(Setting::parse).toList());
    }

    @Test
    void keysThatDriveNothingYetAreRefusedAtStartUnlessTheyHoldTheirDefault() {
        Map<String, String[]> nonDefaultAndDefault = new java.util.LinkedHashMap<>();
        nonDefaultAndDefault.put("storage.max_plots", new String[] {"50", "100", "100"});
        nonDefaultAndDefault.put("network.gun_p2p_peers", new String[] {"https://gun.dig.net/gun", "", "[]"});
        nonDefaultAndDefault.put("validation.stake_amount", new String[] {"5", "1000", "1000"});
        nonDefaultAndDefault.put("validation.min_uptime", new String[] {"0.5", "0.95", "0.95"});
        nonDefaultAndDefault.put("economic.tier_preference", new String[] {"1,2", "1,2,3", "[1,2,3]"});
        nonDefaultAndDefault.put("economic.min_reward", new String[] {"1", "0.01", "0.01"});
        nonDefaultAndDefault.put("economic.accept_bribes", new String[] {"false", "true", "true"});
        assertThat(ConfigLoader.inactiveKeyNames()).containsExactlyElementsOf(nonDefaultAndDefault.keySet());

        ConfigLoader.refuseInactive(ConfigLoader.defaults());
        nonDefaultAndDefault.forEach((key, values) -> {
            NodeConfig changed = withSettings(key + "=" + values[0]);
            assertThatThrownBy(() -> ConfigLoader.refuseInactive(changed)).as(key).isInstanceOf(ConfigException.class)
                    .hasMessage(key + ": is not active yet (nothing in this version reads it); remove it or set it to its default "
                            + values[2]);
            ConfigLoader.refuseInactive(withSettings(key + "=" + values[1])); // the default, written out: accepted
        });
    }

    @Test
    void startRefusesAnInactiveKeyWithExit2BeforeTouchingTheDisk() {
        Path home = dir.resolve("refused");
        CliRun.Result r = new CliRun(home, Map.of("DIG_NODE_STORAGE_MAX_PLOTS", "50")).run("start");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("dig-node: invalid configuration: storage.max_plots: is not active yet (nothing in this"
                + " version reads it); remove it or set it to its default 100\n");
        assertThat(home).doesNotExist();
    }

    @Test
    void everyNodeMessagesKeyReachesTheValidatorConfig() throws IOException {
        assertThat(ConfigLoader.defaults().network().nodeMessages().gossipConfig())
                .isEqualTo(net.dig.gossip.NodeMessageConfig.defaults());
        NodeConfig c = loadYaml("network:\n  node_messages:\n    freshness_window_secs: 60\n    max_replay_senders: 10\n"
                + "    max_directory_peers: 5\n");
        assertThat(c.network().nodeMessages().gossipConfig())
                .isEqualTo(new net.dig.gossip.NodeMessageConfig(java.time.Duration.ofSeconds(60), 10, 5));
        rejects("network:\n  node_messages:\n    freshness_window_secs: 0\n",
                "network.node_messages.freshness_window_secs: must be within 1..3600, got 0");
        rejects("network:\n  node_messages:\n    max_replay_senders: 0\n",
                "network.node_messages.max_replay_senders: must be >= 1, got 0");
    }

    @Test
    void everyLaneKeyReachesTheLaneConfigOfTheTransport() throws IOException {
        net.dig.gossip.LaneConfig defaults = GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(
                new NodeHome(dir), ConfigLoader.defaults(), Optional.empty())).transport().lanes();
        assertThat(defaults).isEqualTo(net.dig.gossip.LaneConfig.defaults());

        NodeConfig c = loadYaml("""
                network:
                  lanes:
                    max_messages_per_lane: 100
                    max_bytes_per_lane: 2MiB
                    starvation_ratio: 4
                    bulk_quantum: 8KiB
                    backpressure:
                      tx_dedup_threshold: 10
                      bulk_drop_threshold: 20
                      normal_delay_threshold: 30
                      normal_batch_interval_ms: 40
                """);
        net.dig.gossip.LaneConfig lanes = GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(new NodeHome(dir), c,
                Optional.empty())).transport().lanes();
        assertThat(lanes).isEqualTo(new net.dig.gossip.LaneConfig(100, 2L << 20, 4, 8 << 10,
                Optional.of(new net.dig.gossip.BackpressureConfig(10, 20, 30, 40))));

        NodeConfig off = ConfigLoader.load(Optional.empty(), Map.of("DIG_NODE_NETWORK_LANES_BACKPRESSURE_ENABLED", "false",
                "DIG_NODE_NETWORK_LANES_MAX_BYTES_PER_LANE", "1000000"), List.of(Setting.parse("network.lanes.bulk_quantum=64")));
        net.dig.gossip.LaneConfig offLanes = GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(new NodeHome(dir), off,
                Optional.empty())).transport().lanes();
        assertThat(offLanes.backpressure()).isEmpty();
        assertThat(offLanes.maxBytesPerLane()).isEqualTo(1_000_000);
        assertThat(offLanes.bulkQuantumBytes()).isEqualTo(64);

        rejects("network:\n  lanes:\n    max_messages_per_lane: 0\n", "network.lanes.max_messages_per_lane: must be >= 1, got 0");
        rejects("network:\n  lanes:\n    starvation_ratio: 32\n    bulk_quantum: 16\n",
                "network.lanes.bulk_quantum: must be at least starvation_ratio (32) bytes, got 16");
        rejects("network:\n  lanes:\n    backpressure:\n      bulk_drop_threshold: 10\n",
                "network.lanes.backpressure.bulk_drop_threshold: must be >= 25, got 10");
        rejects("network:\n  lanes:\n    max_bytes_per_lane: lots\n", "network.lanes.max_bytes_per_lane: must be a size like"
                + " \"512MiB\" or \"50GB\" (units B; KiB, MiB, GiB, TiB = 1024^n; kB, MB, GB, TB = 1000^n), got \"lots\"");
    }

    @Test
    void valuesAreParsedOnceIntoTheirTypes() throws IOException {
        NodeConfig c = loadYaml("""
                node:
                  mode: archive
                storage:
                  compression: none
                network:
                  listen_address: "[::1]:9555"
                  introducer: "intro.example:9448"
                  peer_connect_interval_secs: 7
                api:
                  metrics_listen_address: 127.0.0.1:0
                  cache_size: 25%
                  rate_limits:
                    api_requests: 3/hour
                """);
        assertThat(c.node().mode()).isEqualTo(NodeConfig.Mode.ARCHIVE);
        assertThat(c.storage().compression()).isEqualTo(net.dig.storage.Compression.NONE);
        assertThat(c.network().listenAddress()).isEqualTo(new HostPort("::1", 9555));
        assertThat(c.network().listenAddress()).hasToString("[::1]:9555");
        assertThat(c.network().introducer()).isEqualTo(net.dig.net.GossipConfig.IntroducerConfig.of("intro.example:9448"));
        assertThat(c.network().peerConnectInterval()).isEqualTo(java.time.Duration.ofSeconds(7));
        assertThat(c.api().metricsListen()).contains(new HostPort("127.0.0.1", 0));
        assertThat(c.api().cacheSize().bytes(1000)).isEqualTo(250);
        assertThat(c.api().rateLimits().apiRequests()).isEqualTo(new net.dig.api.RateLimit(3, java.time.Duration.ofHours(1)));

        rejects("network:\n  introducer: \"wss://\"\n", "network.introducer: must be host:port or wss://host:port, got \"wss://\"");
        rejects("network:\n  peer_connect_interval_secs: 0\n", "network.peer_connect_interval_secs: must be >= 1, got 0");
        rejects("network:\n  peer_connect_interval_secs: soon\n", "network.peer_connect_interval_secs: expected an integer, got \"soon\"");
        rejects("network:\n  listen_address: 9444\n", "network.listen_address: expected a string, got 9444");
        rejects("storage:\n  compression: ZSTD\n", "storage.compression: must be one of zstd, none, got \"ZSTD\"");
    }
}
