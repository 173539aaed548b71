package net.dig.service;

import java.util.Objects;
import net.dig.storage.StorageException;

/**
 * A failure with a row of the {@link ErrorCode} table and a message for a person. Transports render
 * it (HTTP status and JSON body, CLI exit code, peer penalty) from {@link #code()} alone.
 */
public final class ServiceException extends RuntimeException {
    private final ErrorCode code;
    private final String field;
    private final long retryAfterSeconds;

    public ServiceException(ErrorCode code, String message) {
        this(code, message, null, code.retryAfterSeconds(), null);
    }

    public ServiceException(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, code.retryAfterSeconds(), cause);
    }

    private ServiceException(ErrorCode code, String message, String field, long retryAfterSeconds, Throwable cause) {
        super(message, cause, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A malformed hex field: {@link ErrorCode#BAD_HEX_FIELD}, JSON code {@code bad_<field>}. */
    public static ServiceException badHex(String field, String message) {
        return new ServiceException(ErrorCode.BAD_HEX_FIELD, message, Objects.requireNonNull(field, "field"),
                0, null);
    }

    /** With an explicit {@code Retry-After} (a rate limit's computed wait). */
    public static ServiceException retryAfter(ErrorCode code, String message, long seconds) {
        return new ServiceException(code, message, null, seconds, null);
    }

    /** The typed form of a storage failure: its {@link StorageException#code()}'s row, the same message. */
    public static ServiceException of(StorageException e) {
        return new ServiceException(ErrorCode.of(e.code()), messageOf(e), e);
    }

    public ErrorCode code() {
        return code;
    }

    /** The JSON {@code error} code: the row's, or {@code bad_<field>} for a malformed hex field. */
    public String jsonCode() {
        return code.jsonCode() != null ? code.jsonCode() : "bad_" + field;
    }

    /** The {@code Retry-After} the answer carries; 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
