package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GossipConfigTest {
    @Test
    void defaultsAreTheSeeds() {
        GossipConfig c = GossipConfig.defaults();
        assertThat(c.listenAddr()).isEqualTo(new InetSocketAddress("0.0.0.0", 9444));
        assertThat(c.peerId()).isEmpty();
        assertThat(c.networkId()).isEqualTo("0".repeat(64));
        assertThat(c.dnsSeedTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.dnsSeedBatchSize()).isEqualTo(2);
        assertThat(c.targetOutboundCount()).isEqualTo(8);
        assertThat(c.maxConnections()).isEqualTo(50);
        assertThat(c.bootstrapPeers()).isEmpty();
        assertThat(c.introducer()).isEmpty();
        assertThat(c.certPath()).isEmpty();
        assertThat(c.keyPath()).isEmpty();
        assertThat(c.peerConnectInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.gossipFanout()).isEqualTo(8);
        assertThat(c.maxSeenMessages()).isEqualTo(100_000);
        assertThat(c.peersFilePath()).isEqualTo(Path.of("peers.dat"));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.peerTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.transport().maxFrameBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(c.transport().maxInflightHandshakes()).isEqualTo(200);
        assertThat(c.transport().peerTrust()).isEqualTo(PeerTrust.ANY_CERTIFICATE);
        assertThat(GossipConfig.IntroducerConfig.of("wss://intro.example:9448").networkId()).isEqualTo("DIG_MAINNET");
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertThatThrownBy(() -> GossipConfig.builder().maxConnections(0).build()).hasMessageContaining("max_connections");
        assertThatThrownBy(() -> GossipConfig.builder().targetOutboundCount(60).build()).hasMessageContaining("target_outbound_count");
        assertThatThrownBy(() -> GossipConfig.builder().certPath("a.crt").build()).hasMessageContaining("key_path");
        assertThatThrownBy(() -> GossipConfig.builder().peerConnectInterval(Duration.ZERO).build()).hasMessageContaining("peer_connect_interval");
        assertThatThrownBy(() -> GossipConfig.IntroducerConfig.of("wss://")).hasMessageContaining("introducer.endpoint");
        assertThatThrownBy(() -> GossipConfig.builder().networkId("").build()).hasMessageContaining("network_id");
        assertThatThrownBy(() -> TransportSettings.defaults().toBuilder().maxFrameBytes(10).build()).hasMessageContaining("max-frame-bytes");
        assertThatThrownBy(() -> new TransportSettings.SocketBuffers(4095, 0)).hasMessageContaining("socket_send_buffer_bytes");
        assertThatThrownBy(() -> new TransportSettings.SocketBuffers(0, (64 << 20) + 1)).hasMessageContaining("socket_receive_buffer_bytes");
        assertThatThrownBy(() -> new TransportSettings.SocketBuffers(-1, 0)).hasMessageContaining("got -1");
    }

    @Test
    void networkIdsAreChiaStyleNamesOfPrintableAscii() {
        assertThat(GossipConfig.builder().networkId("testnet11").build().networkId()).isEqualTo("testnet11");
        assertThat(GossipConfig.checkNetworkId("mainnet")).isEqualTo("mainnet");
        assertThat(GossipConfig.checkNetworkId("f".repeat(64))).hasSize(64);
        assertThatThrownBy(() -> GossipConfig.checkNetworkId("")).hasMessage("network_id must not be empty");
        assertThatThrownBy(() -> GossipConfig.checkNetworkId("x".repeat(65))).hasMessage("network_id must be at most 64 characters, got 65");
        assertThatThrownBy(() -> GossipConfig.checkNetworkId("test net"))
                .hasMessage("network_id must be printable ASCII without white space, got U+0020 at index 4");
        assertThatThrownBy(() -> GossipConfig.checkNetworkId("mainnét"))
                .hasMessage("network_id must be printable ASCII without white space, got U+00E9 at index 5");
        assertThatThrownBy(() -> GossipConfig.builder().networkId("main\tnet").build()).hasMessageContaining("U+0009");
    }

    @Test
    void introducerEndpointDefaultsToPort9448() {
        assertThat(GossipConfig.IntroducerConfig.of("ws://intro.example").address().getPort()).isEqualTo(9448);
        assertThat(GossipConfig.IntroducerConfig.of("wss://10.0.0.1:1234").address().getPort()).isEqualTo(1234);
    }
}
