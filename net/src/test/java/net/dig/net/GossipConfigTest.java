package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

class GossipConfigTest {
    @Test
    void defaultsAreTheSeeds() {
        GossipConfig c = GossipConfig.defaults();
        assertThat(c.listenAddr()).isEqualTo(new InetSocketAddress("0.0.0.0", 9444));
        assertThat(c.peerId()).isEmpty();
        assertThat(c.networkId()).isEqualTo(Bytes32.ZERO);
        assertThat(c.networkIdHex()).isEqualTo("0".repeat(64));
        assertThat(c.dnsSeedTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.dnsSeedBatchSize()).isEqualTo(2);
        assertThat(c.targetOutboundCount()).isEqualTo(8);
        assertThat(c.maxConnections()).isEqualTo(50);
        assertThat(c.bootstrapPeers()).isEmpty();
        assertThat(c.introducer()).isEmpty();
        assertThat(c.relay()).isEmpty();
        assertThat(c.certPath()).isEmpty();
        assertThat(c.keyPath()).isEmpty();
        assertThat(c.peerConnectInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.gossipFanout()).isEqualTo(8);
        assertThat(c.maxSeenMessages()).isEqualTo(100_000);
        assertThat(c.peersFilePath()).isEqualTo(Path.of("peers.dat"));
        assertThat(c.dandelion()).isEmpty();
        assertThat(c.peerIdRotation()).isEmpty();
        assertThat(c.tor()).isEmpty();
        assertThat(c.erlay()).isEmpty();
        assertThat(c.backpressure()).isEmpty();
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.peerTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.transport().maxFrameBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(c.transport().maxInflightHandshakes()).isEqualTo(200);
        assertThat(c.transport().peerTrust()).isEqualTo(PeerTrust.ANY_CERTIFICATE);
        assertThat(GossipConfig.DandelionConfig.defaults().fluffProbability()).isEqualTo(0.1);
        assertThat(GossipConfig.ErlayConfig.defaults().reconciliationInterval()).isEqualTo(Duration.ofMillis(2000));
        assertThat(GossipConfig.PeerIdRotationConfig.defaults().rotationInterval()).isEqualTo(Duration.ofSeconds(86_400));
        assertThat(GossipConfig.IntroducerConfig.of("wss://intro.example:9448").networkId()).isEqualTo("DIG_MAINNET");
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertThatThrownBy(() -> GossipConfig.builder().maxConnections(0).build()).hasMessageContaining("max_connections");
        assertThatThrownBy(() -> GossipConfig.builder().targetOutboundCount(60).build()).hasMessageContaining("target_outbound_count");
        assertThatThrownBy(() -> GossipConfig.builder().certPath("a.crt").build()).hasMessageContaining("key_path");
        assertThatThrownBy(() -> GossipConfig.builder().peerConnectInterval(Duration.ZERO).build()).hasMessageContaining("peer_connect_interval");
        assertThatThrownBy(() -> GossipConfig.IntroducerConfig.of("wss://")).hasMessageContaining("introducer.endpoint");
        assertThatThrownBy(() -> TransportSettings.defaults().withMaxFrameBytes(10)).hasMessageContaining("max-frame-bytes");
    }

    @Test
    void introducerEndpointDefaultsToPort9448() {
        assertThat(GossipConfig.IntroducerConfig.of("ws://intro.example").address().getPort()).isEqualTo(9448);
        assertThat(GossipConfig.IntroducerConfig.of("wss://10.0.0.1:1234").address().getPort()).isEqualTo(1234);
    }
}
