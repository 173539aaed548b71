package net.dig.service;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.storage.Manifest;
import net.dig.wire.NodePayload.DatastoreTombstone;

/**
 * Deletion of a datastore by its owner, everywhere (docs/decisions.md D40d3). The owner's node
 * {@link #issue}s a tombstone (its Ed25519 owner key over datastore id, version, timestamp) and deletes its
 * own copy; every node that {@link #receive}s one decides:
 * <pre>
 *  signature by the tombstone's key                    else FORGED      (penalise, do not forward)
 *  this node holds the datastore                       else NOT_HELD    (nothing to do, do not forward)
 *  the held version's owner key is the tombstone's     else FORGED
 *  the held version is not newer than the tombstone's  else SUPERSEDED  (keep it, do not forward)
 *  then DatastoreService.delete                        DELETED          (forward once)
 * </pre>
 * Forwarding once follows from the order: once deleted, the datastore is not held, so the next copy is
 * NOT_HELD. A node that does not hold the datastore cannot tell the owner (the id hides the key behind a
 * nonce), so it neither acts nor forwards. Thread-safe as {@link DatastoreService} is; blocks on storage,
 * so callers run it off event loops.
 */
public final class TombstoneService {
    /** What {@link #receive} did. */
    public enum Outcome {
        DELETED, NOT_HELD, SUPERSEDED, FORGED;

        /** Whether the tombstone goes on to this node's other peers. */
        public boolean forward() {
            return this == DELETED;
        }
    }

    private final DatastoreService datastores;
    private final Clock clock;

    public TombstoneService(DatastoreService datastores, Clock clock) {
        this.datastores = Objects.requireNonNull(datastores, "datastores");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Deletes {@code id} here as its owner and returns the tombstone to send to every peer.
     * {@link ErrorCode#UNKNOWN_DATASTORE} when it is not held, {@link ErrorCode#OWNER_MISMATCH} when
     * {@code owner} is not the key its versions are signed by (only the owner deletes everywhere).
     */
    public DatastoreTombstone issue(Bytes32 id, NodeIdentity owner) {
        Manifest held = datastores.manifest(id).orElseThrow(() ->
                new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "unknown datastore " + id.toHex()));
        if (!Arrays.equals(held.version().ownerPublicKey(), owner.publicKey())) {
            throw new ServiceException(ErrorCode.OWNER_MISMATCH, "datastore " + id.toHex()
                    + " belongs to another owner key; only its owner deletes it everywhere");
        }
        DatastoreTombstone t = DatastoreTombstone.signed(id, held.version().version(), clock.epochSeconds(), owner);
        datastores.delete(id);
        return t;
    }

    /** Checks {@code tombstone} and, when it holds, deletes the datastore here. */
    public Outcome receive(DatastoreTombstone tombstone) {
        if (!tombstone.signatureValid()) {
            return Outcome.FORGED;
        }
        Optional<Manifest> held = datastores.manifest(tombstone.datastoreId());
        if (held.isEmpty()) {
            return Outcome.NOT_HELD;
        }
        if (!Arrays.equals(held.get().version().ownerPublicKey(), tombstone.ownerPublicKey())) {
            return Outcome.FORGED;
        }
        if (held.get().version().version() > tombstone.version()) {
            return Outcome.SUPERSEDED;
        }
        return datastores.evict(tombstone.datastoreId()) ? Outcome.DELETED : Outcome.NOT_HELD;
    }
}
