package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.dig.testkit.ManualClock;
import net.dig.wire.Graft;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.LazyAnnounce.Announcement;
import net.dig.wire.Message;
import net.dig.wire.RequestByHash;
import org.junit.jupiter.api.Test;

class PlumtreeDriverTest {
    private final ManualClock clock = new ManualClock();
    private final List<long[]> dueAt = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();
    private final List<Boolean> cancelled = new ArrayList<>();

    private PlumtreeDriver.Cancellable schedule(Runnable task, long delayMillis) {
        int i = tasks.size();
        tasks.add(task);
        dueAt.add(new long[] {clock.millis() + delayMillis});
        cancelled.add(false);
        return () -> cancelled.set(i, true);
    }

    /** Advances the clock and runs every scheduled, uncancelled task that has come due. */
    private void advance(long millis) {
        clock.advance(Duration.ofMillis(millis));
        for (int i = 0; i < tasks.size(); i++) {
            if (!cancelled.get(i) && dueAt.get(i)[0] <= clock.millis()) {
                cancelled.set(i, true);
                tasks.get(i).run();
            }
        }
    }

    @Test
    void routesOnlyGossipedDigOpcodesWithoutARequestId() {
        assertThat(PlumtreeDriver.routes(Message.of(200, new byte[1]))).isTrue();
        assertThat(PlumtreeDriver.routes(Message.of(214, new byte[1]))).isTrue();
        assertThat(PlumtreeDriver.routes(Message.of(222, new byte[1]))).isTrue();
        assertThat(PlumtreeDriver.routes(Message.of(200, 7, new byte[1]))).isFalse();
        assertThat(PlumtreeDriver.routes(Message.of(203, new byte[1]))).isFalse();
        assertThat(PlumtreeDriver.routes(Message.of(20, new byte[1]))).as("Chia new_peak, as GossipService always routed it").isTrue();
        assertThat(PlumtreeDriver.routes(Message.of(43, new byte[1]))).isFalse();
        assertThat(PlumtreeDriver.routes(Message.of(225, new byte[1]))).isFalse();
    }

    @Test
    void eventsReachTheRouterAndTimersFireThroughTheScheduler() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeDriver driver = new PlumtreeDriver(PlumtreeConfig.defaults(), clock, Runnable::run, this::schedule, out);
        PeerId a = PlumtreeRouterTest.peer(1);
        driver.neighborUp(a);
        Message m = new Message(200, OptionalInt.empty(), new byte[] {1, 2, 3});
        assertThat(driver.broadcast(m, Optional.empty()).join()).isEqualTo(1);
        assertThat(out.drain()).extracting(RecordingOutput.Sent::message).containsExactly(m);

        Message missing = new Message(200, OptionalInt.empty(), new byte[] {9});
        driver.message(a, new LazyAnnounce(List.of(new Announcement(MessageId.of(missing).value(), 200))).toMessage());
        assertThat(tasks).isNotEmpty();
        advance(499);
        assertThat(out.sent).isEmpty();
        advance(1);
        assertThat(out.drain()).extracting(s -> s.message().type()).containsExactly(Graft.OPCODE, RequestByHash.OPCODE);
        driver.message(a, missing);
        assertThat(out.delivered).containsExactly(missing);
        assertThat(driver.stats().join().delivered()).isEqualTo(1);

        driver.close();
        driver.message(a, new Message(200, OptionalInt.empty(), new byte[] {4}));
        assertThat(out.delivered).hasSize(1);
        assertThat(driver.broadcast(m, Optional.empty())).isCompletedExceptionally();
    }
}
