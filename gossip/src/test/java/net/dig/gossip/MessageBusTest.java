package net.dig.gossip;

import static net.dig.gossip.PlumtreeRouterTest.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import net.dig.wire.Message;
import org.junit.jupiter.api.Test;

class MessageBusTest {
    private static Message message(int type, int n) {
        return new Message(type, OptionalInt.empty(), new byte[] {(byte) n});
    }

    @Test
    void aSlowHandlerHoldsAtMostTheBoundAndEveryRefusalIsCounted() {
        MessageBus bus = new MessageBus(new MessageBusConfig(8, 3));
        List<CompletableFuture<Void>> unfinished = new ArrayList<>();
        List<Message> handed = new ArrayList<>();
        MessageBus.Subscription slow = bus.subscribe(200, (from, m) -> {
            handed.add(m);
            CompletableFuture<Void> done = new CompletableFuture<>();
            unfinished.add(done);
            return done;
        });
        List<MessageBus.Delivery> outcomes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            outcomes.add(bus.deliver(peer(1), message(200, i)));
            assertThat(slow.undelivered(200)).isLessThanOrEqualTo(3);
        }
        assertThat(handed).hasSize(3);
        assertThat(outcomes).filteredOn(o -> o == MessageBus.Delivery.REFUSED).hasSize(7);
        assertThat(slow.refused()).isEqualTo(7);
        assertThat(bus.stats().refused() + bus.stats().delivered()).as("every message is accounted for").isEqualTo(10);

        unfinished.get(0).complete(null);
        assertThat(bus.deliver(peer(1), message(200, 10))).isEqualTo(MessageBus.Delivery.HANDED);
        assertThat(handed).hasSize(4);
        assertThat(slow.undelivered(200)).isEqualTo(3);
    }

    @Test
    void aDirectMessageAtTheBoundIsHandedOverAndPausesItsSourceUntilThereIsRoom() {
        MessageBus bus = new MessageBus(new MessageBusConfig(8, 2));
        List<CompletableFuture<Void>> unfinished = new ArrayList<>();
        MessageBus.Subscription slow = bus.subscribe(200, (from, m) -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            unfinished.add(done);
            return done;
        });
        assertThat(bus.deliverPausing(peer(1), message(200, 0))).isEqualTo(MessageBus.Delivery.HANDED);
        assertThat(bus.deliverPausing(peer(1), message(200, 1))).isEqualTo(MessageBus.Delivery.HANDED_PAUSE);
        List<String> resumed = new ArrayList<>();
        bus.whenRoom(200, () -> resumed.add("a"));
        assertThat(resumed).as("still full: the source stays paused").isEmpty();
        // a message the source had already decoded is handed over past the bound, never refused
        assertThat(bus.deliverPausing(peer(1), message(200, 2))).isEqualTo(MessageBus.Delivery.HANDED_PAUSE);
        bus.whenRoom(200, () -> resumed.add("b"));
        assertThat(slow.undelivered(200)).isEqualTo(3);
        assertThat(slow.refused()).isZero();

        unfinished.get(0).complete(null);
        assertThat(resumed).as("2 of 2 unfinished: still at the bound").isEmpty();
        unfinished.get(1).complete(null);
        assertThat(resumed).as("below the bound: every paused source resumes once").containsExactly("a", "b");
        unfinished.get(2).complete(null);
        assertThat(resumed).hasSize(2);
        bus.whenRoom(200, () -> resumed.add("c"));
        assertThat(resumed).as("room now: at once").endsWith("c");
        assertThat(bus.stats().delivered()).isEqualTo(3);
        assertThat(bus.stats().refused()).isZero();
        assertThat(bus.stats().pauses()).isEqualTo(2);
    }

    @Test
    void closingTheSlowSubscriptionResumesItsPausedSources() {
        MessageBus bus = new MessageBus(new MessageBusConfig(8, 1));
        MessageBus.Subscription stuck = bus.subscribe(200, (from, m) -> new CompletableFuture<>());
        assertThat(bus.deliverPausing(peer(1), message(200, 0))).isEqualTo(MessageBus.Delivery.HANDED_PAUSE);
        List<String> resumed = new ArrayList<>();
        bus.whenRoom(200, () -> resumed.add("resumed"));
        assertThat(resumed).isEmpty();
        stuck.close();
        assertThat(resumed).containsExactly("resumed");
    }

    @Test
    void theBoundIsPerTypeAndPerSubscription() {
        MessageBus bus = new MessageBus(new MessageBusConfig(8, 1));
        MessageBus.Subscription stuck = bus.subscribe(t -> true, (from, m) -> new CompletableFuture<>());
        List<Message> fast = new ArrayList<>();
        bus.subscribe(t -> true, (from, m) -> {
            fast.add(m);
            return CompletableFuture.completedFuture(null);
        });
        bus.deliver(peer(1), message(200, 1));
        bus.deliver(peer(1), message(201, 1));
        assertThat(bus.deliver(peer(1), message(200, 2))).isEqualTo(MessageBus.Delivery.REFUSED);
        assertThat(stuck.handed()).isEqualTo(2);
        assertThat(stuck.refused()).isEqualTo(1);
        assertThat(fast).hasSize(3);
    }

    @Test
    void aTypeNobodyHandlesIsCountedAndAClosedSubscriptionGetsNothing() {
        MessageBus bus = new MessageBus(MessageBusConfig.defaults());
        List<Message> got = new ArrayList<>();
        MessageBus.Subscription s = bus.subscribe(200, (from, m) -> {
            got.add(m);
            return null;
        });
        assertThat(bus.deliver(peer(1), message(201, 0))).isEqualTo(MessageBus.Delivery.UNHANDLED);
        s.close();
        assertThat(bus.deliver(peer(1), message(200, 0))).isEqualTo(MessageBus.Delivery.UNHANDLED);
        assertThat(got).isEmpty();
        assertThat(bus.stats().unhandled()).isEqualTo(2);
    }

    @Test
    void aThrowingHandlerFreesItsSlotAndIsCounted() {
        MessageBus bus = new MessageBus(new MessageBusConfig(8, 1));
        MessageBus.Subscription s = bus.subscribe(200, (from, m) -> {
            throw new IllegalStateException("handler bug");
        });
        bus.deliver(peer(1), message(200, 0));
        assertThat(bus.deliver(peer(1), message(200, 1))).isEqualTo(MessageBus.Delivery.HANDED);
        assertThat(s.undelivered(200)).isZero();
        assertThat(bus.stats().handlerErrors()).isEqualTo(2);
    }

    @Test
    void validatorsArePerTypeWithAcceptAllAsTheDefault() {
        MessageBus bus = new MessageBus(MessageBusConfig.defaults());
        bus.registerValidator(200, (from, m) -> CompletableFuture.completedFuture(Verdict.reject(PenaltyReason.INVALID_BLOCK)));
        assertThat(bus.validator().validate(peer(1), message(200, 0)).toCompletableFuture().join())
                .isEqualTo(Verdict.reject(PenaltyReason.INVALID_BLOCK));
        assertThat(bus.validator().validate(peer(1), message(201, 0)).toCompletableFuture().join()).isEqualTo(Verdict.ACCEPT);
        bus.removeValidator(200);
        assertThat(bus.validator().validate(peer(1), message(200, 0)).toCompletableFuture().join()).isEqualTo(Verdict.ACCEPT);
        assertThatThrownBy(() -> bus.registerValidator(215, MessageValidator.ACCEPT_ALL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Verdict(Verdict.Outcome.REJECT, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRoutingTableIsTheOneTheRateLimitsAndTheDriverUse() {
        assertThat(PlumtreeRoutes.budgetedPayloadTypes().toArray()).containsExactly(200, 201, 202, 207, 208);
        PlumtreeRoutes.budgetedPayloadTypes().forEach(t -> assertThat(PlumtreeRoutes.isPayload(t)).isTrue());
        for (int t = 0; t < 256; t++) {
            Message m = message(t, 0);
            assertThat(PlumtreeDriver.routes(m)).isEqualTo(PlumtreeRoutes.isPayload(t) || PlumtreeRouter.isControl(t));
        }
        assertThat(PlumtreeRoutes.isPayload(20)).as("Chia new_peak travels by Plumtree").isTrue();
        assertThat(PlumtreeRoutes.isPayload(225)).as("a profile body is a reply, not gossip").isFalse();
    }
}
