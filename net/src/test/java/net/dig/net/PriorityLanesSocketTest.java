package net.dig.net;

import static net.dig.net.GossipServiceTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.dig.core.Clock;
import net.dig.gossip.LaneStats;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lanes on a real TLS WebSocket over 127.0.0.1: a burst of 256 KiB bulk messages far above the
 * write-buffer high mark, with critical messages sent in the middle of it, is written completely and in
 * lane order, and {@code stats()} reports what each lane sent and that nothing is left queued, also
 * after the connection closed.
 */
class PriorityLanesSocketTest {
    private static final int BULK = 16;
    private static final int CRITICAL = 8;
    private static final Duration BOUND = Duration.ofSeconds(30);
    @TempDir Path dir;
    private TestNodes nodes;

    @AfterEach
    void tearDown() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void bulkBurstAboveTheHighWaterMarkIsWrittenCompletelyAndCriticalMessagesGetThrough() throws Exception {
        nodes = new TestNodes(dir, Clock.system());
        GossipService a = nodes.start();
        GossipService b = nodes.start();
        InboundReceiver atB = b.handle().inboundReceiver();
        get(a.handle().connectTo(TestNodes.loopback(b)));

        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < BULK; i++) {
            byte[] body = new byte[256 << 10];
            body[0] = (byte) i;
            sent.add(a.handle().sendTo(b.peerId(), Message.of(ChiaMessageType.RESPOND_BLOCKS.code(), body)));
            if (i % (BULK / CRITICAL) == 0) {
                sent.add(a.handle().sendTo(b.peerId(), Message.of(ChiaMessageType.RESPOND_BLOCK.code(), new byte[] {(byte) i})));
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

        int bulkSeen = 0;
        int criticalSeen = 0;
        List<Integer> bulkOrder = new ArrayList<>();
        while (bulkSeen < BULK || criticalSeen < CRITICAL) {
            Optional<InboundMessage> in = atB.receive(BOUND);
            assertThat(in).as("bulk %d/%d, critical %d/%d received", bulkSeen, BULK, criticalSeen, CRITICAL).isPresent();
            Message m = in.get().message();
            if (m.type() == ChiaMessageType.RESPOND_BLOCKS.code()) {
                bulkOrder.add((int) m.data()[0]);
                bulkSeen++;
            } else if (m.type() == ChiaMessageType.RESPOND_BLOCK.code()) {
                criticalSeen++;
            }
        }
        assertThat(bulkOrder).as("one lane is FIFO").isSorted();

        LaneStats lanes = get(a.handle().stats()).lanes();
        assertThat(lanes.sentBulk()).isGreaterThanOrEqualTo(BULK);
        assertThat(lanes.sentCritical()).isGreaterThanOrEqualTo(CRITICAL);
        assertThat(lanes.depth()).isZero();
        assertThat(lanes.queuedBytes()).isZero();
        assertThat(lanes.dropped()).isZero();

        // the counters outlive the connection (they feed Prometheus counters, which must not go down)
        get(a.handle().disconnect(b.peerId()));
        org.awaitility.Awaitility.await().atMost(BOUND).until(() -> get(a.handle().peerCount()) == 0);
        LaneStats afterClose = get(a.handle().stats()).lanes();
        assertThat(afterClose.sentBulk()).isEqualTo(lanes.sentBulk());
        assertThat(afterClose.sentCritical()).isEqualTo(lanes.sentCritical());
        assertThat(afterClose.depth()).isZero();
    }
}
