package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.dig.proptest.PropertyRunner;
import net.dig.wire.Message;
import org.junit.jupiter.api.Test;

class LaneSchedulerTest {
    private static final int NEW_PEAK = 20;
    private static final int NEW_TRANSACTION = 21;
    private static final int REQUEST_BLOCK = 26;
    private static final int RESPOND_BLOCKS = 30;

    private static int counter;

    private static Message msg(int type, int size) {
        byte[] data = new byte[size];
        int c = counter++;
        for (int i = 0; i < Math.min(4, size); i++) {
            data[i] = (byte) (c >>> (8 * i));
        }
        return new Message(type, OptionalInt.empty(), data);
    }

    @Test
    void clearEmptiesEveryLaneWithoutCountingSends() {
        LaneScheduler lanes = new LaneScheduler(new LaneConfig(4096, 64L << 20, 16, 64 << 10,
                Optional.of(new BackpressureConfig(1, 3, 3, 500))));
        lanes.offer(msg(NEW_PEAK, 10), 0);
        lanes.offer(msg(NEW_TRANSACTION, 10), 0);
        lanes.offer(msg(RESPOND_BLOCKS, 1000), 0);
        Message delayed = msg(NEW_TRANSACTION, 10);
        assertThat(lanes.offer(delayed, 0)).isEqualTo(LaneAdmission.DELAYED);
        assertThat(lanes.poll(0).type()).isEqualTo(NEW_PEAK);

        assertThat(lanes.clear()).isEqualTo(3);
        LaneStats stats = lanes.stats();
        assertThat(stats.depth()).isZero();
        assertThat(stats.queuedBytes()).isZero();
        assertThat(stats.sentCritical() + stats.sentNormal() + stats.sentBulk()).isEqualTo(1);
        assertThat(lanes.nextReleaseMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(lanes.poll(10_000)).isNull();
        // the cleared transaction is not taken for a duplicate of a queued one any more
        lanes.offer(msg(NEW_PEAK, 10), 0);
        assertThat(lanes.offer(delayed, 0)).isEqualTo(LaneAdmission.QUEUED);
        assertThat(stats.counters()).isEqualTo(new LaneStats(0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0));
    }

    @Test
    void classifiesTheSeedsTable() {
        assertThat(MessagePriority.of(20)).isEqualTo(MessagePriority.CRITICAL);   // NewPeak
        assertThat(MessagePriority.of(27)).isEqualTo(MessagePriority.CRITICAL);   // RespondBlock
        assertThat(MessagePriority.of(200)).isEqualTo(MessagePriority.CRITICAL);  // NewAttestation
        assertThat(MessagePriority.of(201)).isEqualTo(MessagePriority.CRITICAL);
        assertThat(MessagePriority.of(202)).isEqualTo(MessagePriority.CRITICAL);
        assertThat(MessagePriority.of(214)).isEqualTo(MessagePriority.CRITICAL);  // Plumtree IHAVE
        assertThat(MessagePriority.of(21)).isEqualTo(MessagePriority.NORMAL);     // NewTransaction
        assertThat(MessagePriority.of(26)).isEqualTo(MessagePriority.NORMAL);     // RequestBlock
        assertThat(MessagePriority.of(32)).isEqualTo(MessagePriority.NORMAL);     // NewUnfinishedBlock
        assertThat(MessagePriority.of(205)).isEqualTo(MessagePriority.NORMAL);    // RequestStatus
        assertThat(MessagePriority.of(203)).isEqualTo(MessagePriority.NORMAL);
        assertThat(MessagePriority.of(29)).isEqualTo(MessagePriority.BULK);       // RequestBlocks
        assertThat(MessagePriority.of(30)).isEqualTo(MessagePriority.BULK);       // RespondBlocks
        assertThat(MessagePriority.of(43)).isEqualTo(MessagePriority.BULK);       // RequestPeers
        assertThat(MessagePriority.of(44)).isEqualTo(MessagePriority.BULK);
        assertThat(MessagePriority.of(39)).isEqualTo(MessagePriority.BULK);       // mempool sync
        assertThat(MessagePriority.of(208)).isEqualTo(MessagePriority.BULK);      // ValidatorAnnounce
        assertThat(MessagePriority.of(255)).isEqualTo(MessagePriority.NORMAL);    // Chia error
        assertThat(MessagePriority.of(250)).isEqualTo(MessagePriority.NORMAL);    // unknown DIG
        assertThat(MessagePriority.fromChiaType(200)).isEqualTo(MessagePriority.NORMAL);
        assertThat(MessagePriority.fromDigType(20)).isEqualTo(MessagePriority.NORMAL);
    }

    @Test
    void criticalThenNormalThenBulk() {
        LaneScheduler s = new LaneScheduler(LaneConfig.defaults());
        Message b = msg(RESPOND_BLOCKS, 10);
        Message n = msg(REQUEST_BLOCK, 10);
        Message c = msg(NEW_PEAK, 10);
        s.offer(b, 0);
        s.offer(n, 0);
        s.offer(c, 0);
        assertThat(List.of(s.poll(0), s.poll(0), s.poll(0))).containsExactly(c, n, b);
        assertThat(s.poll(0)).isNull();
    }

    @Test
    void oneSmallBulkMessagePassesPerSixteenHigherOnes() {
        LaneScheduler s = new LaneScheduler(new LaneConfig(4096, 64L << 20, 16, 64 << 10, Optional.empty()));
        for (int i = 0; i < 5; i++) {
            s.offer(msg(RESPOND_BLOCKS, 1000), 0);
        }
        for (int i = 0; i < 100; i++) {
            s.offer(msg(i % 2 == 0 ? NEW_PEAK : REQUEST_BLOCK, 100), 0);
        }
        List<Integer> bulkPositions = new ArrayList<>();
        for (int pos = 1; pos <= 105; pos++) {
            if (s.poll(0).type() == RESPOND_BLOCKS) {
                bulkPositions.add(pos);
            }
        }
        assertThat(bulkPositions).containsExactly(17, 34, 51, 68, 85);
        assertThat(s.stats().bulkSentByStarvationGuard()).isEqualTo(5);
    }

    @Test
    void aLargeBulkMessageWaitsForCreditInBytesNotJustSixteenMessages() {
        LaneScheduler s = new LaneScheduler(LaneConfig.defaults());
        Message big = msg(RESPOND_BLOCKS, 1 << 20);
        s.offer(big, 0);
        for (int i = 0; i < 400; i++) {
            s.offer(msg(NEW_PEAK, 100), 0);
        }
        int position = 0;
        for (int pos = 1; pos <= 401; pos++) {
            if (s.poll(0) == big) {
                position = pos;
            }
        }
        int creditPerMessage = (64 << 10) / 16;
        int needed = (big.encodedSize() + creditPerMessage - 1) / creditPerMessage;
        assertThat(needed).isEqualTo(257);
        assertThat(position).isEqualTo(needed + 1);
    }

    @Test
    void backpressureDedupsTransactionsThenDropsBulkThenDelaysNormalButNeverCritical() {
        LaneScheduler s = new LaneScheduler(LaneConfig.defaults());
        Message tx = msg(NEW_TRANSACTION, 40);
        assertThat(s.offer(tx, 0)).isEqualTo(LaneAdmission.QUEUED);
        for (int i = 1; i < 25; i++) {
            s.offer(msg(REQUEST_BLOCK, 10), 0);
        }
        assertThat(s.depth()).isEqualTo(25);
        Message sameTx = new Message(NEW_TRANSACTION, OptionalInt.empty(), tx.data().clone());
        assertThat(s.offer(sameTx, 0)).isEqualTo(LaneAdmission.DROPPED_DUPLICATE_TRANSACTION);
        assertThat(s.offer(msg(RESPOND_BLOCKS, 10), 0)).isEqualTo(LaneAdmission.QUEUED);
        while (s.depth() < 50) {
            s.offer(msg(REQUEST_BLOCK, 10), 0);
        }
        assertThat(s.offer(msg(RESPOND_BLOCKS, 10), 0)).isEqualTo(LaneAdmission.DROPPED_BULK);
        while (s.depth() < 100) {
            s.offer(msg(REQUEST_BLOCK, 10), 0);
        }
        Message late = msg(REQUEST_BLOCK, 10);
        assertThat(s.offer(late, 1_000)).isEqualTo(LaneAdmission.DELAYED);
        Message peak = msg(NEW_PEAK, 10);
        assertThat(s.offer(peak, 1_000)).isEqualTo(LaneAdmission.QUEUED);
        assertThat(s.nextReleaseMillis()).isEqualTo(1_500);

        assertThat(s.poll(1_000)).isSameAs(peak);
        List<Message> before = new ArrayList<>();
        for (Message m; (m = s.poll(1_499)) != null; ) {
            before.add(m);
        }
        assertThat(before).hasSize(100).doesNotContain(late);
        assertThat(s.poll(1_500)).isSameAs(late);
        LaneStats st = s.stats();
        assertThat(st.droppedDuplicateTransactions()).isEqualTo(1);
        assertThat(st.droppedBulk()).isEqualTo(1);
        assertThat(st.delayedNormal()).isEqualTo(1);
        assertThat(st.depth()).isZero();
        assertThat(st.queuedBytes()).isZero();
    }

    @Test
    void aFullCriticalLaneIsReportedNotDropped() {
        LaneScheduler s = new LaneScheduler(new LaneConfig(2, 1 << 20, 16, 1 << 16, Optional.empty()));
        assertThat(s.offer(msg(NEW_PEAK, 1), 0)).isEqualTo(LaneAdmission.QUEUED);
        assertThat(s.offer(msg(NEW_PEAK, 1), 0)).isEqualTo(LaneAdmission.QUEUED);
        assertThat(s.offer(msg(NEW_PEAK, 1), 0)).isEqualTo(LaneAdmission.CRITICAL_OVERFLOW);
        assertThat(s.offer(msg(REQUEST_BLOCK, 1), 0)).isEqualTo(LaneAdmission.QUEUED);
        assertThat(s.offer(msg(REQUEST_BLOCK, 1), 0)).isEqualTo(LaneAdmission.QUEUED);
        assertThat(s.offer(msg(REQUEST_BLOCK, 1), 0)).isEqualTo(LaneAdmission.DROPPED_LANE_FULL);
        assertThat(s.stats().criticalOverflows()).isEqualTo(1);
        assertThatThrownBy(() -> new BackpressureConfig(50, 25, 100, 500)).hasMessageContaining("tx_dedup <= bulk_drop");
        assertThatThrownBy(() -> new LaneConfig(0, 1, 16, 16, Optional.empty())).hasMessageContaining("lane bounds");
    }

    /** Every accepted message comes out exactly once; dropped ones never; bounds hold; critical is never dropped. */
    @Test
    void acceptedMessagesLeaveExactlyOnce() {
        PropertyRunner.tries(200).check(g -> acceptedMessagesLeaveExactlyOnce(g.lists(0, 300, r -> r.ints(0, 9))));
    }

    private static void acceptedMessagesLeaveExactlyOnce(List<Integer> script) {
        LaneScheduler s = new LaneScheduler(new LaneConfig(40, 1 << 20, 16, 1 << 16, Optional.of(BackpressureConfig.defaults())));
        IdentityHashMap<Message, Boolean> accepted = new IdentityHashMap<>();
        List<Message> out = new ArrayList<>();
        long now = 0;
        int[] types = {NEW_PEAK, NEW_TRANSACTION, REQUEST_BLOCK, RESPOND_BLOCKS, 200, 208};
        for (int step : script) {
            now += 10;
            if (step < 6) {
                Message m = msg(types[step], 1 + step * 50);
                LaneAdmission a = s.offer(m, now);
                if (a == LaneAdmission.QUEUED || a == LaneAdmission.DELAYED) {
                    accepted.put(m, true);
                }
                if (MessagePriority.of(m.type()) == MessagePriority.CRITICAL) {
                    assertThat(a).isIn(LaneAdmission.QUEUED, LaneAdmission.CRITICAL_OVERFLOW);
                }
            } else {
                Message m = s.poll(now);
                if (m != null) {
                    out.add(m);
                }
            }
            assertThat(s.depth()).isLessThanOrEqualTo(4 * 40);
        }
        now += 10_000;
        for (Message m; (m = s.poll(now)) != null; ) {
            out.add(m);
        }
        assertThat(out).hasSize(accepted.size());
        assertThat(out).allMatch(accepted::containsKey);
        assertThat(new java.util.HashSet<>(out.stream().map(System::identityHashCode).toList())).hasSize(out.size());
    }
}
