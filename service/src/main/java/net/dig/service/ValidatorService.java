package net.dig.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Hex;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.proof.Beacon;
import net.dig.proof.BundleVerifier;
import net.dig.proof.Challenge;
import net.dig.proof.ChallengeScope;
import net.dig.proof.ProofParts;
import net.dig.proof.TimingPolicy;
import net.dig.proof.Verdict;
import net.dig.storage.DatastoreVersion;
import net.dig.wire.NodePayload;
import net.dig.wire.NodePayload.StorageAttestation;

/**
 * The validator role: challenges holders of datastores it does not hold, verifies their proof bundles against the
 * owner-signed datastore root alone, times them on its own clock, signs an attestation of each outcome, and keeps a
 * reputation per prover.
 *
 * <h2>A challenge</h2>
 * Each {@link #tick} picks a target (a holder and the signed version record of what it announced) at random,
 * or the first prover in containment. The challenge id is {@code SHA-256("dig:validation:v1" ‖ beacon entropy of
 * the current epoch ‖ 32 random bytes of this validator)}: public entropy the prover cannot steer, made
 * unpredictable to it by the validator's part. A capsule is drawn uniformly; the prover answers with the DIGB/1
 * bundle of {@code challengeType} for that capsule, derived from the hex of the id exactly as
 * {@code POST /validation/challenge} derives it ({@link ProofService#challengeFor}). The verifier rebuilds the
 * challenge from the record (capsule count, the capsule's size: every capsule full but the last), starts its
 * clock just before sending and checks the bundle and the deadline ({@link BundleVerifier}): it never needs the
 * data. A refusal, a transport failure or no answer within the transport's bound counts as a failure, unless the
 * holder now serves a newer version than the record asked about ({@link Transport#current}): then the outcome is
 * void (the verifier's record was stale) and nothing is attested.
 *
 * <h2>Containment and reputation (Storj-style)</h2>
 * A prover that fails is contained: it is challenged again on the next ticks, before anyone else, up to
 * {@code rechallenges} times. A pass releases it with nothing counted against it; failing every re-challenge
 * counts one confirmed failure. Reputation is the mean of a Beta(1 + passes, 1 + confirmed failures): 0.5 for a
 * prover never challenged, rising with passes, falling with each confirmed failure. An honest node that misses
 * one deadline (a GC pause) keeps its reputation; a node that lost the data fails every re-challenge.
 *
 * <h2>Quality of service (DATDOT)</h2>
 * After a pass, the validator reads the same capsule as an ordinary client ({@link Transport#probe}: the holder's HTTP
 * API in the node), checks it against the capsule's hash and counts the time to the whole capsule and the bytes per
 * second per prover ({@link Service}). Shown beside the reputation, not folded into it.
 *
 * <h2>Attestations</h2>
 * Each outcome is a {@link StorageAttestation} signed by the validator's node key (layout drawn there; the verdict
 * code is the {@link Verdict}'s ordinal), handed to {@link Transport#publish} and the last {@link #KEPT_ATTESTATIONS}
 * kept. Anyone who knows the validator's key can check one.
 *
 * <h2>Concurrency</h2>
 * {@link #tick} may be called from one scheduler thread; answers complete on the transport's threads. State is
 * guarded by this object's lock; nothing blocks under it.
 */
public final class ValidatorService<P> implements MeterBinder {
    static final int KEPT_ATTESTATIONS = 256;
    private static final byte[] CHALLENGE_DOMAIN = "dig:validation:v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** What to ask and how forgiving to be. */
    public record Settings(String challengeType, int rechallenges, TimingPolicy timing, long epochMillis) {
        public Settings {
            if (ProofService.partsOf(Objects.requireNonNull(challengeType, "challengeType")) == null) {
                throw new IllegalArgumentException("validation: unknown challenge type \"" + challengeType + "\"");
            }
            Objects.requireNonNull(timing, "timing");
            if (rechallenges < 0 || epochMillis < 1) {
                throw new IllegalArgumentException("validation: rechallenges must be >= 0 and the epoch >= 1 ms");
            }
        }
    }

    /** A holder to challenge: how to reach it, its node key, and the owner-signed record of the version it holds. */
    public record Target<P>(P peer, Bytes32 proverKey, DatastoreVersion version) {}

    /** How the validator reaches provers: the peer network in the node, a fake in tests. */
    public interface Transport<P> {
        /** The holders this validator could challenge now, with verified version records. */
        List<Target<P>> targets();

        /** Sends {@code challenge}; completes with the bundle bytes, or exceptionally on a refusal or no answer. */
        CompletionStage<byte[]> challenge(P peer, NodePayload.ValidationChallenge challenge);

        /**
         * The owner-signed record of the version {@code target}'s holder serves now, checked, when it can be learnt (asked
         * after a failure: a holder that moved to a newer version is not failed for the old one); empty by default.
         */
        default java.util.Optional<DatastoreVersion> current(Target<P> target) {
            return java.util.Optional.empty();
        }

        /**
         * Reads capsule {@code capsuleIndex} of {@code target} as an ordinary client would and checks it against its hash
         * (quality of service); completes with null when no such read is possible; by default none.
         */
        default CompletionStage<Probe> probe(Target<P> target, int capsuleIndex) {
            return CompletableFuture.completedFuture(null);
        }

        /** Makes a signed attestation known (the node sends it to its peers); nothing by default. */
        default void publish(StorageAttestation attestation) {}
    }

    /** One signed outcome: the wire's attestation, its verdict the code of {@link Verdict} ({@link #verdictOf}). */
    public static Verdict verdictOf(StorageAttestation a) {
        return Verdict.values()[a.verdict()];
    }

    /** One client read of a holder: bytes received, the time it took on the validator's clock, and whether they hashed right. */
    public record Probe(long bytes, long elapsedNanos, boolean verified) {}

    /**
     * Quality of service as this validator measured it with client reads: how many, how many failed (an error or
     * bytes that do not hash to the capsule), the mean time to the whole capsule and the bytes per second over them.
     */
    public record Service(long reads, long failedReads, double meanMillis, double bytesPerSecond) {}

    /** A prover as this validator sees it. */
    public record ProverRecord(Bytes32 proverKey, long passes, long confirmedFailures, int containmentFailures,
                               double reputation, Service service) {
        public boolean contained() {
            return containmentFailures > 0;
        }
    }

    /** What the validator has done since start ({@code voided}: failures against a record the holder had moved past). */
    public record Status(long challenges, long passed, long failed, long voided, int contained, List<ProverRecord> provers) {}

    private static final class Prover {
        long passes;
        long confirmedFailures;
        int containmentFailures;
        Target<?> containedOn;
        long reads;
        long failedReads;
        long readBytes;
        long readNanos;

        Service service() {
            long good = reads - failedReads;
            return new Service(reads, failedReads, good == 0 ? 0 : readNanos / 1e6 / good,
                    readNanos == 0 ? 0 : readBytes * 1e9 / readNanos);
        }

        double reputation() {
            return (1.0 + passes) / (2.0 + passes + confirmedFailures);
        }
    }

    private final NodeIdentity identity;
    private final Transport<P> transport;
    private final Beacon beacon;
    private final Settings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final BundleVerifier verifier;
    private final Map<Bytes32, Prover> provers = new HashMap<>();
    private final ArrayDeque<StorageAttestation> attestations = new ArrayDeque<>();
    private final AtomicLong challenges = new AtomicLong();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong voided = new AtomicLong();

    public ValidatorService(NodeIdentity identity, Transport<P> transport, Beacon beacon, Settings settings, Clock clock,
                            RandomGenerator random) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.beacon = Objects.requireNonNull(beacon, "beacon");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.verifier = new BundleVerifier(clock, settings.timing());
    }

    /** Challenges one target (a contained prover first); completes with its attestation, or null when there is none. */
    @SuppressWarnings("unchecked")
    public CompletionStage<StorageAttestation> tick() {
        Target<P> target;
        synchronized (this) {
            target = provers.values().stream().filter(p -> p.containedOn != null).findFirst()
                    .map(p -> (Target<P>) p.containedOn).orElse(null);
        }
        if (target == null) {
            List<Target<P>> all = transport.targets().stream()
                    .filter(t -> !t.proverKey().equals(Bytes32.wrap(identity.publicKey())))
                    .filter(t -> t.version().capsuleCount() > 0).toList(); // an empty datastore has nothing to prove
            if (all.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            target = all.get(random.nextInt(all.size()));
        }
        return challenge(target);
    }

    /** Challenges {@code target} once and records the outcome; completes with null when the outcome is void. */
    public CompletionStage<StorageAttestation> challenge(Target<P> target) {
        DatastoreVersion v = target.version();
        int capsule = random.nextInt(v.capsuleCount());
        long size = capsule < v.capsuleCount() - 1 ? v.capsuleSize() : v.totalSize() - (long) v.capsuleSize() * (v.capsuleCount() - 1);
        byte[] own = new byte[32];
        random.nextBytes(own);
        long epoch = clock.millis() / settings.epochMillis();
        Bytes32 id = Sha256.hash(CHALLENGE_DOMAIN, beacon.entropy(epoch).toArray(), own);
        ProofParts parts = ProofService.partsOf(settings.challengeType());
        Challenge challenge = ProofService.challengeFor(Hex.encode(id.toArray()),
                new ChallengeScope(v.datastoreId(), v.capsuleCount(), new int[] {capsule}, new long[] {size}),
                target.proverKey().toArray(), parts);
        NodePayload.ValidationChallenge message = new NodePayload.ValidationChallenge(id, v.datastoreId(), capsule, 0,
                Bytes32.wrap(own), clock.millis() / 1000 + 60, settings.challengeType());
        challenges.incrementAndGet();
        long sent = clock.nanos();
        BundleVerifier.Pending pending = verifier.start(challenge);
        CompletionStage<byte[]> answer;
        try {
            answer = transport.challenge(target.peer(), message);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((bundle, error) -> {
            Verdict verdict = error != null || bundle == null ? Verdict.MALFORMED
                    : pending.finish(bundle, v.merkleRoot(), target.proverKey().toArray());
            long elapsed = clock.nanos() - sent;
            if (verdict != Verdict.VALID && stale(target)) {
                voided.incrementAndGet();
                return null; // the prover moved to a newer version than the record this validator asked about
            }
            return record(target, id, verdict, elapsed);
        }).thenCompose(a -> a == null || !a.passed() ? CompletableFuture.completedFuture(a)
                : probe(target, capsule).thenApply(ignored -> a));
    }

    /** A client read of the capsule just proven, counted in the prover's quality of service; never fails. */
    private CompletionStage<Void> probe(Target<P> target, int capsule) {
        CompletionStage<Probe> read;
        try {
            read = transport.probe(target, capsule);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read.handle((probe, error) -> {
            if (error == null && probe == null) {
                return null;
            }
            synchronized (this) {
                Prover p = provers.computeIfAbsent(target.proverKey(), k -> new Prover());
                p.reads++;
                if (error != null || !probe.verified()) {
                    p.failedReads++;
                } else {
                    p.readBytes += probe.bytes();
                    p.readNanos += probe.elapsedNanos();
                }
            }
            return null;
        });
    }

    /** Whether the holder now serves a newer version than {@code target}'s record (then a failure is the verifier's). */
    private boolean stale(Target<P> target) {
        try {
            return transport.current(target).map(now -> now.version() > target.version().version()).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private StorageAttestation record(Target<P> target, Bytes32 challengeId, Verdict verdict, long elapsedNanos) {
        DatastoreVersion v = target.version();
        StorageAttestation a = StorageAttestation.sign(identity, target.proverKey(), v.datastoreId(), v.version(), v.totalSize(), challengeId,
                verdict.ordinal(), elapsedNanos, clock.millis());
        synchronized (this) {
            Prover p = provers.computeIfAbsent(target.proverKey(), k -> new Prover());
            if (a.passed()) {
                passed.incrementAndGet();
                p.passes++;
                p.containmentFailures = 0;
                p.containedOn = null;
            } else {
                failed.incrementAndGet();
                p.containmentFailures++;
                if (p.containmentFailures > settings.rechallenges()) {
                    p.confirmedFailures++;
                    p.containmentFailures = 0;
                    p.containedOn = null;
                } else {
                    p.containedOn = target;
                }
            }
            attestations.addLast(a);
            while (attestations.size() > KEPT_ATTESTATIONS) {
                attestations.removeFirst();
            }
        }
        try {
            transport.publish(a);
        } catch (RuntimeException e) {
            System.getLogger(ValidatorService.class.getName()).log(System.Logger.Level.WARNING,
                    "attestation_publish_failed: " + e.getMessage());
        }
        return a;
    }

    /** The reputation of {@code proverKey} here, 0..1 (0.5 for a prover never challenged). */
    public synchronized double reputation(Bytes32 proverKey) {
        Prover p = provers.get(proverKey);
        return p == null ? 0.5 : p.reputation();
    }

    /** The last attestations, oldest first. */
    public synchronized List<StorageAttestation> attestations() {
        return List.copyOf(attestations);
    }

    public synchronized Status status() {
        List<ProverRecord> out = new ArrayList<>();
        int contained = 0;
        for (Map.Entry<Bytes32, Prover> e : provers.entrySet()) {
            Prover p = e.getValue();
            out.add(new ProverRecord(e.getKey(), p.passes, p.confirmedFailures, p.containmentFailures, p.reputation(),
                    p.service()));
            contained += p.containmentFailures > 0 ? 1 : 0;
        }
        return new Status(challenges.get(), passed.get(), failed.get(), voided.get(), contained, List.copyOf(out));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("validator_challenges", passed, AtomicLong::get).tag("result", "passed")
                .description("storage challenges this validator sent, by outcome").register(registry);
        FunctionCounter.builder("validator_challenges", failed, AtomicLong::get).tag("result", "failed")
                .description("storage challenges this validator sent, by outcome").register(registry);
    }
}
