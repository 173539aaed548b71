package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.Progress;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;
import net.dig.storage.PlotStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching a datastore version between two real homes through the in-memory link: several windows,
 * several providers, a provider that flips a byte, one that stalls, bad proofs and metadata, refusals,
 * versions superseded and refused. Every landed version is compared byte for byte with the source.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FetchSessionTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private static final List<String> THREE = List.of("p1", "p2", "p3");

    @Test
    void aSixteenMibCapsuleTravelsInSeveralWindowsFromThreeProvidersInParallel() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 16 * MIB, 16 * MIB + 300_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(4 * MIB));
            FetchHarness.Link link = h.link();
            FetchSession<String> s = fetches.begin(h.manifest.version(), THREE, link);
            int[] peak = {0};
            link.onPenalty = p -> { };
            FetchSession.Outcome o = runTrackingInFlight(link, s, peak);

            assertThat(o.state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.penalties).isEmpty();
            assertThat(s.windowsFrom()).containsOnlyKeys(THREE);
            assertThat(s.windowsFrom().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(4 + 1);
            assertThat(peak[0]).isGreaterThanOrEqualTo(3);
            assertLanded(h, fetches);
        }
    }

    /** Delivers like {@link FetchHarness.Link#run}, recording the most requests outstanding at once. */
    private static FetchSession.Outcome runTrackingInFlight(FetchHarness.Link link, FetchSession<String> s, int[] peak) {
        link.behaviours.put("p1", (req, honest) -> {
            peak[0] = Math.max(peak[0], s.inFlight());
            return honest;
        });
        return link.run(s);
    }

    @Test
    void aProviderThatFlipsOneByteIsCaughtOnItsFirstBadWindowPenalisedOnceAndTheOthersFinish() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 1 * MIB, 3 * MIB + 12_345)) {
            FetchService fetches = h.fetches(FetchHarness.config(256 * 1024));
            FetchHarness.Link link = h.link();
            int[] windowsBeforePenalty = {-1};
            link.behaviours.put("p2", (req, honest) -> {
                if (honest instanceof FetchResponse.Window w && w.prologue() == null) {
                    byte[] bad = w.data().clone();
                    bad[bad.length / 2] ^= 0x01;
                    return new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), bad, null);
                }
                return honest;
            });
            link.onPenalty = p -> windowsBeforePenalty[0] = link.served.getOrDefault("p2", 0);
            FetchSession<String> s = fetches.begin(h.manifest.version(), THREE, link);
            FetchSession.Outcome o = link.run(s);

            assertThat(o.state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.penalties).hasSize(1);
            assertThat(link.penalties.getFirst().peer()).isEqualTo("p2");
            assertThat(link.penalties.getFirst().code()).isEqualTo(ErrorCode.VERIFICATION_FAILED);
            // p2's honest windows (prologues) were counted; the penalty came on the first tampered one
            int tamperedServed = windowsBeforePenalty[0] - s.windowsFrom().getOrDefault("p2", 0);
            assertThat(tamperedServed).isEqualTo(1);
            assertLanded(h, fetches);
        }
    }

    @Test
    void aStalledProviderIsTimedOutPenalisedAndItsWindowsGoElsewhere() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 1 * MIB, 2 * MIB + 4096)) {
            FetchService fetches = h.fetches(FetchHarness.config(256 * 1024));
            FetchHarness.Link link = h.link();
            link.behaviours.put("p3", (req, honest) -> null);
            FetchSession<String> s = fetches.begin(h.manifest.version(), THREE, link);
            FetchSession.Outcome o = link.run(s);

            assertThat(o.state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.held).isNotEmpty();
            assertThat(link.penalties).extracting(FetchHarness.Penalty::peer).containsExactly("p3");
            assertThat(link.penalties.getFirst().code()).isEqualTo(ErrorCode.REQUEST_TIMEOUT);
            assertThat(s.windowsFrom()).doesNotContainKey("p3");
            assertLanded(h, fetches);
        }
    }

    @Test
    void aPrologueWhoseChunkHashesOrLeafProofDoNotProveOutIsPenalised() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 600_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            link.behaviours.put("p1", (req, honest) -> {
                if (honest instanceof FetchResponse.Window w && w.prologue() != null) {
                    byte[] hashes = w.prologue().chunkHashes().clone();
                    hashes[5] ^= 0x40;
                    // the bytes match the altered hash of chunk 0, the proof does not
                    return new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), w.data(),
                            new FetchResponse.Prologue(w.prologue().capsuleHash(), hashes, w.prologue().leafProof()));
                }
                return honest;
            });
            link.behaviours.put("p2", (req, honest) -> {
                if (honest instanceof FetchResponse.Window w && w.prologue() != null) {
                    MerkleProof p = w.prologue().leafProof();
                    MerkleProof other = new MerkleProof((p.leafIndex() + 1) % p.leafCount(), p.leafCount(), p.siblings());
                    return new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), w.data(),
                            new FetchResponse.Prologue(w.prologue().capsuleHash(), w.prologue().chunkHashes(), other));
                }
                return honest;
            });
            FetchSession<String> s = fetches.begin(h.manifest.version(), THREE, link);
            FetchSession.Outcome o = link.run(s);

            assertThat(o.state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.penalties).extracting(FetchHarness.Penalty::peer).containsExactlyInAnyOrder("p1", "p2");
            assertThat(link.penalties).extracting(FetchHarness.Penalty::code).containsOnly(ErrorCode.VERIFICATION_FAILED);
            assertLanded(h, fetches);
        }
    }

    @Test
    void aShortCountOfChunkHashesAndAnOversizedWindowArePenalisedBeforeUse() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 1 << 20)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            link.behaviours.put("p1", (req, honest) -> honest instanceof FetchResponse.Window w && w.prologue() != null
                    ? new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), w.data(),
                    new FetchResponse.Prologue(w.prologue().capsuleHash(), new byte[32], w.prologue().leafProof()))
                    : honest);
            link.behaviours.put("p2", (req, honest) -> honest instanceof FetchResponse.Window w
                    ? new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), new byte[w.data().length + 4096],
                    w.prologue())
                    : honest);
            FetchSession<String> s = fetches.begin(h.manifest.version(), THREE, link);
            assertThat(link.run(s).state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.penalties).extracting(FetchHarness.Penalty::code)
                    .containsExactlyInAnyOrder(ErrorCode.VERIFICATION_FAILED, ErrorCode.BAD_RANGE);
            assertLanded(h, fetches);
        }
    }

    @Test
    void metadataThatDoesNotMatchTheSignedHashesIsPenalisedAndAskedElsewhere() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 300_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            link.behaviours.put("p1", (req, honest) -> honest instanceof FetchResponse.Metadata m
                    ? new FetchResponse.Metadata(m.requestId(), m.name(), List.of(new FileEntry("evil.sh", 0, 10, Bytes32.ZERO)))
                    : honest);
            link.behaviours.put("p2", (req, honest) -> honest instanceof FetchResponse.Metadata m
                    ? new FetchResponse.Metadata(m.requestId(), "another name", m.files())
                    : honest);
            FetchSession<String> s = fetches.begin(h.manifest.version(), List.of("p1", "p2"), link);
            assertThat(link.run(s)).as("both providers dropped: the session waits for more").isNull();
            assertThat(s.starved()).isTrue();
            assertThat(link.penalties).extracting(FetchHarness.Penalty::code).containsOnly(ErrorCode.VERIFICATION_FAILED);
            assertThat(h.destEngine.datastores()).isEmpty();
            s.addProviders(List.of("p1", "p2"), h.clock.nanos());
            assertThat(s.starved()).as("dropped providers stay out").isTrue();
            s.addProviders(List.of("p3"), h.clock.nanos());
            assertThat(link.run(s).state()).isEqualTo(FetchSession.State.LANDED);
            assertLanded(h, fetches);
        }
    }

    @Test
    void aFileTableLargerThanMaxFilesIsRefusedBeforeItIsHashed() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 300_000)) {
            FetchService fetches = h.fetches(new FetchConfig(64 * 1024, 2, 6, java.time.Duration.ofSeconds(10), 1,
                    net.dig.storage.Compression.NONE));
            FetchHarness.Link link = h.link();
            link.behaviours.put("p1", (req, honest) -> honest instanceof FetchResponse.Metadata m
                    ? new FetchResponse.Metadata(m.requestId(), m.name(), java.util.Collections.nCopies(2, m.files().getFirst()))
                    : honest);
            FetchSession<String> s = fetches.begin(h.manifest.version(), List.of("p1", "p2"), link);
            assertThat(link.run(s).state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.penalties).extracting(FetchHarness.Penalty::peer, FetchHarness.Penalty::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("p1", ErrorCode.PAYLOAD_TOO_LARGE));
            assertLanded(h, fetches);
        }
    }

    @Test
    void aRestartedServiceResumesAStagedFetchWithoutAskingForVerifiedWindowsAgain() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 3 * 256 * 1024)) {
            FetchHarness.Link first = h.link();
            FetchSession<String> s1 = h.fetches(FetchHarness.config(64 * 1024)).begin(h.manifest.version(), THREE, first);
            s1.start(h.clock.nanos());
            int delivered = 0;
            while (delivered < 5) {
                var sent = first.queue.poll();
                FetchResponse r = h.windows.answer(sent.peer(), sent.request());
                s1.onResponse(sent.peer(), r, h.clock.nanos());
                if (r instanceof FetchResponse.Window) {
                    delivered++;
                }
            }
            // the process ends here: a new service over the same home finds the staged version
            FetchService restarted = h.fetches(FetchHarness.config(64 * 1024));
            assertThat(restarted.staged()).containsExactly(h.manifest.version());
            assertThat(h.destEngine.datastores()).isEmpty();
            FetchHarness.Link second = h.link();
            FetchSession<String> s2 = restarted.begin(restarted.staged().getFirst(), THREE, second);
            assertThat(second.run(s2).state()).isEqualTo(FetchSession.State.LANDED);
            int windows = s2.windowsFrom().values().stream().mapToInt(Integer::intValue).sum();
            assertThat(windows).isEqualTo(3 * 4 - 5);
            assertLanded(h, restarted);
        }
    }

    @Test
    void aStagingAreaLeftBesideAStoredVersionIsDiscardedAtStartWithoutAPeerAndAPendingOneIsKept() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 3 * 256 * 1024)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            assertThat(link.run(fetches.begin(h.manifest.version(), THREE, link)).state()).isEqualTo(FetchSession.State.LANDED);
            // a process stopped after storing, before deleting: the area of the held version, and of an older one
            Path root = h.destEngine.config().dataDir().resolve("fetch");
            FetchStaging.open(root, h.manifest.version());
            DatastoreVersion newer = resigned(h.manifest, 2);
            FetchStaging.open(root, newer);
            FetchService restarted = h.fetches(FetchHarness.config(64 * 1024));
            assertThat(restarted.staged()).containsExactlyInAnyOrder(h.manifest.version(), newer);

            assertThat(restarted.discardLanded()).containsExactly(h.manifest.version());
            assertThat(restarted.staged()).containsExactly(newer);
            assertThat(restarted.discardLanded()).isEmpty();
        }
    }

    @Test
    void aProviderThatDoesNotHoldTheVersionIsDroppedWithoutPenaltyAndARateLimitOnlyPauses() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 700_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            link.behaviours.put("p1", (req, honest) -> new FetchResponse.Refused(req.requestId(), ErrorCode.UNKNOWN_DATASTORE,
                    "not here", 0));
            int[] limited = {0};
            link.behaviours.put("p2", (req, honest) -> limited[0]++ < 2
                    ? new FetchResponse.Refused(req.requestId(), ErrorCode.RATE_LIMITED, "slow down", 500)
                    : honest);
            FetchSession<String> s = fetches.begin(h.manifest.version(), List.of("p1", "p2"), link);
            assertThat(link.run(s).state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(link.penalties).isEmpty();
            assertThat(s.windowsFrom()).containsOnlyKeys("p2");
            assertLanded(h, fetches);
        }
    }

    @Test
    void aLateOrUnaskedAnswerIsIgnored() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 300_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            FetchSession<String> s = fetches.begin(h.manifest.version(), List.of("p1"), link);
            s.start(h.clock.nanos());
            s.onResponse("p1", new FetchResponse.Window(999_999, 0, 0, new byte[4096], null), h.clock.nanos());
            s.onResponse("p9", new FetchResponse.Refused(1, ErrorCode.UNKNOWN_DATASTORE, "who?", 0), h.clock.nanos());
            assertThat(link.penalties).isEmpty();
            assertThat(s.outcome()).isEmpty();
            assertThat(link.run(s).state()).isEqualTo(FetchSession.State.LANDED);
        }
    }

    @Test
    void aNewerVersionSupersedesTheRunningFetchAndAnOlderOneIsRefused() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 500_000)) {
            Manifest v1 = h.manifest;
            DatastoreVersion v2 = resigned(v1, 2);
            h.source.datastores().store(new ManifestCodec.Decoded(v2, v1.name(), v1.capsules(), v1.files()),
                    partsOf(h, v1),
                    net.dig.storage.Compression.NONE);
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            Path root = h.destEngine.config().dataDir().resolve("fetch");

            FetchHarness.Link link1 = h.link();
            FetchSession<String> s1 = fetches.begin(v1.version(), THREE, link1);
            s1.start(h.clock.nanos());
            Path staging1 = FetchStaging.dirOf(root, v1.datastoreId(), 1);
            assertThat(staging1).isDirectory();

            FetchHarness.Link link2 = h.link();
            FetchSession<String> s2 = fetches.begin(v2, THREE, link2);
            assertThat(s1.outcome()).map(FetchSession.Outcome::state).contains(FetchSession.State.SUPERSEDED);
            assertThat(staging1).doesNotExist();
            ServiceException again = catchThrowableOfType(ServiceException.class, () -> fetches.begin(v1.version(), THREE, h.link()));
            assertThat(again.code()).isEqualTo(ErrorCode.STALE_VERSION);

            assertThat(link2.run(s2).state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(h.destEngine.manifest(v1.datastoreId()).orElseThrow().version()).isEqualTo(v2);
            for (DatastoreVersion old : List.of(v1.version(), v2)) {
                ServiceException stale = catchThrowableOfType(ServiceException.class, () -> fetches.begin(old, THREE, h.link()));
                assertThat(stale.code()).isEqualTo(ErrorCode.STALE_VERSION);
            }
            assertThat(Files.list(root).toList()).isEmpty();
        }
    }

    @Test
    void aRecordWithABadSignatureOrInconsistentSizesIsRefusedBeforeAnyoneIsAsked() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 300_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            DatastoreVersion v = h.manifest.version();
            byte[] sig = v.signature();
            sig[0] ^= 1;
            ServiceException bad = catchThrowableOfType(ServiceException.class, () -> fetches.begin(v.withSignature(sig), THREE, link));
            assertThat(bad.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
            DatastoreVersion wrongTotal = DatastoreVersion.signed(v.nonce(), 1, v.merkleRoot(), v.capsuleCount(), 10L << 20,
                    v.capsuleSize(), v.creationTime(), h.manifest.name(), h.manifest.files(), FetchHarness.OWNER);
            ServiceException sizes = catchThrowableOfType(ServiceException.class, () -> fetches.begin(wrongTotal, THREE, link));
            assertThat(sizes.code()).isEqualTo(ErrorCode.BAD_MANIFEST);
            assertThat(link.queue).isEmpty();
        }
    }

    @Test
    void stagedBytesDamagedOnDiskBeforeLandingAreFetchedAgain() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 256 * 1024, 600_000)) {
            FetchService fetches = h.fetches(FetchHarness.config(64 * 1024));
            FetchHarness.Link link = h.link();
            Path root = h.destEngine.config().dataDir().resolve("fetch");
            Path capsule1 = FetchStaging.dirOf(root, h.manifest.datastoreId(), 1).resolve("capsule-1.data");
            boolean[] damaged = {false};
            fetches.steps = step -> {
                if (step.equals("window") && !damaged[0] && Files.exists(capsule1)) {
                    try {
                        if (Files.size(capsule1) == 262_144) {
                            net.dig.testkit.Corruption.flip(capsule1, 70_000);
                            damaged[0] = true;
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            FetchSession<String> s = fetches.begin(h.manifest.version(), THREE, link);
            assertThat(link.run(s).state()).isEqualTo(FetchSession.State.LANDED);
            assertThat(damaged[0]).isTrue();
            assertThat(link.penalties).isEmpty();
            assertLanded(h, fetches);
        }
    }

    private static CapsuleParts partsOf(FetchHarness h, Manifest m) throws java.io.IOException {
        java.util.Map<Integer, Path> files = new java.util.HashMap<>();
        for (int i = 0; i < m.capsules().size(); i++) {
            Path f = h.destEngine.config().dataDir().resolveSibling("part-" + i);
            Files.write(f, h.sourceEngine.readCapsule(m.datastoreId(), i));
            files.put(i, f);
        }
        return CapsuleParts.files(files);
    }

    static DatastoreVersion resigned(Manifest m, long version) {
        DatastoreVersion v = m.version();
        return DatastoreVersion.signed(v.nonce(), version, v.merkleRoot(), v.capsuleCount(), v.totalSize(), v.capsuleSize(),
                v.creationTime(), m.name(), m.files(), FetchHarness.OWNER);
    }

    /** The destination holds exactly the source's version, byte for byte, in sound plots; no staging left. */
    static void assertLanded(FetchHarness h, FetchService fetches) throws Exception {
        Bytes32 id = h.manifest.datastoreId();
        Optional<Manifest> got = h.destEngine.manifest(id);
        assertThat(got).isPresent();
        Manifest src = h.sourceEngine.manifest(id).orElseThrow();
        assertThat(got.get().encode()).isEqualTo(src.encode());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < got.get().capsules().size(); i++) {
            all.write(h.destEngine.readCapsule(id, i));
        }
        assertThat(all.toByteArray()).isEqualTo(h.data);
        assertThat(h.destEngine.plots()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PlotStatus.OK));
        assertThat(h.destEngine.verify(Optional.empty(), Progress.none()).ok()).isTrue();
        assertThat(fetches.staged()).isEmpty();
        assertThat(fetches.running(id)).isEmpty();
        List<String> left = new ArrayList<>();
        Path root = h.destEngine.config().dataDir().resolve("fetch");
        if (Files.exists(root)) {
            try (var s = Files.list(root)) {
                s.forEach(p -> left.add(p.toString()));
            }
        }
        assertThat(left).isEmpty();
    }
}
