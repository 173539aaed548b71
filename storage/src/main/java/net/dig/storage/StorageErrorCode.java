package net.dig.storage;

/**
 * Why a storage operation failed, as a value callers switch on instead of reading the message.
 *
 * <p>The names are the stable vocabulary of the storage layer; the service layer maps each one, in
 * one table, to an HTTP status and JSON code, a CLI exit code and, for content a peer sent, a peer
 * penalty.
 */
public enum StorageErrorCode {
    /** A pushed or replicated version is not newer than the one stored. */
    STALE_VERSION,
    /** A version is signed by a key other than the datastore's owner. */
    OWNER_MISMATCH,
    /** Bytes, a proof or a signature did not check out against the committed root. */
    VERIFICATION_FAILED,
    /** The disk or the configured capacity has no room for the write. */
    NO_SPACE,
    /** The index is locked by another process or transaction beyond the wait allowed. */
    INDEX_BUSY,
    /** The data is on a plot (or is a capsule) found bad and withheld from serving. */
    QUARANTINED,
    /** No such datastore, capsule or plot on this node. */
    NOT_FOUND,
    /**
     * The index file cannot be used: not an SQLite database, damaged or truncated, or not this node's
     * schema. The plots are intact; rebuilding the index from them repairs it.
     */
    INDEX_CORRUPT,
    /** Any other failure of the file system or the index. */
    IO
}
