package net.dig.storage;

import net.dig.core.Bytes32;

/** The datastore id is not stored on this node. */
public class UnknownDatastoreException extends StorageException {
    private final Bytes32 datastoreId;

    public UnknownDatastoreException(Bytes32 datastoreId) {
        super(StorageErrorCode.NOT_FOUND, "unknown datastore " + datastoreId);
        this.datastoreId = datastoreId;
    }

    public Bytes32 datastoreId() {
        return datastoreId;
    }
}
