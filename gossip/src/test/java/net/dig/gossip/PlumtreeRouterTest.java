package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import net.dig.wire.Graft;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.LazyAnnounce.Announcement;
import net.dig.wire.Message;
import net.dig.wire.Prune;
import net.dig.wire.RequestByHash;
import org.junit.jupiter.api.Test;

class PlumtreeRouterTest {
    private static final int NEW_PEAK = 20;
    private final ManualClock clock = new ManualClock();

    static PeerId peer(int n) {
        byte[] b = new byte[32];
        b[31] = (byte) n;
        b[30] = (byte) (n >> 8);
        return new PeerId(Bytes32.wrap(b));
    }

    static Message payload(String text) {
        return new Message(NEW_PEAK, OptionalInt.empty(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private PlumtreeRouter router(RecordingOutput out) {
        return new PlumtreeRouter(PlumtreeConfig.defaults().toBuilder().dispatchIntervalMillis(0).build(), clock, out);
    }

    /** A router whose neighbours 1 and 2 are both eager. */
    private PlumtreeRouter routerWithTwoPeers(RecordingOutput out) {
        return routerWithTwoPeers(out, PlumtreeConfig.defaults());
    }

    private PlumtreeRouter routerWithTwoPeers(RecordingOutput out, PlumtreeConfig config) {
        PlumtreeRouter r = new PlumtreeRouter(config.toBuilder().dispatchIntervalMillis(0).build(), clock, out);
        r.onNeighborUp(peer(1));
        r.onNeighborUp(peer(2));
        return r;
    }

    /** A tiny lossless network with one FIFO of in-flight messages; routers act in the order messages arrive. */
    private final class Net {
        final Map<PeerId, PlumtreeRouter> routers = new LinkedHashMap<>();
        final Map<PeerId, List<Message>> delivered = new LinkedHashMap<>();
        final Deque<Object[]> inFlight = new ArrayDeque<>();
        int payloadTransmissions;

        Net(int n) {
            for (int i = 0; i < n; i++) {
                PeerId self = peer(i);
                List<Message> mine = new ArrayList<>();
                delivered.put(self, mine);
                routers.put(self, new PlumtreeRouter(PlumtreeConfig.defaults().toBuilder().dispatchIntervalMillis(0).build(), clock,
                        new PlumtreeOutput() {
                            @Override
                            public void send(PeerId to, Message message) {
                                if (!PlumtreeRouter.isControl(message.type())) {
                                    payloadTransmissions++;
                                }
                                inFlight.add(new Object[] {self, to, message});
                            }

                            @Override
                            public void deliver(PeerId from, Message message) {
                                mine.add(message);
                            }

                            @Override
                            public void penalize(PeerId p, PlumtreeViolation v, String detail) {
                                throw new AssertionError("unexpected penalty " + v + " " + detail);
                            }

                            @Override
                            public void rejected(PeerId p, Message message, PenaltyReason reason) {
                                throw new AssertionError("unexpected rejection " + reason);
                            }
                        }));
            }
        }

        void link(int a, int b) {
            routers.get(peer(a)).onNeighborUp(peer(b));
            routers.get(peer(b)).onNeighborUp(peer(a));
        }

        void run() {
            for (int round = 0; round < 100 && !inFlight.isEmpty(); round++) {
                while (!inFlight.isEmpty()) {
                    Object[] m = inFlight.poll();
                    routers.get((PeerId) m[1]).onMessage((PeerId) m[0], (Message) m[2]);
                }
                clock.advance(Duration.ofMillis(1000));
                routers.values().forEach(r -> r.onTick(clock.millis()));
            }
        }
    }

    @Test
    void aCompleteGraphSettlesIntoATreeAfterOneBroadcast() {
        Net net = new Net(5);
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                net.link(a, b);
            }
        }
        net.routers.get(peer(0)).broadcast(payload("first"), Optional.empty());
        net.run();
        net.delivered.forEach((p, msgs) -> {
            if (!p.equals(peer(0))) {
                assertThat(msgs).as("delivered at %s", p).hasSize(1);
            }
        });
        int firstRound = net.payloadTransmissions;
        assertThat(firstRound).isGreaterThan(4);

        net.payloadTransmissions = 0;
        net.routers.get(peer(3)).broadcast(payload("second"), Optional.empty());
        net.run();
        assertThat(net.payloadTransmissions).as("a settled tree sends n-1 payloads").isEqualTo(4);
        net.delivered.forEach((p, msgs) -> assertThat(msgs).hasSize(p.equals(peer(0)) ? 1 : p.equals(peer(3)) ? 1 : 2));
    }

    @Test
    void aLinkThatRecentlyBroughtAFirstCopyIsNotPrunedForADuplicate() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        r.onMessage(peer(2), payload("from two first"));
        r.onMessage(peer(1), payload("from one first"));
        r.onMessage(peer(2), payload("from one first"));
        assertThat(out.sentOfType(Prune.OPCODE)).isEmpty();
        assertThat(r.eagerPeers()).containsExactlyInAnyOrder(peer(1), peer(2));
        clock.advance(Duration.ofMillis(5_000));
        r.onMessage(peer(1), payload("later"));
        r.onMessage(peer(2), payload("later"));
        assertThat(out.sentOfType(Prune.OPCODE)).extracting(RecordingOutput.Sent::to).containsExactly(peer(2));
        assertThat(r.lazyPeers()).containsExactly(peer(2));
    }

    /** A link on a cycle that persists brings first copies for some origins and duplicates for others. */
    private int duplicatesUntilPruned(PlumtreeRouter r, RecordingOutput out, int limit) {
        for (int i = 1; i <= limit; i++) {
            r.onMessage(peer(2), payload("first copy over the cycle link " + i));
            r.onMessage(peer(1), payload("duplicate over the cycle link " + i));
            r.onMessage(peer(2), payload("duplicate over the cycle link " + i));
            if (!out.sentOfType(Prune.OPCODE).isEmpty()) {
                return i;
            }
            clock.advance(Duration.ofMillis(200));
        }
        return -1;
    }

    @Test
    void pruneProtectionLapsesForALinkWhoseDuplicatesPersist() {
        RecordingOutput out = new RecordingOutput();
        int duplicates = duplicatesUntilPruned(routerWithTwoPeers(out), out, 100);
        assertThat(duplicates).as("default persistent_duplicates 5: the streak limit is drawn in [5, 20]").isBetween(5, 20);
        assertThat(out.sentOfType(Prune.OPCODE)).extracting(RecordingOutput.Sent::to).containsExactly(peer(2));

        RecordingOutput never = new RecordingOutput();
        assertThat(duplicatesUntilPruned(routerWithTwoPeers(never, PlumtreeConfig.defaults().toBuilder().persistentDuplicates(0).build()), never, 100))
                .as("persistent_duplicates 0: protection never lapses").isEqualTo(-1);
    }

    /** Peer 2 got a GRAFT and both links are in the tree again. */
    private static void assertReGrafted(RecordingOutput out, PlumtreeRouter r) {
        assertThat(out.sentOfType(Graft.OPCODE)).extracting(RecordingOutput.Sent::to).containsExactly(peer(2));
        assertThat(r.eagerPeers()).containsExactlyInAnyOrder(peer(1), peer(2));
    }

    @Test
    void aFirstCopyStillInFlightWhenAStreakPrunedItsLinkDoesNotReGraftIt() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        assertThat(duplicatesUntilPruned(r, out, 100)).isPositive();
        assertThat(r.lazyPeers()).containsExactly(peer(2));
        clock.advance(Duration.ofMillis(100));
        r.onMessage(peer(2), payload("in flight when we pruned"));
        assertThat(out.delivered).last().isEqualTo(payload("in flight when we pruned"));
        assertThat(out.sentOfType(Graft.OPCODE)).isEmpty();
        assertThat(r.lazyPeers()).containsExactly(peer(2));

        clock.advance(Duration.ofMillis(500));
        r.onMessage(peer(2), payload("pushed long after our prune"));
        assertReGrafted(out, r);
    }

    @Test
    void aFirstCopyFromALinkPrunedForAnOrdinaryDuplicateReGraftsIt() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        r.onMessage(peer(1), payload("m"));
        r.onMessage(peer(2), payload("m"));
        assertThat(r.lazyPeers()).containsExactly(peer(2));
        clock.advance(Duration.ofMillis(100));
        r.onMessage(peer(2), payload("only peer 2 had it"));
        assertReGrafted(out, r);
    }

    @Test
    void anOriginCutOffFromTheTreeGraftsOneLinkBeforeBroadcasting() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        r.onMessage(peer(1), new Prune().toMessage());
        r.onMessage(peer(2), new Prune().toMessage());
        assertThat(r.eagerPeers()).isEmpty();
        assertThat(r.broadcast(payload("mine"), Optional.empty())).isEqualTo(1);
        assertThat(out.drain()).extracting(s -> s.to(), s -> s.message().type()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(peer(1), Graft.OPCODE),
                org.assertj.core.groups.Tuple.tuple(peer(1), NEW_PEAK),
                org.assertj.core.groups.Tuple.tuple(peer(2), LazyAnnounce.OPCODE));
        assertThat(r.eagerPeers()).containsExactly(peer(1));
    }

    @Test
    void anOwnBroadcastWhoseOnlyEagerPeerLeftIsPushedAgainToANewOne() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        r.onMessage(peer(2), new Prune().toMessage());
        Message m = payload("mine");
        assertThat(r.broadcast(m, Optional.empty())).isEqualTo(1);
        out.drain();
        clock.advance(Duration.ofMillis(200));
        r.onNeighborDown(peer(1));
        assertThat(out.drain()).extracting(s -> s.to(), s -> s.message().type()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(peer(2), Graft.OPCODE),
                org.assertj.core.groups.Tuple.tuple(peer(2), NEW_PEAK));
        assertThat(r.eagerPeers()).containsExactly(peer(2));
    }

    @Test
    void anOwnBroadcastIsNotPushedAgainWhileARecipientRemainsOrAfterTheGraftWindow() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        r.onNeighborUp(peer(3));
        r.onMessage(peer(3), new Prune().toMessage());
        assertThat(r.broadcast(payload("mine"), Optional.empty())).isEqualTo(2);
        out.drain();
        r.onNeighborDown(peer(1));
        assertThat(out.drain()).as("peer 2 got the payload too").isEmpty();
        clock.advance(Duration.ofMillis(PlumtreeConfig.defaults().graftWindowMillis() + 1));
        r.onNeighborDown(peer(2));
        assertThat(out.drain()).isEmpty();
    }

    /** Peer 1 eager (the parent), peer 2 lazy; peer 2 announces m, and m arrives from peer 1 {@code lateBy} later. */
    private PlumtreeRouter payloadFromTheParentAfterALazyAnnouncement(RecordingOutput out, long lateByMillis) {
        PlumtreeRouter r = routerWithTwoPeers(out);
        r.onMessage(peer(2), new Prune().toMessage());
        assertThat(r.lazyPeers()).containsExactly(peer(2));
        Message m = payload("optimise");
        r.onMessage(peer(2), new LazyAnnounce(List.of(new Announcement(MessageId.of(m).value(), NEW_PEAK))).toMessage());
        clock.advance(Duration.ofMillis(lateByMillis));
        r.onTick(clock.millis());
        r.onMessage(peer(1), m);
        assertThat(out.delivered).containsExactly(m);
        return r;
    }

    @Test
    void theTreeOptimisationGraftsAnAnnouncerThatBeatTheParentByTheThreshold() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = payloadFromTheParentAfterALazyAnnouncement(out, 450); // threshold 400 < 450 < timeout1 500
        assertThat(out.sentOfType(Graft.OPCODE)).extracting(RecordingOutput.Sent::to).containsExactly(peer(2));
        assertThat(out.sentOfType(Prune.OPCODE)).extracting(RecordingOutput.Sent::to).containsExactly(peer(1));
        assertThat(r.eagerPeers()).containsExactly(peer(2));
    }

    @Test
    void belowTheThresholdTheParentStays() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = payloadFromTheParentAfterALazyAnnouncement(out, 300);
        assertThat(out.sentOfType(Graft.OPCODE)).isEmpty();
        assertThat(out.sentOfType(Prune.OPCODE)).isEmpty();
        assertThat(r.eagerPeers()).containsExactly(peer(1));
    }

    @Test
    void theAnswerToOurOwnGraftDoesNotTriggerTheTreeOptimisation() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        Message m = payload("repaired");
        Announcement a = new Announcement(MessageId.of(m).value(), NEW_PEAK);
        r.onMessage(peer(1), new LazyAnnounce(List.of(a)).toMessage());
        r.onMessage(peer(2), new LazyAnnounce(List.of(a)).toMessage());
        clock.advance(Duration.ofMillis(500));
        r.onTick(clock.millis());
        assertThat(out.drain()).extracting(RecordingOutput.Sent::to).containsOnly(peer(1));
        clock.advance(Duration.ofMillis(50));
        r.onMessage(peer(1), m);
        assertThat(out.delivered).containsExactly(m);
        assertThat(out.sentOfType(Graft.OPCODE)).as("peer 2 announced 550 ms earlier, but we waited timeout1 ourselves").isEmpty();
        assertThat(out.sentOfType(Prune.OPCODE)).isEmpty();
    }

    @Test
    void newNeighboursBeyondTheFanoutStartLazy() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = router(out);
        for (int i = 1; i <= 11; i++) {
            r.onNeighborUp(peer(i));
        }
        assertThat(r.eagerPeers()).hasSize(8);
        assertThat(r.lazyPeers()).hasSize(3);
        assertThat(r.broadcast(payload("x"), Optional.of(peer(1)))).isEqualTo(7);
        assertThat(out.sentOfType(LazyAnnounce.OPCODE)).hasSize(3);
    }

    @Test
    void aDuplicateIsNotDeliveredAndPrunesTheLink() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        r.onMessage(peer(1), payload("m"));
        r.onMessage(peer(2), payload("m"));
        assertThat(out.delivered).hasSize(1);
        assertThat(out.sentOfType(Prune.OPCODE)).extracting(RecordingOutput.Sent::to).containsExactly(peer(2));
        assertThat(r.lazyPeers()).containsExactly(peer(2));
        assertThat(r.eagerPeers()).containsExactly(peer(1));
    }

    /** A node that joined a running overlay: its neighbours took it in as lazy, so its first IHAVE is how it joins. */
    @Test
    void aNewcomerAsksItsFirstAnnouncerAtOnceAndKeepsOnlyThatLinkEager() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = router(out);
        for (int p = 1; p <= 3; p++) {
            r.onNeighborUp(peer(p));
        }
        assertThat(r.eagerPeers()).hasSize(3);
        Message m = payload("running");
        r.onMessage(peer(2), new LazyAnnounce(List.of(new Announcement(MessageId.of(m).value(), NEW_PEAK))).toMessage());
        assertThat(r.nextWakeupMillis()).isEqualTo(clock.millis());
        r.onTick(clock.millis());
        assertThat(out.drain()).extracting(s -> s.to(), s -> s.message().type()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(peer(2), Graft.OPCODE),
                org.assertj.core.groups.Tuple.tuple(peer(2), RequestByHash.OPCODE));
        assertThat(r.eagerPeers()).containsExactly(peer(2));
        r.onMessage(peer(2), m);
        assertThat(out.delivered).containsExactly(m);
        r.onNeighborUp(peer(4));
        assertThat(r.lazyPeers()).as("a node in the tree takes a new neighbour in as lazy").contains(peer(4));
    }

    @Test
    void aMissingMessageIsGraftedFromItsAnnouncerAfterTimeout1() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = router(out);
        r.onNeighborUp(peer(1));
        r.broadcast(payload("own"), Optional.empty());
        out.drain();
        Message m = payload("late");
        MessageId id = MessageId.of(m);
        r.onMessage(peer(1), new LazyAnnounce(List.of(new Announcement(id.value(), NEW_PEAK))).toMessage());
        assertThat(r.nextWakeupMillis()).isEqualTo(clock.millis() + 500);
        clock.advance(Duration.ofMillis(499));
        r.onTick(clock.millis());
        assertThat(out.sent).isEmpty();
        clock.advance(Duration.ofMillis(1));
        r.onTick(clock.millis());
        assertThat(out.sent).extracting(s -> s.message().type()).containsExactly(Graft.OPCODE, RequestByHash.OPCODE);
        assertThat(RequestByHash.decode(out.sent.get(1).message().data()).messageIds()).containsExactly(id.value());
        r.onMessage(peer(1), m);
        assertThat(out.delivered).containsExactly(m);
        clock.advance(Duration.ofSeconds(5));
        r.onTick(clock.millis());
        assertThat(out.penalties).isEmpty();
    }

    @Test
    void anAnnouncerThatDoesNotDeliverIsPenalisedAndTheNextOneIsAsked() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        Bytes32 fake = MessageId.of(NEW_PEAK, new byte[] {1}).value();
        r.onMessage(peer(1), new LazyAnnounce(List.of(new Announcement(fake, NEW_PEAK))).toMessage());
        r.onMessage(peer(2), new LazyAnnounce(List.of(new Announcement(fake, NEW_PEAK))).toMessage());
        clock.advance(Duration.ofMillis(500));
        r.onTick(clock.millis());
        assertThat(out.drain()).extracting(RecordingOutput.Sent::to).containsOnly(peer(1));
        clock.advance(Duration.ofMillis(250));
        r.onTick(clock.millis());
        assertThat(out.penalties).extracting(RecordingOutput.Penalty::peer, RecordingOutput.Penalty::violation)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(peer(1), PlumtreeViolation.BROKEN_PROMISE));
        assertThat(out.drain()).extracting(RecordingOutput.Sent::to).containsOnly(peer(2));
        clock.advance(Duration.ofMillis(250));
        r.onTick(clock.millis());
        assertThat(out.penalties).hasSize(2);
        assertThat(r.stats().missingMessages()).isZero();
        assertThat(r.nextWakeupMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void malformedControlIsPenalisedAndChangesNothing() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = router(out);
        r.onNeighborUp(peer(1));
        r.onMessage(peer(1), new Message(Prune.OPCODE, OptionalInt.empty(), new byte[] {9}));
        r.onMessage(peer(1), new Message(LazyAnnounce.OPCODE, OptionalInt.empty(), new byte[] {1, 0x7f, 0, 0, 0}));
        assertThat(out.penalties).extracting(RecordingOutput.Penalty::violation)
                .containsExactly(PlumtreeViolation.MALFORMED_CONTROL, PlumtreeViolation.MALFORMED_CONTROL);
        assertThat(out.penalties.get(0).detail()).contains("unsupported version 9");
        assertThat(out.penalties.get(1).detail()).contains("count 2130706432 is outside 1..1024");
        assertThat(r.eagerPeers()).containsExactly(peer(1));
        assertThat(out.sent).isEmpty();
    }

    @Test
    void announcingAControlOpcodeIsAViolation() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = router(out);
        r.onNeighborUp(peer(1));
        r.onMessage(peer(1), new LazyAnnounce(List.of(new Announcement(Bytes32.ZERO, Graft.OPCODE))).toMessage());
        assertThat(out.penalties).extracting(RecordingOutput.Penalty::violation)
                .containsExactly(PlumtreeViolation.INVALID_ANNOUNCEMENT);
        assertThat(r.stats().missingMessages()).isZero();
    }

    @Test
    void requestByHashIsIdempotentAndRateLimited() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = router(out);
        r.onNeighborUp(peer(1));
        Message m = payload("cached");
        r.broadcast(m, Optional.empty());
        out.drain();
        Message request = new RequestByHash(List.of(MessageId.of(m).value())).toMessage();
        r.onMessage(peer(1), request);
        r.onMessage(peer(1), request);
        assertThat(out.drain()).extracting(RecordingOutput.Sent::message).containsExactly(m);
        clock.advance(Duration.ofMillis(1000));
        r.onMessage(peer(1), request);
        assertThat(out.drain()).hasSize(1);

        List<Bytes32> many = new ArrayList<>(Collections.nCopies(256, Bytes32.ZERO));
        for (int i = 0; i < 5; i++) {
            r.onMessage(peer(1), new RequestByHash(many).toMessage());
        }
        assertThat(out.penalties).extracting(RecordingOutput.Penalty::violation)
                .contains(PlumtreeViolation.REQUEST_RATE_EXCEEDED);
        assertThat(r.stats().requestsRefused()).isPositive();
    }

    @Test
    void localReannouncementsAreNotSuppressedButForwardedDuplicatesAre() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        Message m = payload("again");
        assertThat(r.broadcast(m, Optional.empty())).isEqualTo(2);
        assertThat(r.broadcast(m, Optional.empty())).isEqualTo(2);
        assertThat(out.delivered).isEmpty();
        out.drain();
        r.onMessage(peer(1), m);
        assertThat(out.delivered).isEmpty();
        assertThat(out.sent).extracting(s -> s.message().type()).containsExactly(Prune.OPCODE);
    }

    @Test
    void ihavesAreBatchedPerPeerPerDispatchInterval() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = new PlumtreeRouter(PlumtreeConfig.defaults().toBuilder().gossipFanout(1).build(), clock, out);
        r.onNeighborUp(peer(1));
        r.onNeighborUp(peer(2));
        for (int i = 0; i < 3; i++) {
            r.broadcast(payload("b" + i), Optional.empty());
        }
        assertThat(out.sentOfType(LazyAnnounce.OPCODE)).isEmpty();
        clock.advance(Duration.ofMillis(50));
        assertThat(r.nextWakeupMillis()).isEqualTo(clock.millis());
        r.onTick(clock.millis());
        List<RecordingOutput.Sent> ihaves = out.sentOfType(LazyAnnounce.OPCODE);
        assertThat(ihaves).hasSize(1);
        assertThat(ihaves.get(0).to()).isEqualTo(peer(2));
        assertThat(LazyAnnounce.decode(ihaves.get(0).message().data()).entries()).hasSize(3);
    }

    @Test
    void aNeighbourGoingDownIsForgottenAndItsPendingRequestMovesOn() {
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter r = routerWithTwoPeers(out);
        Bytes32 id = MessageId.of(NEW_PEAK, new byte[] {7}).value();
        r.onMessage(peer(1), new LazyAnnounce(List.of(new Announcement(id, NEW_PEAK))).toMessage());
        r.onMessage(peer(2), new LazyAnnounce(List.of(new Announcement(id, NEW_PEAK))).toMessage());
        clock.advance(Duration.ofMillis(500));
        r.onTick(clock.millis());
        out.drain();
        r.onNeighborDown(peer(1));
        assertThat(r.eagerPeers()).doesNotContain(peer(1));
        r.onTick(clock.millis());
        assertThat(out.drain()).extracting(RecordingOutput.Sent::to).containsOnly(peer(2));
        assertThat(out.penalties).isEmpty();
    }

    @Test
    void configRejectsACacheThatDoesNotOutlastTheGraftWindow() {
        PlumtreeConfig d = PlumtreeConfig.defaults();
        assertThatThrownBy(() -> new PlumtreeConfig(8, 100_000, 120_000, 1_000, 10, 1 << 20, 500, 250, 50, 300,
                0, 5, 10, 8, 10, 10, 10)).hasMessageContaining("must outlast the graft window");
        assertThatThrownBy(() -> d.toBuilder().gossipFanout(0).build()).hasMessageContaining("gossip_fanout must be positive");
        assertThatThrownBy(() -> d.toBuilder().persistentDuplicates(Integer.MAX_VALUE).build())
                .hasMessageContaining("persistent_duplicates must be at most 1000000");
        assertThat(d.toBuilder().persistentDuplicates(PlumtreeConfig.MAX_PERSISTENT_DUPLICATES).build().persistentDuplicates()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> new PlumtreeRouter(d, clock, new RecordingOutput())
                .broadcast(new Prune().toMessage(), Optional.empty())).hasMessageContaining("Plumtree control");
    }
}
