package net.dig.net;

import static net.dig.net.GossipServiceTest.errorOf;
import static net.dig.net.GossipServiceTest.get;
import static net.dig.net.GossipServiceTest.receive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import net.dig.testkit.ManualClock;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIG opcodes (200..255) never go to a peer that did not show it speaks DIG: a Chia node would close
 * the connection. Two in-JVM nodes advertise as DIG ({@code dig-node/...}); one advertises as plain
 * Chia (software version {@code 2.7.5}, as chia-blockchain sends).
 */
class DigDialectTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, clock);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    void theSoftwareVersionPrefixDigMarksADigPeer() {
        assertThat(DigDialect.speaksDig("dig-gossip/0.28.0")).isTrue();
        assertThat(DigDialect.speaksDig("dig-node/0.1.0")).isTrue();
        assertThat(DigDialect.speaksDig("DIG-interop-peer/0.1.0")).isTrue();
        assertThat(DigDialect.speaksDig("2.7.5")).isFalse();
        assertThat(DigDialect.speaksDig("digger")).isFalse();
        assertThat(DigDialect.speaksDig("dig")).isFalse();
        assertThat(DigDialect.speaksDig("")).isFalse();
        assertThat(DigDialect.speaksDig(null)).isFalse();
        assertThat(DigDialect.maySend(199, "2.7.5")).isTrue();
        assertThat(DigDialect.maySend(200, "2.7.5")).isFalse();
        assertThat(DigDialect.maySend(255, "2.7.5")).as("255 is Chia's error, not DIG's").isTrue();
        assertThat(DigDialect.maySend(254, "2.7.5")).isFalse();
        assertThat(DigDialect.maySend(255, "dig-node/0.1.0")).isTrue();
    }

    @Test
    void nodeMessagesGoOnlyToPeersRunningThisNode() {
        assertThat(DigDialect.maySend(240, "dig-node/0.1.0")).isTrue();
        assertThat(DigDialect.maySend(240, "dig-gossip/0.28.0")).as("other DIG implementations do not define 240").isFalse();
        assertThat(DigDialect.maySend(240, "2.7.5")).isFalse();
        assertThat(DigDialect.maySend(240, null)).isFalse();
        assertThat(DigDialect.maySend(242, "dig-node/0.1.0")).isTrue();
        assertThat(DigDialect.maySend(242, "dig-gossip/0.28.0")).as("relay frames are this project's own").isFalse();
        assertThat(DigDialect.maySend(222, "dig-gossip/0.28.0")).isTrue();
    }

    @Test
    void broadcastsSkipAndSendToRefusesAPeerThatAdvertisesAsPlainChia() throws Exception {
        GossipService a = nodes.start();
        GossipService dig = nodes.start();
        GossipService chia = nodes.start(cfg -> cfg.transport(cfg.build().transport().toBuilder().softwareVersion("2.7.5").build()));
        InboundReceiver atDig = dig.handle().inboundReceiver();
        InboundReceiver atChia = chia.handle().inboundReceiver();
        get(a.handle().connectTo(TestNodes.loopback(dig)));
        get(chia.handle().connectTo(TestNodes.loopback(a)));
        await().atMost(BOUND).until(() -> get(a.handle().peerCount()) == 2);
        assertThat(get(a.handle().connectedPeers())).filteredOn(p -> p.peerId().equals(chia.peerId()))
                .singleElement().extracting(PeerConnection::softwareVersion).isEqualTo("2.7.5");

        get(a.handle().broadcast(Message.of(201, new byte[] {1}), Optional.empty()));
        assertThat(receive(atDig, 201).peer()).isEqualTo(a.peerId());

        GossipError refused = errorOf(a.handle().sendTo(chia.peerId(), Message.of(220, new byte[] {2})));
        assertThat(refused).isInstanceOfSatisfying(GossipError.MessageRejected.class, e -> assertThat(e.reason())
                .contains("did not show it speaks DIG", "software_version '2.7.5'", "type 220"));
        assertThat(errorOf(a.handle().request(chia.peerId(), Message.of(218, new byte[0]))))
                .isInstanceOf(GossipError.MessageRejected.class);

        // a Chia gossip type still reaches it; frames on one connection are ordered, so had the DIG
        // broadcast been sent it would have arrived first
        int newPeak = ChiaMessageType.NEW_PEAK.code();
        get(a.handle().broadcast(Message.of(newPeak, new byte[] {3}), Optional.empty()));
        InboundMessage m;
        do {
            m = atChia.receive(BOUND).orElseThrow();
            assertThat(m.message().type()).as("no DIG frame reaches the Chia-like peer").isLessThan(200);
        } while (m.message().type() != newPeak);
        assertThat(m.peer()).isEqualTo(a.peerId());
        assertThat(get(a.handle().peerCount())).as("the Chia-like peer is still connected").isEqualTo(2);
        assertThat(get(a.handle().sendTo(chia.peerId(), Message.of(newPeak, new byte[] {4})))).isNull();
    }
}
