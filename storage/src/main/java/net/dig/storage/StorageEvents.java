package net.dig.storage;

import java.nio.file.Path;
import java.util.Set;
import net.dig.core.Bytes32;

/**
 * What the storage engine tells the layers above it (caches, later replication) about changes to what
 * it stores. Register with {@link StorageEngine#addListener}.
 *
 * <p>Each call comes after the change is durable (plot file published, index committed), at the end of
 * an engine call (the one that made the change, or one already delivering on another thread) once it
 * has released every engine lock: a listener may call back into the engine. Calls are delivered one at a time in the order the changes happened; a listener
 * that throws is logged and skipped, and storage carries on. Keep listeners short: a slow one delays the
 * engine call that delivers it.
 */
public interface StorageEvents {
    /** A version of a datastore became current: ingested, pushed, replicated. */
    default void onVersionCommitted(Manifest manifest) {}

    /**
     * A plot must no longer be served whole: its header or tables failed their checks (the plot is
     * quarantined), or some of its capsules failed their hash ({@code reason} names them; those
     * capsules are refused, the rest of the plot stays readable).
     */
    default void onPlotQuarantined(Bytes32 plotId, Path plot, String reason) {}

    /**
     * A copy of a capsule was found bad (by a verify, a read, a first serve or the scrubber) and is
     * refused from now on; other copies are still served. Posted once per newly recorded copy: the
     * place where repair starts (fetch the capsule from another holder, check it against
     * {@code damage.hash()}, hand it to {@link StorageEngine#repairCapsule}).
     */
    default void onCapsuleQuarantined(CapsuleDamage damage) {}

    /**
     * A datastore was removed from this node ({@link StorageEngine#evict}); {@code capsuleHashes} are the
     * hashes of the capsules its removed plots held (another datastore may hold equal bytes).
     */
    default void onDatastoreEvicted(Bytes32 datastoreId, Set<Bytes32> capsuleHashes) {}
}
