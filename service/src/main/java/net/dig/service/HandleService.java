package net.dig.service;

import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.storage.Manifest;

/**
 * Handles (names for datastores) on this node: a {@link HandleRegistration} signed by the datastore's
 * owner is stored in the {@link HandleTable}; the first registration of a handle wins, the identical
 * one again is idempotent, anything else for a taken handle is {@link ErrorCode#HANDLE_TAKEN}. The
 * datastore must be stored here ({@link ErrorCode#UNKNOWN_DATASTORE}) and the signature must verify
 * under the owner key of its stored version ({@link ErrorCode#BAD_SIGNATURE}). Blocking (SQLite);
 * thread-safe.
 */
public final class HandleService implements AutoCloseable {
    private final HandleTable table;
    private final DatastoreService datastores;
    private final Clock clock;

    HandleService(HandleTable table, DatastoreService datastores, Clock clock) {
        this.table = table;
        this.datastores = datastores;
        this.clock = clock;
    }

    /** Registers {@code reg} signed by {@code signature}; returns the entry now stored. */
    public HandleTable.Entry register(HandleRegistration reg, byte[] signature) {
        Bytes32 id = reg.datastoreId();
        Manifest m = datastores.manifest(id).orElseThrow(() ->
                new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "no datastore " + id.toHex() + " on this node"));
        if (!NodeIdentity.verify(m.version().ownerPublicKey(), reg.signingBytes(), signature)) {
            throw new ServiceException(ErrorCode.BAD_SIGNATURE, "the signature does not verify under the owner key of "
                    + id.toHex() + " (signed bytes: docs/api.md, 'Handle registration')");
        }
        HandleTable.Entry stored = table.registerIfAbsent(new HandleTable.Entry(reg.handle(), id, reg.tier(),
                clock.millis(), reg.metadata(), signature.clone()));
        boolean same = stored.datastoreId().equals(id) && stored.tier() == reg.tier()
                && stored.metadata().equals(reg.metadata());
        if (!same) {
            throw new ServiceException(ErrorCode.HANDLE_TAKEN, "handle '" + reg.handle() + "' is already registered to "
                    + stored.datastoreId().toHex());
        }
        return stored;
    }

    /** The registration of {@code handle}; {@link ErrorCode#UNKNOWN_HANDLE} if there is none. */
    public HandleTable.Entry resolve(String handle) {
        HandleRegistration.checkHandle(handle);
        return table.find(handle).orElseThrow(() ->
                new ServiceException(ErrorCode.UNKNOWN_HANDLE, "handle '" + handle + "' is not registered on this node"));
    }

    public long count() {
        return table.count();
    }

    @Override
    public void close() {
        table.close();
    }
}
