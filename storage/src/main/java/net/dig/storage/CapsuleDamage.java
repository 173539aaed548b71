package net.dig.storage;

import java.nio.file.Path;
import java.util.Objects;
import net.dig.core.Bytes32;

/**
 * A copy of a capsule found not matching its hash ({@link StorageEvents#onCapsuleQuarantined}): capsule
 * {@code capsuleIndex} of {@code datastoreId}, whose bytes must hash to {@code hash}, in plot
 * {@code plotId} at {@code plot}. The copy is refused from then on; {@link StorageEngine#repairCapsule}
 * stores verified bytes for it in a new plot.
 */
public record CapsuleDamage(Bytes32 datastoreId, int capsuleIndex, Bytes32 hash, Bytes32 plotId, Path plot, String reason) {
    public CapsuleDamage {
        Objects.requireNonNull(datastoreId, "datastore id");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(plotId, "plot id");
        Objects.requireNonNull(plot, "plot");
    }
}
