package net.dig.node;

import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;
import net.dig.storage.StorageErrorCode;
import net.dig.storage.StorageException;

/**
 * Maps failures that are not {@link CliException}s to a message and an exit code. A storage or
 * service failure takes the exit code of its row in {@link ErrorCode} (the table the HTTP API uses
 * for its statuses): an unknown datastore is a wrong request (2), a full disk or an I/O failure a
 * failed operation (1), an index that cannot be used exits 4 and the message names the command
 * that rebuilds it ({@link #repairCommand}). Anything else is a failed operation (1).
 */
final class StorageErrors {
    private StorageErrors() {}

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof StorageException || e instanceof ServiceException || e instanceof java.io.UncheckedIOException
                || e instanceof IllegalStateException) {
            return message == null ? e.getClass().getSimpleName() : message;
        }
        if (e instanceof java.io.IOException) {
            return "I/O error: " + e;
        }
        return "unexpected error: " + e.getClass().getName() + (message == null ? "" : ": " + message);
    }

    /** Whether {@code e} says the index cannot be used and must be rebuilt from the plots. */
    static boolean indexCorrupt(Throwable e) {
        return switch (e) {
            case ServiceException s -> s.code() == ErrorCode.INDEX_CORRUPT;
            case StorageException s -> s.code() == StorageErrorCode.INDEX_CORRUPT;
            default -> false;
        };
    }

    /** The command line that rebuilds this home's index. */
    static String repairCommand(NodeHome home) {
        return "dig-node --data-dir " + home.dir() + " index rebuild";
    }

    static int exitCode(Throwable e) {
        return switch (e) {
            case ServiceException s -> s.code().exitCode();
            case StorageException s -> ErrorCode.of(s.code()).exitCode();
            default -> ExitCodes.FAILED;
        };
    }
}
