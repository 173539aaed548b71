package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Netty event loop runs a blocking call of ours ({@link EventLoopBlocking}) over a real loopback
 * scenario, and the check fires when one does.
 */
class EventLoopBlockingTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<String> blocked = new CopyOnWriteArrayList<>();
    private EventLoopBlocking.Detector previous;
    private TestNodes nodes;
    private IntroducerServer introducer;

    @BeforeEach
    void installDetector() {
        previous = EventLoopBlocking.install((operation, thread) -> blocked.add(operation + " on " + thread.getName()));
        nodes = new TestNodes(dir, Clock.system());
    }

    @AfterEach
    void restore() {
        if (introducer != null) {
            introducer.close();
        }
        nodes.close();
        EventLoopBlocking.install(previous);
    }

    @Test
    void connectHandshakeBroadcastRequestAndAnIntroducerByNameBlockNoEventLoop() throws Exception {
        introducer = new IntroducerServer(nodes.config().build(), Duration.ofMillis(500), Clock.system(), new SplittableRandom(1));
        introducer.start();
        // By name: the discovery loop on the control loop dials it, and the name must be resolved elsewhere.
        String byName = "wss://localhost:" + introducer.listenAddress().getPort();
        GossipService a = nodes.start(cfg -> cfg.introducer(GossipConfig.IntroducerConfig.of(byName))
                .targetOutboundCount(1).peerConnectInterval(Duration.ofMillis(200)));
        GossipService b = nodes.start(cfg -> cfg.targetOutboundCount(0));
        await().atMost(BOUND).until(() -> introducer.knownCount() >= 1);

        InboundReceiver atB = b.handle().inboundReceiver();
        GossipServiceTest.get(a.handle().connectTo(TestNodes.loopback(b)));
        assertThat(GossipServiceTest.get(a.handle().broadcast(Message.of(201, new byte[] {1}), Optional.empty()))).isPositive();
        assertThat(GossipServiceTest.receive(atB, 201).peer()).isEqualTo(a.peerId());
        // B asks A: A's own discovery already asked B for peers, and B answers a peer at most three times a
        // minute (Chia's outbound limit), so a request the other way could go unanswered
        assertThat(GossipServiceTest.get(b.handle().requestPeersFrom(a.peerId()))).isNotNull();
        assertThat(GossipServiceTest.get(a.handle().stats()).connectedPeers()).isPositive();
        a.stop();
        b.stop();

        assertThat(blocked).as("blocking calls made on event loops").isEmpty();
    }

    @Test
    void theCheckFiresWhenABlockingCallIsPutOnAnEventLoop() throws Exception {
        GossipService a = nodes.start(cfg -> cfg.targetOutboundCount(0));
        CompletableFuture<InetSocketAddress> onLoop = new CompletableFuture<>();
        a.onControl(() -> {
            try {
                onLoop.complete(Dialer.resolve(InetSocketAddress.createUnresolved("localhost", 1)));
            } catch (RuntimeException e) {
                onLoop.completeExceptionally(e);
            }
        });
        onLoop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(blocked).singleElement().asString().startsWith("resolve localhost on ");

        Dialer.resolve(InetSocketAddress.createUnresolved("localhost", 1));
        assertThat(blocked).as("off the event loops the same call is fine").hasSize(1);
        assertThat(EventLoopBlocking.onEventLoop()).isFalse();
    }
}
