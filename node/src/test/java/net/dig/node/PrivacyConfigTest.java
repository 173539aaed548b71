package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.net.GossipConfig;
import net.dig.net.TorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code network.tor.*} and {@code network.asmap_file} reach GossipConfig; off by default. */
class PrivacyConfigTest {
    @TempDir Path dir;

    private GossipConfig gossip(String yaml) throws IOException {
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, yaml);
        NodeConfig c = ConfigLoader.load(Optional.of(file), Map.of(), List.of());
        return GossipWiring.gossipConfig(new DigNodeCommand.NodeContext(new NodeHome(dir), c, Optional.empty()));
    }

    @Test
    void bothAreOffByDefault() throws IOException {
        GossipConfig c = gossip("");
        assertThat(c.tor()).isEmpty();
        assertThat(c.asmap()).isEmpty();
    }

    @Test
    void torSectionBecomesTheProxyConfig() throws IOException {
        GossipConfig c = gossip("network:\n  tor:\n    enabled: true\n    socks_proxy: \"127.0.0.1:9150\"\n    clearnet_via_proxy: false\n");
        assertThat(c.tor()).hasValueSatisfying(t -> {
            assertThat(t.socksProxy().getHostString()).isEqualTo("127.0.0.1");
            assertThat(t.socksProxy().getPort()).isEqualTo(9150);
            assertThat(t.clearnetViaProxy()).isFalse();
        });
        assertThat(gossip("network:\n  tor:\n    enabled: true\n").tor()).map(TorConfig::socksProxy)
                .hasValueSatisfying(p -> assertThat(p.getPort()).isEqualTo(TorConfig.DEFAULT_SOCKS_PORT));
        assertThatThrownBy(() -> gossip("network:\n  tor:\n    socks_proxy: \"127.0.0.1:0\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("network.tor.socks_proxy");
    }

    @Test
    void asmapFileIsReadRelativeToTheDataDirectoryAndChecked() throws IOException {
        // DEFAULT(5) MATCH(first bit 1) RETURN(7): IPv4 (::ffff:0:0/96, first bit 0) maps to AS 5 (AsmapTest)
        Files.write(dir.resolve("ip.asmap"), java.util.HexFormat.of().parseHex("07009900c000"));
        GossipConfig c = gossip("network:\n  asmap_file: \"ip.asmap\"\n");
        assertThat(c.asmap()).hasValueSatisfying(m -> assertThat(m.lookup(InetAddress.ofLiteral("10.20.1.1"))).isEqualTo(5));

        Files.write(dir.resolve("bad.asmap"), new byte[] {1, 0, 0});
        assertThatThrownBy(() -> gossip("network:\n  asmap_file: \"bad.asmap\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("network.asmap_file").hasMessageContaining("is not an asmap file: malformed asmap");
        assertThatThrownBy(() -> gossip("network:\n  asmap_file: \"missing.asmap\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("network.asmap_file: cannot read");
    }
}
