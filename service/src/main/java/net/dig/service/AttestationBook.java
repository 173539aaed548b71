package net.dig.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.wire.NodePayload.StorageAttestation;

/**
 * The storage attestations this node knows: its own validator's and those its peers' validators sent it (checked
 * on the bus: signed by the validator that sent them). From them, a reputation per node key and what the network
 * says of this node.
 *
 * <h2>Reputation</h2>
 * For a node key, the mean of Beta(1 + passes, 1 + failures) over the attestations of the last
 * {@link #WINDOW_MILLIS} of clock time about it, every validator's counted: 0.5 for a node nobody attested, rising
 * with passes. A validator's containment (it re-challenges before it counts) is its own; here every attested
 * failure counts, so one missed deadline among many passes barely moves the mean.
 *
 * <h2>Bounds and concurrency</h2>
 * At most {@link #MAX_KEPT} attestations, one per (validator, challenge), the oldest forgotten first; an attestation
 * timed more than {@link #MAX_SKEW_MILLIS} ahead of this node's clock is ignored. Thread-safe: one lock, no I/O.
 */
public final class AttestationBook {
    static final int MAX_KEPT = 65_536;
    static final long WINDOW_MILLIS = 7L * 24 * 3_600_000;
    static final long MAX_SKEW_MILLIS = 300_000;

    /** What the attestations of the last window say of one node. */
    public record Standing(long passed, long failed, int validators, long lastFailureMillis) {
        public double reputation() {
            return (1.0 + passed) / (2.0 + passed + failed);
        }
    }

    private record Key(Bytes32 validator, Bytes32 challenge) {}

    private final Clock clock;
    private final Map<Key, StorageAttestation> kept = new LinkedHashMap<>();
    /** The kept attestations of each node, oldest first (an index of {@link #kept}: reads touch one node's). */
    private final Map<Bytes32, java.util.ArrayDeque<StorageAttestation>> byProver = new java.util.HashMap<>();
    private long received;

    public AttestationBook(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Keeps {@code a} (its signature already checked); false when it is known, too far ahead in time, or too old. */
    public synchronized boolean add(StorageAttestation a) {
        long now = clock.millis();
        if (a.atMillis() > now + MAX_SKEW_MILLIS || a.atMillis() < now - WINDOW_MILLIS) {
            return false;
        }
        Key k = new Key(a.validatorKey(), a.challengeId());
        if (kept.containsKey(k)) {
            return false;
        }
        kept.put(k, a);
        byProver.computeIfAbsent(a.proverKey(), p -> new java.util.ArrayDeque<>()).addLast(a);
        received++;
        while (kept.size() > MAX_KEPT) {
            var oldest = kept.entrySet().iterator();
            StorageAttestation gone = oldest.next().getValue();
            oldest.remove();
            java.util.ArrayDeque<StorageAttestation> of = byProver.get(gone.proverKey());
            of.remove(gone);
            if (of.isEmpty()) {
                byProver.remove(gone.proverKey());
            }
        }
        return true;
    }

    /** What the attestations of the last window say of {@code nodeKey}. */
    public synchronized Standing standing(Bytes32 nodeKey) {
        long since = clock.millis() - WINDOW_MILLIS;
        long passed = 0;
        long failed = 0;
        long lastFailure = 0;
        java.util.Set<Bytes32> validators = new java.util.HashSet<>();
        for (StorageAttestation a : byProver.getOrDefault(nodeKey, new java.util.ArrayDeque<>())) {
            if (a.atMillis() >= since) {
                validators.add(a.validatorKey());
                if (a.passed()) {
                    passed++;
                } else {
                    failed++;
                    lastFailure = Math.max(lastFailure, a.atMillis());
                }
            }
        }
        return new Standing(passed, failed, validators.size(), lastFailure);
    }

    /** The reputation of {@code nodeKey}; empty when no attestation of the window is about it. */
    public OptionalDouble reputation(Bytes32 nodeKey) {
        Standing s = standing(nodeKey);
        return s.passed() + s.failed() == 0 ? OptionalDouble.empty() : OptionalDouble.of(s.reputation());
    }

    /** The attestations about {@code nodeKey} kept now, oldest first. */
    public synchronized List<StorageAttestation> about(Bytes32 nodeKey) {
        return new ArrayList<>(byProver.getOrDefault(nodeKey, new java.util.ArrayDeque<>()));
    }

    /** Attestations taken in since start. */
    public synchronized long received() {
        return received;
    }
}
