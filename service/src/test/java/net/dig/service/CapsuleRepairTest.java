package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import net.dig.storage.CapsuleDamage;
import net.dig.storage.CapsuleLocation;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-healing between two real homes: B (the harness's source) and A (its destination, which fetched
 * the same version first) hold one datastore; a byte flipped in A's plot is found on A's first serve, and
 * {@link CapsuleRepair} fetches that capsule alone from B through the in-memory transport, verifies and
 * stores it, after which A serves the capsule byte-identical again. Providers that lie are penalised,
 * missing providers mean a retry after the backoff of the manual clock.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CapsuleRepairTest {
    private static final int CAPSULE = 256 * 1024;
    private static final RepairConfig CONFIG = new RepairConfig(4, Duration.ofSeconds(30), Duration.ofMinutes(10));

    @TempDir
    Path tmp;

    @Test
    void aCapsuleFoundBadOnItsFirstServeIsFetchedFromAnotherHolderAndServedByteIdenticalAgain() throws Exception {
        int bytes = 3 * CAPSULE + 5_000;
        CapsuleLocation bad;
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, bytes)) {
            new Net(h);
            bad = h.destEngine.locate(h.manifest.datastoreId(), 1).orElseThrow();
        }
        Corruption.flip(bad.plotPath(), bad.offset() + 4321); // rot while A is down
        try (FetchHarness h = FetchHarness.reopen(tmp, bytes)) {
            Net net = new Net(h, false);
            net.providers.add("b");
            CapsuleRepair<String> repair = net.repair();
            List<FetchRequest> asked = new ArrayList<>();
            net.onSend = asked::add;
            assertThatThrownBy(() -> h.dest.content().locate(h.manifest.datastoreId(), 1)) // the first serve since open
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLOT_UNAVAILABLE));
            assertThat(repair.status().pending()).isEqualTo(1);

            net.drain();

            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(0, 0, 1, 0, 0));
            assertThat(h.dest.content().integrity().repairs().repaired()).isEqualTo(1);
            assertThat(asked).isNotEmpty().allSatisfy(r -> {
                assertThat(r).isInstanceOf(FetchRequest.Window.class); // no metadata: A holds the name and files
                assertThat(((FetchRequest.Window) r).capsuleIndex()).isEqualTo(1); // only the damaged capsule
            });
            assertServedAgain(h, 1, bad);
            assertThat(Path.of(h.destEngine.config().dataDir().toString(), "repair")).isEmptyDirectory();
        }
    }

    @Test
    void aProviderSendingBadBytesIsPenalisedOnceAndTheRepairCompletesFromAnother() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            Net net = new Net(h);
            net.providers.addAll(List.of("liar", "b"));
            net.behaviours.put("liar", (req, honest) -> {
                if (honest instanceof FetchResponse.Window w) {
                    byte[] bytes = w.data().clone();
                    bytes[bytes.length - 1] ^= 0x40;
                    return new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), bytes, w.prologue());
                }
                return honest;
            });
            CapsuleRepair<String> repair = net.repair();
            io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            repair.bindTo(meters);
            CapsuleLocation bad = corrupt(h, 0);
            assertThat(meters.get("repair_pending_capsules").gauge().value()).isEqualTo(1.0);

            net.drain();

            assertThat(meters.get("repair_pending_capsules").gauge().value()).isZero();
            assertThat(meters.get("repair_capsules_repaired").functionCounter().count()).isEqualTo(1.0);
            assertThat(meters.get("repair_providers_penalised").functionCounter().count()).isEqualTo(1.0);
            assertThat(meters.get("repair_attempts_failed").functionCounter().count()).isZero();

            assertThat(net.penalties).extracting(FetchHarness.Penalty::peer).containsExactly("liar");
            assertThat(net.penalties.getFirst().code()).isEqualTo(ErrorCode.VERIFICATION_FAILED);
            assertThat(net.answered).containsKeys("liar", "b");
            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(0, 0, 1, 0, 1));
            assertServedAgain(h, 0, bad);
        }
    }

    @Test
    void withNoProviderTheRepairWaitsForItsBackoffAndSucceedsOnceAHolderAppears() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE + 100)) {
            Net net = new Net(h);
            CapsuleRepair<String> repair = net.repair();
            CapsuleLocation bad = corrupt(h, 2);
            net.drain();
            assertThat(net.lookups).isEqualTo(1);
            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(1, 0, 0, 1, 0));

            net.providers.add("b");
            h.clock.advance(Duration.ofSeconds(29));
            repair.tick();
            net.drain();
            assertThat(net.lookups).as("not due before the backoff").isEqualTo(1);
            assertThat(h.dest.content().integrity().repairs().pending()).isEqualTo(1);

            h.clock.advance(Duration.ofSeconds(1));
            repair.tick();
            net.drain();
            assertThat(net.lookups).isEqualTo(2);
            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(0, 0, 1, 1, 0));
            assertServedAgain(h, 2, bad);
        }
    }

    @Test
    void whenEveryProviderFailsTheAttemptEndsAndTheNextOneBacksOffTwiceAsLong() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            Net net = new Net(h);
            net.providers.add("liar");
            net.behaviours.put("liar", (req, honest) -> new FetchResponse.Refused(req.requestId(), ErrorCode.UNKNOWN_DATASTORE,
                    "not here", 0));
            CapsuleRepair<String> repair = net.repair();
            CapsuleLocation bad = corrupt(h, 1);
            net.drain();
            assertThat(repair.session(h.manifest.datastoreId())).hasValueSatisfying(s -> assertThat(s.starved()).isTrue());

            repair.tick(); // a session with nobody left to ask ends as a failed attempt
            net.drain();
            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(1, 0, 0, 1, 0));
            assertThat(repair.session(h.manifest.datastoreId())).isEmpty();
            h.clock.advance(Duration.ofSeconds(30));
            repair.tick();
            net.drain();
            repair.tick();
            net.drain();
            assertThat(repair.status().failedAttempts()).isEqualTo(2);

            net.providers.set(0, "b");
            h.clock.advance(Duration.ofSeconds(59));
            repair.tick();
            net.drain();
            assertThat(repair.status().repaired()).as("the second wait is 60 s").isZero();
            h.clock.advance(Duration.ofSeconds(1));
            repair.tick();
            net.drain();
            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(0, 0, 1, 2, 0));
            assertThat(net.penalties).isEmpty(); // a refusal is not a fault
            assertServedAgain(h, 1, bad);
        }
    }

    @Test
    void damageFoundBeforeARestartIsTakenInByTheScanAndRepaired() throws Exception {
        CapsuleLocation bad;
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            new Net(h); // A fetches the version
            bad = corrupt(h, 1);
        }
        try (FetchHarness h = FetchHarness.reopen(tmp, 2 * CAPSULE)) {
            Net net = new Net(h, false);
            net.providers.add("b");
            CapsuleRepair<String> repair = net.repair();
            net.drain();
            assertThat(repair.status().pending()).as("no event after a restart").isZero();
            assertThat(h.destEngine.capsuleServable(bad, h.manifest.datastoreId(), 1)).isFalse();

            repair.scan();
            net.drain();

            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(0, 0, 1, 0, 0));
            assertServedAgain(h, 1, bad);
        }
    }

    @Test
    void aCapsuleServedAgainFromAnotherCopyOrDamageOfAnUnknownDatastoreNeedsNoFetch() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            Net net = new Net(h);
            net.providers.add("b");
            CapsuleRepair<String> repair = net.repair();
            Bytes32 id = h.manifest.datastoreId();
            h.dest.datastores().createPlot(id, List.of(1), net.config.compression()); // a second good copy
            CapsuleLocation bad = corrupt(h, 1);
            net.drain();
            assertThat(net.lookups).isZero();
            assertThat(repair.status()).isEqualTo(CapsuleRepair.Status.NONE);

            repair.onDamage(new CapsuleDamage(Bytes32.wrap(new byte[32], 0), 0, bad.hash(), bad.plotId(), bad.plotPath(), "gone"));
            net.drain();
            assertThat(net.lookups).isZero();
            assertThat(repair.status()).isEqualTo(CapsuleRepair.Status.NONE);
        }
    }

    @Test
    void underACapOfOneCapsuleTwoDamagedCapsulesAreRepairedOneAfterTheOther() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 3 * CAPSULE)) {
            Net net = new Net(h);
            net.providers.addAll(List.of("b", "c"));
            CapsuleRepair<String> repair = h.dest.capsuleRepair(net.fetches, net, net.tasks::add,
                    new RepairConfig(1, Duration.ofSeconds(30), Duration.ofMinutes(10)));
            List<Integer> order = new ArrayList<>();
            int[] peak = {0};
            net.onSend = r -> {
                order.add(((FetchRequest.Window) r).capsuleIndex());
                peak[0] = Math.max(peak[0], repair.status().running());
            };
            CapsuleLocation bad0 = corrupt(h, 0);
            CapsuleLocation bad2 = corrupt(h, 2);

            net.drain();

            assertThat(repair.status()).isEqualTo(new CapsuleRepair.Status(0, 0, 2, 0, 0));
            assertThat(peak[0]).isEqualTo(1);
            assertThat(order).isSorted().contains(0, 2).doesNotContain(1);
            assertServedAgain(h, 0, bad0);
            assertServedAgain(h, 2, bad2);
        }
    }

    @Test
    void aNewerVersionBegunWhileARepairRunsSupersedesItAndTheRepairIsCheckedAgainstWhatIsHeld() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            Net net = new Net(h);
            net.providers.add("b");
            CapsuleRepair<String> repair = net.repair();
            Bytes32 id = h.manifest.datastoreId();
            CapsuleLocation bad = corrupt(h, 1);
            while (repair.session(id).isEmpty()) {
                net.tasks.remove().run();
            }
            FetchSession<String> first = repair.session(id).orElseThrow();

            net.fetches.begin(FetchSessionTest.resigned(h.manifest, 2), List.of("b"), h.link());

            assertThat(first.outcome()).map(FetchSession.Outcome::state).contains(FetchSession.State.SUPERSEDED);
            net.drain();
            assertThat(repair.status()).as("version 1 is still the one held: repaired by a new session")
                    .isEqualTo(new CapsuleRepair.Status(0, 0, 1, 0, 0));
            assertServedAgain(h, 1, bad);
        }
    }

    @Test
    void aRepairSessionRefusesAVersionNotHeldAndIndicesOutsideIt() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            assertThatThrownBy(() -> fetches.repair(h.manifest.version(), List.of(0), List.of("b"), link, s -> { }))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_DATASTORE));
            new Net(h);
            for (List<Integer> wrong : List.of(List.of(2), List.of(-1), List.<Integer>of())) {
                assertThatThrownBy(() -> fetches.repair(h.manifest.version(), wrong, List.of("b"), link, s -> { }))
                        .isInstanceOfSatisfying(ServiceException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_CAPSULE_INDEX));
            }
            FetchSession<String> first = fetches.repair(h.manifest.version(), List.of(1), List.of("b"), link, s -> { });
            assertThat(first.capsules()).containsExactly(1);
            assertThatThrownBy(() -> fetches.repair(h.manifest.version(), List.of(0), List.of("b"), link, s -> { }))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUSY));
        }
    }

    // ------------------------------------------------------------------ support

    /** Flips a byte of capsule {@code index} in A's plot and rehashes that plot (a verify), which finds it. */
    private static CapsuleLocation corrupt(FetchHarness h, int index) throws Exception {
        Bytes32 id = h.manifest.datastoreId();
        CapsuleLocation loc = h.destEngine.locate(id, index).orElseThrow();
        Corruption.flip(loc.plotPath(), loc.offset() + Math.min(1234, h.manifest.capsules().get(index).size() / 2));
        assertThat(h.dest.datastores().verify(Optional.of(loc.plotId()), Progress.none()).ok()).isFalse();
        return loc;
    }

    private static void assertServedAgain(FetchHarness h, int index, CapsuleLocation bad) {
        Bytes32 id = h.manifest.datastoreId();
        byte[] want = Arrays.copyOfRange(h.data, index * CAPSULE, Math.min(h.data.length, (index + 1) * CAPSULE));
        CapsuleLocation fresh = h.dest.content().locate(id, index).orElseThrow();
        assertThat(fresh.plotId()).isNotEqualTo(bad.plotId());
        assertThat(h.dest.content().capsuleServable(fresh, id, index)).isTrue();
        assertThat(h.dest.content().capsuleServable(bad, id, index)).as("the damaged copy stays refused").isFalse();
        assertThat(h.destEngine.readCapsule(id, index)).isEqualTo(want);
        assertThat(h.dest.content().fill(id, index, h.manifest.capsules().get(index).hash())).isEqualTo(want);
        assertThat(h.dest.datastores().verify(Optional.of(fresh.plotId()), Progress.none()).ok()).isTrue();
        assertThat(h.dest.datastores().unavailableCapsules(id)).isEmpty();
    }

    /**
     * The in-memory peer network of A: providers named by a mutable list, every request answered from B's
     * {@link CapsuleWindows} (through an optional behaviour), tasks of A's worker pool run by hand.
     */
    private static final class Net implements CapsuleRepair.Transport<String> {
        private record Sent(String peer, FetchRequest request, BiConsumer<String, FetchResponse> sink) {
        }

        final FetchHarness h;
        final FetchConfig config = FetchHarness.config(64 * 1024);
        final FetchService fetches;
        final List<String> providers = new ArrayList<>();
        final Map<String, FetchHarness.Behaviour> behaviours = new HashMap<>();
        final Map<String, Integer> answered = new HashMap<>();
        final List<FetchHarness.Penalty> penalties = new ArrayList<>();
        final Deque<Runnable> tasks = new ArrayDeque<>();
        final Deque<Sent> sent = new ArrayDeque<>();
        java.util.function.Consumer<FetchRequest> onSend = r -> { };
        int lookups;

        Net(FetchHarness h) {
            this(h, true);
        }

        /** With {@code fetchFirst}, A fetches the whole version from B first, as replication would. */
        Net(FetchHarness h, boolean fetchFirst) {
            this.h = h;
            this.fetches = h.fetches(config);
            if (fetchFirst) {
                FetchHarness.Link link = h.link();
                FetchSession.Outcome o = link.run(fetches.begin(h.manifest.version(), List.of("b"), link));
                assertThat(o.state()).isEqualTo(FetchSession.State.LANDED);
            }
        }

        CapsuleRepair<String> repair() {
            return h.dest.capsuleRepair(fetches, this, tasks::add, CONFIG);
        }

        @Override
        public CompletionStage<? extends Collection<String>> providers(Bytes32 datastoreId) {
            lookups++;
            return CompletableFuture.completedFuture(List.copyOf(providers));
        }

        @Override
        public PeerLink<String> link(BiConsumer<String, FetchResponse> sink) {
            return new PeerLink<>() {
                @Override
                public void send(String peer, FetchRequest request) {
                    onSend.accept(request);
                    sent.add(new Sent(peer, request, sink));
                }

                @Override
                public void penalise(String peer, ErrorCode code, String why) {
                    penalties.add(new FetchHarness.Penalty(peer, code, why));
                }
            };
        }

        /** Runs queued tasks and answers queued requests until neither is left. */
        void drain() {
            for (int round = 0; round < 100_000; round++) {
                Runnable t = tasks.poll();
                if (t != null) {
                    t.run();
                    continue;
                }
                Sent s = sent.poll();
                if (s == null) {
                    return;
                }
                FetchResponse honest = h.windows.answer(s.peer(), s.request());
                FetchHarness.Behaviour b = behaviours.get(s.peer());
                FetchResponse answer = b == null ? honest : b.apply(s.request(), honest);
                answered.merge(s.peer(), 1, Integer::sum);
                s.sink().accept(s.peer(), answer);
            }
            throw new AssertionError("the repair did not settle");
        }
    }
}
