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
        assertThat(c.node().operatingMode()).isEqualTo(NodeConfig.Mode.SELECTIVE);
        assertThat(c.storage().plotsDir()).containsExactly("plots");
        assertThat(c.storage().maxPlots()).isEqualTo(100);
        assertThat(c.storage().index()).isEqualTo("index.sqlite");
        assertThat(c.network().listenAddress()).isEqualTo("0.0.0.0:9444");
        assertThat(c.network().networkId()).isEqualTo("0".repeat(64));
        assertThat(c.economic().tierPreference()).containsExactly(1, 2, 3);
        assertThat(c.monitoring().logFilePath()).isEmpty();
        assertThat(c.api().listenAddress()).isEqualTo("0.0.0.0:8555");
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
        assertThat(c.network().bootstrapNodes()).containsExactly("dig1.bootstrap.dig.net:8444", "dig2.bootstrap.dig.net:8444");
        assertThat(c.validation().stakeAmount()).isEqualTo(1000.0);
        assertThat(c.monitoring().logFilePath()).contains("/var/log/dig-node.log");
        assertThat(c.api().listenAddress()).isEqualTo("0.0.0.0:8555"); // not in the seed: default
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
                "storage.max_plot: unknown key; known keys of storage: plots_dir, cache_dir, max_plots, compression, index");
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
        assertThat(c.network().bootstrapNodes()).containsExactly("h1:9444", "h2:9444");
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
}
