package net.dig.node;

/** Maps failures that are not {@link CliException}s to a message and an exit code. */
final class StorageErrors {
    private StorageErrors() {}

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.io.UncheckedIOException || e instanceof IllegalStateException) {
            return message == null ? e.getClass().getSimpleName() : message;
        }
        return "unexpected error: " + e.getClass().getName() + (message == null ? "" : ": " + message);
    }

    static int exitCode(Throwable e) {
        return ExitCodes.FAILED;
    }
}
