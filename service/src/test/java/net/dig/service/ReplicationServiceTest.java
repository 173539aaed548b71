package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import net.dig.storage.DatastoreVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplicationService} against an in-memory transport and real stores: the typed declines, a fetch
 * begun on accept from the offering peer that then completes (and is itself offered onward, but not back),
 * and the propagation summary of the peers' answers.
 */
@Timeout(60)
class ReplicationServiceTest {
    @TempDir Path tmp;

    /** Answers offers from a table; fetch requests are recorded and answered by the source's windows at once. */
    static final class Transport implements ReplicationService.Transport<String> {
        final List<String> peers = new ArrayList<>();
        final List<FetchRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Map<String, ReplicationService.Reply> answers = new java.util.HashMap<>();
        final List<String> offered = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> offeredNames = new java.util.concurrent.CopyOnWriteArrayList<>();
        CapsuleWindows windows;

        @Override
        public Collection<String> peers() {
            return peers;
        }

        @Override
        public CompletableFuture<ReplicationService.Reply> offer(String peer, DatastoreVersion version, String name) {
            offered.add(peer);
            offeredNames.add(name);
            ReplicationService.Reply r = answers.get(peer);
            return r == null ? CompletableFuture.failedFuture(new IllegalStateException("no answer")) : CompletableFuture.completedFuture(r);
        }

        @Override
        public PeerLink<String> link(BiConsumer<String, FetchResponse> sink) {
            return new PeerLink<>() {
                @Override
                public void send(String peer, FetchRequest request) {
                    asked.add(request);
                    sink.accept(peer, windows.answer(peer, request));
                }

                @Override
                public void penalise(String peer, ErrorCode code, String why) {
                    throw new AssertionError(peer + " penalised: " + why);
                }
            };
        }
    }

    @Test
    void offersAreDeclinedWithTypedReasonsOrAcceptedAndFetchedAndLandedVersionsAreOfferedOnwardButNotBack() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 3 * 262_144 + 10)) {
            Transport t = new Transport();
            t.windows = h.windows;
            t.peers.addAll(List.of("source", "other"));
            long later = h.clock.millis() + 9_000;
            t.answers.put("other", new ReplicationService.Reply(true, "", 500, later));
            ReplicationService<String> dest = h.dest.replication(h.fetches(FetchHarness.config(262_144)), t, Runnable::run,
                    true, () -> 10_000_000);
            ReplicationService<String> optedOut = h.source.replication(h.source.fetchService(FetchHarness.config(262_144),
                    new java.util.SplittableRandom(1)), new Transport(), Runnable::run, false, () -> 0);
            DatastoreVersion v1 = h.manifest.version();

            assertThat(optedOut.onOffer("x", v1)).isEqualTo(ReplicationService.Reply.decline("OPTED_OUT"));
            byte[] sig = v1.signature();
            sig[0] ^= 1;
            assertThat(dest.onOffer("source", v1.withSignature(sig)).reason()).isEqualTo(ErrorCode.BAD_SIGNATURE.name());
            assertThat(h.destEngine.manifest(v1.datastoreId())).isEmpty();

            ReplicationService.Reply accepted = dest.onOffer("source", v1);
            assertThat(accepted.accepted()).isTrue();
            assertThat(accepted.freeBytes()).isEqualTo(10_000_000 - v1.totalSize());
            assertThat(accepted.storedByMillis()).isEqualTo(h.clock.millis()
                    + (long) Math.ceil(v1.totalSize() * 1000.0 / ReplicationService.INITIAL_FETCH_RATE));
            FetchSessionTest.assertLanded(h, h.fetches(FetchHarness.config(262_144)));
            // landed, then offered to "other" only: "source" offered it, so it holds it
            ReplicationService.Propagation p = dest.announced(v1.datastoreId(), v1.version()).orElseThrow().get(10, TimeUnit.SECONDS);
            assertThat(t.offered).containsExactly("other");
            assertThat(t.offeredNames).as("the offer names the datastore").containsExactly("content.bin");
            assertThat(p.acceptedBy()).containsExactly("other");
            assertThat(p.freeBytes()).isEqualTo(500);
            assertThat(p.storedByMillis()).isEqualTo(later);

            assertThat(dest.onOffer("other", v1).reason()).isEqualTo(ReplicationService.Decline.ALREADY_HELD.name());
        }
    }

    @Test
    void aCommittedVersionIsOfferedOnceToEachPeerWhenTheTickRunsBeforeTheCommitsOfferIsSent() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 262_144 + 10)) {
            Transport t = new Transport();
            t.peers.add("peer");
            t.answers.put("peer", new ReplicationService.Reply(true, "", 500, h.clock.millis()));
            java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();
            ReplicationService<String> source = h.source.replication(h.source.fetchService(FetchHarness.config(262_144),
                    new java.util.SplittableRandom(1)), t, queued::add, true, () -> 0);

            source.onVersionCommitted(h.manifest);
            source.tick();
            assertThat(t.offered).as("the tick leaves the commit's offer to the commit").isEmpty();
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
            assertThat(t.offered).containsExactly("peer");
            ReplicationService.Propagation p = source.announced(h.manifest.datastoreId(), h.manifest.version().version())
                    .orElseThrow().getNow(null);
            assertThat(p.acceptedBy()).containsExactly("peer");
            source.tick();
            assertThat(t.offered).containsExactly("peer");
        }
    }
}
