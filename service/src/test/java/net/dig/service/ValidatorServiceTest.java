package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.proof.LocalBeacon;
import net.dig.proof.TimingPolicy;
import net.dig.proof.Verdict;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ValidatorService} against real provers (a storage engine and its {@link ProofService} behind a fake
 * transport): honest answers pass and are attested, a prover that lost its data is contained, re-challenged and
 * only then counted against, a late or foreign answer fails, and one miss followed by a pass costs nothing.
 */
class ValidatorServiceTest {
    private static final TimingPolicy TIMING = new TimingPolicy(Duration.ofMillis(500).toNanos(), Duration.ofMillis(5).toNanos(), 0);
    private static final NodeIdentity VALIDATOR = NodeIdentity.fromSeed(seed(9));

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);
    private final List<StorageEngine> engines = new ArrayList<>();

    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        s[0] = (byte) b;
        return s;
    }

    /** A holder: its engine, its proof service and the version it holds. */
    private record Prover(NodeIdentity identity, StorageEngine engine, ProofService proofs, Manifest manifest) {
        ValidatorService.Target<Prover> target() {
            return new ValidatorService.Target<>(this, Bytes32.wrap(identity.publicKey()), manifest.version());
        }
    }

    private Prover prover(int seed, byte[] data) throws Exception {
        NodeIdentity id = NodeIdentity.fromSeed(seed(seed));
        StorageEngine engine = StorageEngine.open(StorageConfig.under(tmp.resolve("p" + seed)), clock, id, new SplittableRandom(seed));
        engines.add(engine);
        Path src = Files.write(tmp.resolve("data" + seed), data);
        Manifest m = engine.ingest(src, new IngestOptions(262_144, Compression.NONE, "d"), NodeIdentity.fromSeed(seed(1)), Progress.none());
        return new Prover(id, engine, new ProofService(engine, id, clock, Set.of()), m);
    }

    @AfterEach
    void close() {
        engines.forEach(StorageEngine::close);
    }

    /** Answers like a node: ProofService.answerAt; {@code behaviour} may tamper or delay. */
    private static final class Network implements ValidatorService.Transport<Prover> {
        final List<ValidatorService.Target<Prover>> targets = new ArrayList<>();
        final List<Prover> asked = new ArrayList<>();
        final List<NodePayload.StorageAttestation> published = new ArrayList<>();
        java.util.Optional<net.dig.storage.DatastoreVersion> current = java.util.Optional.empty();

        @Override
        public java.util.Optional<net.dig.storage.DatastoreVersion> current(ValidatorService.Target<Prover> target) {
            return current;
        }
        java.util.function.BiFunction<Prover, NodePayload.ValidationChallenge, byte[]> behaviour = Network::honest;

        static byte[] honest(Prover p, NodePayload.ValidationChallenge c) {
            return p.proofs().answerAt(Hex.encode(c.challengeId().toArray()), c.datastoreId(), c.capsuleIndex(),
                    ProofService.partsOf(c.challengeType())).generated().bytes();
        }

        @Override
        public List<ValidatorService.Target<Prover>> targets() {
            return targets;
        }

        @Override
        public CompletionStage<ValidatorService.Probe> probe(ValidatorService.Target<Prover> target, int capsuleIndex) {
            byte[] bytes = target.peer().engine().readCapsule(target.version().datastoreId(), capsuleIndex);
            boolean ok = net.dig.core.Sha256.hash(bytes).equals(target.peer().manifest().capsules().get(capsuleIndex).hash());
            return CompletableFuture.completedFuture(new ValidatorService.Probe(bytes.length, 2_000_000, ok));
        }

        @Override
        public void publish(NodePayload.StorageAttestation attestation) {
            published.add(attestation);
        }

        @Override
        public CompletionStage<byte[]> challenge(Prover peer, NodePayload.ValidationChallenge challenge) {
            asked.add(peer);
            try {
                return CompletableFuture.completedFuture(behaviour.apply(peer, challenge));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    private ValidatorService<Prover> validator(Network net, int rechallenges) {
        return new ValidatorService<>(VALIDATOR, net, new LocalBeacon(Bytes32.ZERO),
                new ValidatorService.Settings("inclusion", rechallenges, TIMING, 30_000), clock, new SplittableRandom(3));
    }

    private static byte[] data(int n, int seed) {
        byte[] d = new byte[n];
        new SplittableRandom(seed).nextBytes(d);
        return d;
    }

    @Test
    void honestHoldersPassAndEveryOutcomeIsASignedAttestation() throws Exception {
        Prover a = prover(2, data(700_000, 1));
        Prover b = prover(3, data(300_000, 2));
        Network net = new Network();
        net.targets.add(a.target());
        net.targets.add(b.target());
        ValidatorService<Prover> v = validator(net, 2);
        for (int i = 0; i < 20; i++) {
            NodePayload.StorageAttestation at = v.tick().toCompletableFuture().join();
            assertThat(ValidatorService.verdictOf(at)).isEqualTo(Verdict.VALID);
            assertThat(at.signatureValid()).isTrue();
            clock.advance(Duration.ofSeconds(31)); // a new beacon epoch each time
        }
        assertThat(net.asked).contains(a, b);
        assertThat(v.reputation(Bytes32.wrap(a.identity().publicKey()))).isGreaterThan(0.8);
        assertThat(v.status().passed()).isEqualTo(20);
        assertThat(v.attestations()).hasSize(20).extracting(NodePayload.StorageAttestation::challengeId).doesNotHaveDuplicates();
        assertThat(v.status().provers()).allSatisfy(p -> {
            assertThat(p.service().reads()).as("a client read after each pass").isPositive();
            assertThat(p.service().failedReads()).isZero();
            assertThat(p.service().meanMillis()).isEqualTo(2.0);
            assertThat(p.service().bytesPerSecond()).isPositive();
        });

        NodePayload.StorageAttestation first = v.attestations().getFirst();
        NodePayload.StorageAttestation forged = new NodePayload.StorageAttestation(first.validatorKey(), first.proverKey(),
                first.datastoreId(), first.version(), first.totalSize(), first.challengeId(), Verdict.BAD_CHUNK.ordinal(), first.elapsedNanos(),
                first.atMillis(), first.signature());
        assertThat(forged.signatureValid()).isFalse();
        assertThat(net.published).containsExactlyElementsOf(v.attestations());
        assertThat(Verdict.values()).as("every verdict has a wire code").hasSize(NodePayload.StorageAttestation.MAX_VERDICT + 1);
    }

    @Test
    void aHolderThatLostItsDataIsContainedReChallengedAndOnlyThenLosesReputation() throws Exception {
        Prover honest = prover(2, data(500_000, 3));
        Prover liar = prover(4, data(500_000, 4));
        liar.engine().evict(liar.manifest().version().datastoreId()); // gone, but its announcement says otherwise
        Network net = new Network();
        net.targets.add(liar.target());
        net.targets.add(honest.target());
        ValidatorService<Prover> v = validator(net, 2);
        Bytes32 liarKey = Bytes32.wrap(liar.identity().publicKey());

        // the first challenge that reaches the liar puts it in containment
        NodePayload.StorageAttestation at;
        do {
            at = v.tick().toCompletableFuture().join();
        } while (!at.proverKey().equals(liarKey));
        assertThat(at.passed()).isFalse();
        assertThat(v.reputation(liarKey)).as("not yet counted").isEqualTo(0.5);
        assertThat(v.status().contained()).isEqualTo(1);

        // contained: the next two ticks re-challenge it whatever the draw, then the failure is confirmed
        net.asked.clear();
        v.tick().toCompletableFuture().join();
        v.tick().toCompletableFuture().join();
        assertThat(net.asked).containsExactly(liar, liar);
        assertThat(v.reputation(liarKey)).isLessThan(0.5);
        assertThat(v.status().contained()).isZero();
        assertThat(v.status().provers()).filteredOn(p -> p.proverKey().equals(liarKey)).singleElement()
                .satisfies(p -> assertThat(p.confirmedFailures()).isEqualTo(1));

        for (int i = 0; i < 30; i++) {
            v.tick().toCompletableFuture().join();
        }
        assertThat(v.reputation(liarKey)).isLessThan(0.2);
        assertThat(v.reputation(Bytes32.wrap(honest.identity().publicKey()))).isGreaterThan(0.5);
        assertThat(v.status().provers()).filteredOn(p -> !p.proverKey().equals(liarKey)).singleElement()
                .satisfies(p -> assertThat(p.confirmedFailures()).isZero());
    }

    @Test
    void aLateOrForeignAnswerFailsAndOneMissThenAPassCostsNothing() throws Exception {
        Prover p = prover(2, data(400_000, 5));
        Prover other = prover(5, data(400_000, 6));
        Network net = new Network();
        net.targets.add(p.target());
        ValidatorService<Prover> v = validator(net, 2);
        Bytes32 key = Bytes32.wrap(p.identity().publicKey());

        net.behaviour = (prover, c) -> {
            byte[] bundle = Network.honest(prover, c);
            clock.advance(Duration.ofSeconds(1)); // past base 500 ms + 16 x 5 ms
            return bundle;
        };
        assertThat(ValidatorService.verdictOf(v.tick().toCompletableFuture().join())).isEqualTo(Verdict.LATE);
        net.behaviour = Network::honest;
        assertThat(ValidatorService.verdictOf(v.tick().toCompletableFuture().join())).isEqualTo(Verdict.VALID);
        assertThat(v.status().contained()).isZero();
        assertThat(v.reputation(key)).isGreaterThan(0.5);

        // another node's bundle for the same challenge (a node answering with someone else's copy)
        net.behaviour = (prover, c) -> other.proofs().answerAt(Hex.encode(c.challengeId().toArray()),
                other.manifest().version().datastoreId(), c.capsuleIndex(), ProofService.partsOf(c.challengeType()))
                .generated().bytes();
        assertThat(ValidatorService.verdictOf(v.tick().toCompletableFuture().join())).isIn(Verdict.WRONG_PROVER, Verdict.WRONG_CHALLENGE,
                Verdict.BAD_CHUNK);
        net.behaviour = (prover, c) -> { throw new ServiceException(ErrorCode.UNKNOWN_CAPSULE, "gone"); };
        assertThat(ValidatorService.verdictOf(v.tick().toCompletableFuture().join())).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void aFailureAgainstARecordTheHolderMovedPastIsVoidNotCounted() throws Exception {
        Prover p = prover(2, data(400_000, 7));
        Network net = new Network();
        net.targets.add(p.target());
        ValidatorService<Prover> v = validator(net, 0);
        net.behaviour = (prover, c) -> { throw new ServiceException(ErrorCode.UNKNOWN_CAPSULE, "another version now"); };
        net.current = java.util.Optional.of(p.manifest().version());
        assertThat(v.tick().toCompletableFuture().join()).as("same version: a real failure").isNotNull();
        net.asked.clear();
        net.current = java.util.Optional.of(newer(p.manifest().version()));
        assertThat(v.tick().toCompletableFuture().join()).as("the holder moved on").isNull();
        assertThat(net.asked).hasSize(1);
        ValidatorService.Status s = v.status();
        assertThat(s.voided()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(net.published).hasSize(1);
    }

    private static net.dig.storage.DatastoreVersion newer(net.dig.storage.DatastoreVersion v) {
        return new net.dig.storage.DatastoreVersion(v.datastoreId(), v.nonce(), v.version() + 1, v.merkleRoot(), v.capsuleCount(),
                v.totalSize(), v.capsuleSize(), v.creationTime(), v.nameSha256(), v.filesRoot(), v.ownerPublicKey(), v.signature());
    }
}
