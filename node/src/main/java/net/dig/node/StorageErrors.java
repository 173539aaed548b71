package net.dig.node;

import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;
import net.dig.storage.StorageException;

/**
 * Maps failures that are not {@link CliException}s to a message and an exit code. A storage or
 * service failure takes the exit code of its row in {@link ErrorCode} (the table the HTTP API uses
 * for its statuses): an unknown datastore is a wrong request (2), a full disk or an I/O failure a
 * failed operation (1). Anything else is a failed operation (1).
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

    static int exitCode(Throwable e) {
        return switch (e) {
            case ServiceException s -> s.code().exitCode();
            case StorageException s -> ErrorCode.of(s.code()).exitCode();
            default -> ExitCodes.FAILED;
        };
    }
}
