package net.dig.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Hex;
import net.dig.core.MerkleProof;
import net.dig.core.NodeIdentity;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.Manifest;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageException;

/**
 * Storage proofs: a validator's challenge for a capsule hash answered with a {@link ChallengeProof}
 * signed by this node.
 *
 * <h2>Signing layouts</h2>
 * What a validator signs ({@link #challengeSigningBytes}, version 1, big-endian):
 * <pre>
 * +--------+----+-------+--------------+--------------+----+----------------+
 * | "DIGV" | 01 | u16 L | challenge_id | capsule_hash | u8 | challenge_type |
 * | 4 B    | u8 |       | L B (UTF-8)  | 32 B         | T  | T B (ASCII)    |
 * +--------+----+-------+--------------+--------------+----+----------------+
 * </pre>
 * What the node signs in its answer is drawn in {@link ChallengeProof}.
 *
 * <h2>Lookup</h2>
 * Capsules are found by hash through an in-memory index rebuilt whenever the set of (datastore,
 * version) pairs changes; a hash stored in several datastores answers from the first listed.
 *
 * <h2>Metrics</h2>
 * {@link #bindTo} adds {@code proof_generation_time} (timer, percentile histogram) and
 * {@code validation_challenges_total{result=answered|refused}}; {@link #validations24h()} counts the
 * answers of the last 24 h of injected-clock time. Thread-safe; {@link #answer} blocks.
 */
public final class ProofService implements MeterBinder {
    private static final long DAY_MILLIS = 86_400_000L;

    private record Located(Bytes32 datastoreId, int index, long size) {
    }

    /** A signed answer and what the transport reports with it. */
    public record Answer(ChallengeProof proof, long elapsedNanos) {
    }

    private final StorageEngine storage;
    private final NodeIdentity identity;
    private final Clock clock;
    private final Set<String> validatorKeys;
    private final LongAdder answered = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final ArrayDeque<Long> recentValidations = new ArrayDeque<>();
    private volatile Timer proofTime;
    private volatile Map<Bytes32, Located> hashIndex = Map.of();
    private volatile List<String> hashIndexKey = List.of();

    /** {@code validatorKeys}: the Ed25519 keys (64 lower-case hex digits) whose challenges are answered. */
    ProofService(StorageEngine storage, NodeIdentity identity, Clock clock, Set<String> validatorKeys) {
        this.storage = storage;
        this.identity = identity;
        this.clock = clock;
        this.validatorKeys = Set.copyOf(validatorKeys);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        proofTime = Timer.builder("proof_generation_time").description("time to answer a storage challenge")
                .publishPercentileHistogram().register(registry);
        FunctionCounter.builder("validation_challenges", this, p -> p.answered.sum()).tag("result", "answered")
                .register(registry);
        FunctionCounter.builder("validation_challenges", this, p -> p.refused.sum()).tag("result", "refused")
                .register(registry);
    }

    /** What a validator signs for a challenge (layout in the class note). */
    public static byte[] challengeSigningBytes(String challengeId, Bytes32 capsuleHash, String type) {
        byte[] id = challengeId.getBytes(StandardCharsets.UTF_8);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + id.length + 32 + 1 + t.length);
        b.put(new byte[] {'D', 'I', 'G', 'V'}).put((byte) 1).putShort((short) id.length).put(id);
        capsuleHash.writeTo(b);
        b.put((byte) t.length).put(t);
        return b.array();
    }

    /** Whether {@code signature} is {@code validatorKey}'s over the challenge. */
    public static boolean challengeSignatureValid(byte[] validatorKey, String challengeId, Bytes32 capsuleHash, String type,
            byte[] signature) {
        return NodeIdentity.verify(validatorKey, challengeSigningBytes(challengeId, capsuleHash, type), signature);
    }

    /**
     * Admits a challenge before it is answered: the validator must name its key
     * ({@link ErrorCode#VALIDATOR_KEY_REQUIRED}; {@code validatorKey} null), be one this node answers
     * ({@link ErrorCode#VALIDATOR_NOT_ALLOWED}) and have signed the challenge
     * ({@link ErrorCode#BAD_SIGNATURE}). Each refusal is counted.
     */
    public void admit(byte[] validatorKey, String challengeId, Bytes32 capsuleHash, String type, byte[] signature) {
        if (validatorKey == null) {
            refused();
            throw new ServiceException(ErrorCode.VALIDATOR_KEY_REQUIRED,
                    "validator_public_key is required: only challenges signed by a configured validator are answered");
        }
        if (!validatorKeys.contains(Hex.encodePlain(validatorKey))) {
            refused();
            throw new ServiceException(ErrorCode.VALIDATOR_NOT_ALLOWED, validatorKeys.isEmpty()
                    ? "this node answers no storage challenges: no validator keys are configured (validatorKeys)"
                    : "validator_public_key is not one of the validators this node answers (validatorKeys)");
        }
        if (!challengeSignatureValid(validatorKey, challengeId, capsuleHash, type, signature)) {
            refused();
            throw new ServiceException(ErrorCode.BAD_SIGNATURE, "validator_signature does not verify under validator_public_key");
        }
    }

    /** Counts a challenge refused before or while it was answered. */
    public void refused() {
        refused.increment();
    }

    /**
     * Blocking: the proof for the chunk the challenge designates in the capsule with {@code capsuleHash};
     * {@link ErrorCode#UNKNOWN_CAPSULE} when this node stores no such capsule.
     */
    public Answer answer(String challengeId, Bytes32 capsuleHash) {
        long start = clock.nanos();
        try {
            Located at = locateHash(capsuleHash);
            CapsuleLocation loc = storage.locate(at.datastoreId(), at.index()).orElseThrow(() -> unknown(capsuleHash));
            int chunkIndex = ChallengeProof.chunkIndex(challengeId, capsuleHash, at.size());
            byte[] chunk = storage.readChunk(at.datastoreId(), at.index(), chunkIndex);
            MerkleProof chunkProof = storage.chunkProof(at.datastoreId(), at.index(), chunkIndex);
            MerkleProof capsuleProof = storage.capsuleProof(at.datastoreId(), at.index());
            ChallengeProof proof = ChallengeProof.sign(challengeId, loc.plotId(), at.datastoreId(), at.index(), capsuleHash,
                    chunkIndex, chunk, chunkProof, capsuleProof, identity);
            long elapsed = clock.nanos() - start;
            Timer t = proofTime;
            if (t != null) {
                t.record(elapsed, TimeUnit.NANOSECONDS);
            }
            answered.increment();
            synchronized (recentValidations) {
                recentValidations.addLast(clock.millis());
            }
            return new Answer(proof, elapsed);
        } catch (StorageException e) {
            throw ServiceException.of(e);
        }
    }

    private static ServiceException unknown(Bytes32 hash) {
        return new ServiceException(ErrorCode.UNKNOWN_CAPSULE, "no capsule with hash " + hash.toHex() + " on this node");
    }

    private Located locateHash(Bytes32 hash) {
        List<DatastoreSummary> stores = storage.datastores();
        List<String> key = new ArrayList<>(stores.size());
        for (DatastoreSummary s : stores) {
            key.add(s.datastoreId().toHex() + "/" + s.version());
        }
        if (!key.equals(hashIndexKey)) {
            synchronized (this) {
                if (!key.equals(hashIndexKey)) {
                    Map<Bytes32, Located> index = new HashMap<>();
                    for (DatastoreSummary s : stores) {
                        Manifest m = storage.manifest(s.datastoreId()).orElse(null);
                        if (m != null) {
                            for (CapsuleInfo ci : m.capsules()) {
                                index.putIfAbsent(ci.hash(), new Located(s.datastoreId(), ci.index(), ci.size()));
                            }
                        }
                    }
                    hashIndex = index;
                    hashIndexKey = key;
                }
            }
        }
        Located at = hashIndex.get(hash);
        if (at == null) {
            throw unknown(hash);
        }
        return at;
    }

    /** Challenges answered in the last 24 h of clock time. */
    public long validations24h() {
        long cutoff = clock.millis() - DAY_MILLIS;
        synchronized (recentValidations) {
            while (!recentValidations.isEmpty() && recentValidations.peekFirst() < cutoff) {
                recentValidations.pollFirst();
            }
            return recentValidations.size();
        }
    }
}
