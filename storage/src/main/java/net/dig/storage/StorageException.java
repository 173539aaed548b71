package net.dig.storage;

import java.util.Objects;

/**
 * A storage operation failed. {@link #code()} says why; the message names the directory or file and
 * the cause for a person to read. Nothing partial is left behind.
 */
public class StorageException extends RuntimeException {
    private final StorageErrorCode code;

    public StorageException(StorageErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public StorageException(StorageErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** A failure of the file system or the index. */
    public StorageException(String message) {
        this(StorageErrorCode.IO, message);
    }

    /** A failure of the file system or the index. */
    public StorageException(String message, Throwable cause) {
        this(StorageErrorCode.IO, message, cause);
    }

    public StorageErrorCode code() {
        return code;
    }
}
