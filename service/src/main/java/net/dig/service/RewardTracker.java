package net.dig.service;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.wire.NodePayload.StorageAttestation;

/**
 * Earnings computed from signed storage attestations alone, so any node holding the same attestations computes the
 * same figure for any node (there is no chain to settle on; settlement stays outside this class).
 *
 * <h2>Formula</h2>
 * Time is cut into UTC days (epochs). For a node and an epoch, let {@code D} be the datastore versions some
 * attestation of that epoch found it holding (a pass), each counted once however many validators passed it, and
 * {@code s} the epoch's success rate, passes over all attestations of the node in the epoch. Then
 * <pre>
 *   earned(node, epoch) = rewardPerTbDay x s x sum over D of totalSize / 10^12
 * </pre>
 * {@code totalSize} is the version's size from its owner-signed record, carried in the attestation. A node nobody
 * attested earns nothing; one that fails a third of its challenges earns two thirds of the rate on what it proved.
 * {@code pending} is the current epoch's figure so far; {@code total} the completed epochs the attestations still
 * cover ({@link AttestationBook#WINDOW_MILLIS}). {@code earningsPerTbDay} is the last completed epoch's earnings over
 * the terabytes it proved; {@code successRate} passes over all attestations of the window.
 *
 * <h2>Left out</h2>
 * Uptime, content tier and bribes are not in the formula yet (no measured uptime, tiers are a handle's, bribes are
 * not offered): each would be one more factor here. Pure apart from the clock; thread-safe.
 */
public final class RewardTracker {
    static final long EPOCH_MILLIS = 86_400_000L;
    /** The rate when the configuration gives none ({@code economic.reward_per_tb_day}'s default). */
    public static final double DEFAULT_PER_TB_DAY = 1.0;
    private static final double TB = 1e12;

    /** What a node earned, in DIG. */
    public record Earnings(double totalDig, double pendingDig, double successRate, double earningsPerTbDay, long attestations) {}

    private final double rewardPerTbDay;
    private final Clock clock;

    public RewardTracker(double rewardPerTbDay, Clock clock) {
        if (!(rewardPerTbDay >= 0) || Double.isInfinite(rewardPerTbDay)) {
            throw new IllegalArgumentException("reward per TB and day must be a finite number >= 0, got " + rewardPerTbDay);
        }
        this.rewardPerTbDay = rewardPerTbDay;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static final class Epoch {
        long passed;
        long total;
        final Set<String> proven = new HashSet<>();
        double provenBytes;

        double successRate() {
            return total == 0 ? 0 : (double) passed / total;
        }
    }

    /** The earnings of {@code node} from {@code attestations} (those about other nodes are ignored). */
    public Earnings earnings(Bytes32 node, List<StorageAttestation> attestations) {
        Map<Long, Epoch> epochs = new HashMap<>();
        long passed = 0;
        long total = 0;
        for (StorageAttestation a : attestations) {
            if (!a.proverKey().equals(node)) {
                continue;
            }
            Epoch e = epochs.computeIfAbsent(Math.floorDiv(a.atMillis(), EPOCH_MILLIS), k -> new Epoch());
            e.total++;
            total++;
            if (a.passed()) {
                e.passed++;
                passed++;
                if (e.proven.add(a.datastoreId().toHex() + "/" + a.version())) {
                    e.provenBytes += a.totalSize();
                }
            }
        }
        long current = Math.floorDiv(clock.millis(), EPOCH_MILLIS);
        double done = 0;
        double pending = 0;
        double perTb = 0;
        long lastDone = Long.MIN_VALUE;
        for (Map.Entry<Long, Epoch> entry : epochs.entrySet()) {
            Epoch e = entry.getValue();
            double earned = rewardPerTbDay * e.successRate() * e.provenBytes / TB;
            if (entry.getKey() >= current) {
                pending += earned;
            } else {
                done += earned;
                if (entry.getKey() > lastDone && e.provenBytes > 0) {
                    lastDone = entry.getKey();
                    perTb = earned / (e.provenBytes / TB);
                }
            }
        }
        return new Earnings(done, pending, total == 0 ? 0 : (double) passed / total, perTb, total);
    }
}
