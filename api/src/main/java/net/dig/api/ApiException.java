package net.dig.api;

/**
 * A request that fails with a known HTTP status and a stable machine-readable code; rendered as
 * {@code {"error": code, "message": message}}. The codes are part of the API (docs/api.md lists them).
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    ApiException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    /** With {@code retryAfterSeconds > 0} the answer carries {@code Retry-After}. */
    ApiException(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message);
    }
}
