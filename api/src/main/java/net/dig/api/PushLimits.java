package net.dig.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the push spool ({@link PushSpool}), validated on construction (a bad value fails with a
 * message naming the field).
 *
 * @param spoolMax          bytes all push bodies being received or committed may hold in the spool at
 *                          once; a push that would pass it is refused with 507 {@code spool_full}
 * @param spoolPerClientMax the same bound per client (its address, and the API key if the request carries
 *                          one); 429 {@code spool_quota_exceeded}. A single body larger than either bound
 *                          can never fit and is 413 {@code payload_too_large}
 * @param idleTimeout       a push body during which nothing moves (no byte from the client, none written
 *                          to disk) for this long is stalled: 408 if the body has not ended yet, 400
 *                          {@code bad_push} if it has (it ended inside a part)
 */
public record PushLimits(long spoolMax, long spoolPerClientMax, Duration idleTimeout) {
    /** The smallest spool bound accepted, so that a bound can never be a typo such as {@code 4} for 4 GiB. */
    public static final long MIN_SPOOL = 64 * 1024;

    public PushLimits {
        if (spoolMax < MIN_SPOOL) {
            throw new IllegalArgumentException("spoolMax must be >= " + MIN_SPOOL + " bytes, got " + spoolMax);
        }
        if (spoolPerClientMax < MIN_SPOOL || spoolPerClientMax > spoolMax) {
            throw new IllegalArgumentException("spoolPerClientMax must be within " + MIN_SPOOL + "..spoolMax ("
                    + spoolMax + ") bytes, got " + spoolPerClientMax);
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be a positive duration, got " + idleTimeout);
        }
    }

    /** 4 GiB in total, 1 GiB (one push of the default {@code pushBodyLimit}) per client, 30 s idle. */
    public static PushLimits defaults() {
        return new PushLimits(4L << 30, 1L << 30, Duration.ofSeconds(30));
    }
}
