package net.dig.proof;

/** A {@link Beacon} has no value for the epoch asked: {@link #reason()} says why, for the caller's error table. */
public final class BeaconUnavailableException extends RuntimeException {
    /** Why no entropy was returned. */
    public enum Reason {
        /** The source could not be reached or answered with a transport error. */
        UNREACHABLE,
        /** The source answered, but not with a block record for that height (not reached yet, pruned). */
        NO_SUCH_EPOCH,
        /** The source's answer is not the documented shape. */
        MALFORMED_ANSWER
    }

    private final Reason reason;

    public BeaconUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
