package net.dig.node;

import net.dig.storage.StorageException;
import net.dig.storage.UnknownDatastoreException;

/**
 * Maps failures that are not {@link CliException}s to a message and an exit code: an unknown
 * datastore is a wrong request (2); any other storage or I/O failure is a failed operation (1).
 */
final class StorageErrors {
    private StorageErrors() {}

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof StorageException || e instanceof java.io.UncheckedIOException || e instanceof IllegalStateException) {
            return message == null ? e.getClass().getSimpleName() : message;
        }
        if (e instanceof java.io.IOException) {
            return "I/O error: " + e;
        }
        return "unexpected error: " + e.getClass().getName() + (message == null ? "" : ": " + message);
    }

    static int exitCode(Throwable e) {
        return e instanceof UnknownDatastoreException ? ExitCodes.USAGE : ExitCodes.FAILED;
    }
}
