package net.dig.storage;

/** A storage operation failed; the message names the directory or file and the cause. Nothing partial is left behind. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
