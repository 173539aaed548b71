package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.core.Clock;
import net.dig.wire.RegisterAck;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntroducerServerTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir Path dir;
    private TestNodes nodes;
    private IntroducerServer introducer;

    @AfterEach
    void tearDown() {
        nodes.close();
        introducer.close();
    }

    @Test
    void registeredAndVettedPeersAreHandedOutExcludingTheAsker() throws Exception {
        nodes = new TestNodes(dir, Clock.system());
        introducer = new IntroducerServer(nodes.config().build(), Duration.ofMillis(500), Clock.system(), new SplittableRandom(1));
        introducer.start();
        String url = "wss://127.0.0.1:" + introducer.listenAddress().getPort();
        GossipService a = nodes.start(cfg -> cfg.introducer(GossipConfig.IntroducerConfig.of(url)).targetOutboundCount(0));
        GossipService b = nodes.start(cfg -> cfg.introducer(GossipConfig.IntroducerConfig.of(url)).targetOutboundCount(0));

        RegisterAck ack = GossipServiceTest.get(a.handle().registerWithIntroducer());
        assertThat(ack.success()).isTrue();
        assertThat(GossipServiceTest.get(b.handle().registerWithIntroducer()).success()).isTrue();
        await().atMost(BOUND).until(() -> introducer.knownCount() == 2);

        List<TimestampedPeerInfo> forB = GossipServiceTest.get(b.handle().discoverFromIntroducer());
        await().atMost(BOUND).until(() -> !GossipServiceTest.get(b.handle().discoverFromIntroducer()).isEmpty());
        forB = GossipServiceTest.get(b.handle().discoverFromIntroducer());
        assertThat(forB).containsExactly(new TimestampedPeerInfo("127.0.0.1", a.listenAddress().getPort(), 0));
        List<TimestampedPeerInfo> forA = GossipServiceTest.get(a.handle().discoverFromIntroducer());
        assertThat(forA).containsExactly(new TimestampedPeerInfo("127.0.0.1", b.listenAddress().getPort(), 0));
        assertThat(GossipServiceTest.get(b.handle().stats()).knownAddresses()).isEqualTo(1);
        // the introducer links were closed after each exchange; nobody counts them as peers
        await().atMost(BOUND).until(() -> GossipServiceTest.get(introducer.service().handle().peerCount()) == 0);
    }

    @Test
    void withoutAnIntroducerDiscoveryFailsWithNotConfigured() throws Exception {
        nodes = new TestNodes(dir, Clock.system());
        introducer = new IntroducerServer(nodes.config().build(), Duration.ofSeconds(1), Clock.system(), new SplittableRandom(1));
        GossipService a = nodes.start(cfg -> cfg.targetOutboundCount(0));
        assertThat(GossipServiceTest.errorOf(a.handle().discoverFromIntroducer())).isInstanceOf(GossipError.NotConfigured.class);
        assertThat(GossipServiceTest.errorOf(a.handle().registerWithIntroducer())).isInstanceOf(GossipError.NotConfigured.class);
    }
}
