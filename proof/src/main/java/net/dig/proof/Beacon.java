package net.dig.proof;

import net.dig.core.Bytes32;

/**
 * Public entropy by epoch: a value nobody can know before the epoch starts and everybody reads the
 * same afterwards, from which challenges are derived ({@link Challenge#derive}). For the Chia
 * beacon an epoch is a block height; for {@link LocalBeacon} any counter the devnet agrees on.
 *
 * <p>Implementations are thread-safe. A beacon that cannot answer (node down, height not reached)
 * throws {@link BeaconUnavailableException}; it never invents a value.
 */
public interface Beacon {
    /** The 32 bytes of entropy of {@code epoch}. */
    Bytes32 entropy(long epoch);
}
