package net.dig.gossip;

import static net.dig.gossip.PlumtreeRouterTest.payload;
import static net.dig.gossip.PlumtreeRouterTest.peer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.dig.testkit.ManualClock;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.LazyAnnounce.Announcement;
import net.dig.wire.Message;
import net.dig.wire.RequestByHash;
import org.junit.jupiter.api.Test;

/** The validation step of {@link PlumtreeRouter}: only ACCEPT is delivered and forwarded. */
class PlumtreeValidationTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingOutput out = new RecordingOutput();
    /** Continuations of asynchronous validations, run when the test says (the router's "thread"). */
    private final ArrayDeque<Runnable> owner = new ArrayDeque<>();

    /** Peers 1 and 2 eager (fanout 2), peer 3 lazy. */
    private PlumtreeRouter router(MessageValidator validator, int maxInFlight) {
        PlumtreeRouter r = new PlumtreeRouter(PlumtreeConfig.defaults().toBuilder().dispatchIntervalMillis(0).gossipFanout(2).build(),
                clock, out, validator, maxInFlight, owner::add);
        r.onNeighborUp(peer(1));
        r.onNeighborUp(peer(2));
        r.onNeighborUp(peer(3));
        return r;
    }

    private List<PeerId> payloadsSentTo(Message m) {
        return out.sent.stream().filter(s -> s.message().equals(m)).map(RecordingOutput.Sent::to).toList();
    }

    private List<PeerId> announcedTo(Message m) {
        MessageId id = MessageId.of(m);
        return out.sentOfType(LazyAnnounce.OPCODE).stream()
                .filter(s -> LazyAnnounce.decode(s.message().data()).entries().stream()
                        .anyMatch(a -> new MessageId(a.messageId()).equals(id)))
                .map(RecordingOutput.Sent::to).toList();
    }

    @Test
    void aRejectedPayloadIsNeitherDeliveredNorForwardedAndItsSenderIsPenalised() {
        PlumtreeRouter r = router((from, m) -> CompletableFuture.completedFuture(Verdict.reject(PenaltyReason.INVALID_ATTESTATION)), 8);
        Message bad = payload("forged");
        r.onMessage(peer(1), bad);
        assertThat(out.delivered).isEmpty();
        assertThat(payloadsSentTo(bad)).isEmpty();
        assertThat(announcedTo(bad)).isEmpty();
        assertThat(out.rejections).containsExactly(new RecordingOutput.Rejection(peer(1), bad, PenaltyReason.INVALID_ATTESTATION));
        assertThat(r.validationStats().rejected()).isEqualTo(1);
        assertThat(r.stats().delivered()).isZero();

        // Not cached either: a peer asking for it by hash gets nothing.
        out.drain();
        r.onMessage(peer(2), new RequestByHash(List.of(MessageId.of(bad).value())).toMessage());
        assertThat(out.sent).isEmpty();
        // A second copy is a duplicate: not validated (nor penalised) again.
        r.onMessage(peer(2), bad);
        assertThat(out.rejections).hasSize(1);
        assertThat(out.delivered).isEmpty();
    }

    @Test
    void anAcceptedPayloadIsDeliveredOnceAndForwardedOncePerEagerPeer() {
        PlumtreeRouter r = router(MessageValidator.ACCEPT_ALL, 8);
        Message good = payload("valid");
        r.onMessage(peer(1), good);
        r.onMessage(peer(2), good);
        r.onMessage(peer(3), good);
        assertThat(out.delivered).containsExactly(good);
        assertThat(payloadsSentTo(good)).containsExactly(peer(2));
        assertThat(announcedTo(good)).containsExactly(peer(3));
        assertThat(out.rejections).isEmpty();
        assertThat(r.validationStats().accepted()).isEqualTo(1);
    }

    @Test
    void anIgnoredPayloadIsNeitherDeliveredNorForwardedNorPenalised() {
        PlumtreeRouter r = router((from, m) -> CompletableFuture.completedFuture(Verdict.IGNORE), 8);
        Message stale = payload("stale");
        r.onMessage(peer(1), stale);
        assertThat(out.delivered).isEmpty();
        assertThat(payloadsSentTo(stale)).isEmpty();
        assertThat(announcedTo(stale)).isEmpty();
        assertThat(out.rejections).isEmpty();
        assertThat(out.penalties).isEmpty();
        assertThat(r.validationStats().ignored()).isEqualTo(1);
    }

    @Test
    void anAsynchronousVerdictForwardsOnlyWhenItCompletesOnTheRoutersThread() {
        CompletableFuture<Verdict> pending = new CompletableFuture<>();
        PlumtreeRouter r = router((from, m) -> pending, 8);
        Message slow = payload("checked later");
        r.onMessage(peer(1), slow);
        assertThat(out.delivered).isEmpty();
        assertThat(out.sent).isEmpty();
        assertThat(r.validationStats().inFlight()).isEqualTo(1);
        // A duplicate meanwhile is not validated a second time, and a request for it finds nothing.
        r.onMessage(peer(2), new RequestByHash(List.of(MessageId.of(slow).value())).toMessage());
        assertThat(out.sentOfType(slow.type())).isEmpty();

        pending.complete(Verdict.ACCEPT);
        assertThat(out.delivered).as("the verdict waits for the router's thread").isEmpty();
        assertThat(owner).hasSize(1);
        owner.poll().run();
        assertThat(out.delivered).containsExactly(slow);
        assertThat(payloadsSentTo(slow)).containsExactly(peer(2));
        assertThat(announcedTo(slow)).containsExactly(peer(3));
        assertThat(r.validationStats().inFlight()).isZero();
    }

    @Test
    void aFailedValidationIgnoresThePayloadWithoutPenalty() {
        PlumtreeRouter r = router((from, m) -> {
            throw new IllegalStateException("validator bug");
        }, 8);
        r.onMessage(peer(1), payload("x"));
        CompletableFuture<Verdict> failing = new CompletableFuture<>();
        PlumtreeRouter async = new PlumtreeRouter(PlumtreeConfig.defaults(), clock, out, (from, m) -> failing, 8, owner::add);
        async.onNeighborUp(peer(1));
        async.onMessage(peer(1), payload("y"));
        failing.completeExceptionally(new RuntimeException("lookup failed"));
        owner.poll().run();
        assertThat(out.delivered).isEmpty();
        assertThat(out.rejections).isEmpty();
        assertThat(r.validationStats().errors()).isEqualTo(1);
        assertThat(async.validationStats().errors()).isEqualTo(1);
    }

    @Test
    void validationsInFlightAreBoundedAndARefusedCopyIsTakenInLater() {
        ArrayDeque<CompletableFuture<Verdict>> verdicts = new ArrayDeque<>();
        PlumtreeRouter r = router((from, m) -> {
            CompletableFuture<Verdict> f = new CompletableFuture<>();
            verdicts.add(f);
            return f;
        }, 2);
        r.onMessage(peer(1), payload("a"));
        r.onMessage(peer(1), payload("b"));
        Message third = payload("c");
        r.onMessage(peer(1), third);
        assertThat(verdicts).hasSize(2);
        assertThat(r.validationStats().refused()).isEqualTo(1);
        assertThat(r.validationStats().inFlight()).isEqualTo(2);

        verdicts.poll().complete(Verdict.ACCEPT);
        owner.poll().run();
        r.onMessage(peer(2), third);
        assertThat(verdicts).as("the refused copy was not marked seen").hasSize(2);
        verdicts.forEach(f -> f.complete(Verdict.ACCEPT));
        while (!owner.isEmpty()) {
            owner.poll().run();
        }
        assertThat(out.delivered).extracting(Message::data).hasSize(3);
        assertThat(out.delivered).contains(third);
    }

    @Test
    void aSenderThatLeftDuringValidationIsNotTakenBackIntoTheTree() {
        CompletableFuture<Verdict> pending = new CompletableFuture<>();
        PlumtreeRouter r = router((from, m) -> pending, 8);
        Message m = payload("late verdict");
        r.onMessage(peer(1), m);
        r.onNeighborDown(peer(1));
        pending.complete(Verdict.ACCEPT);
        owner.poll().run();
        assertThat(out.delivered).containsExactly(m);
        assertThat(payloadsSentTo(m)).containsExactly(peer(2));
        assertThat(r.eagerPeers()).doesNotContain(peer(1));
        assertThat(r.lazyPeers()).doesNotContain(peer(1));
    }

    @Test
    void aLocalBroadcastIsNotValidated() {
        PlumtreeRouter r = router((from, m) -> {
            throw new AssertionError("a local broadcast reached the validator");
        }, 8);
        assertThat(r.broadcast(payload("mine"), Optional.empty())).isEqualTo(2);
        clock.advance(Duration.ofMillis(1));
    }
}
