package net.dig.net;

import java.time.Duration;

/**
 * When this node's TLS certificate is due for replacement: every {@code interval} after the moment the current
 * one took effect, measured on the clock the caller passes in (pure: no clock of its own, no I/O).
 *
 * <p>A check that comes late (the node was suspended, the timer ran behind) rotates once, not once per missed
 * interval, and the next interval counts from that rotation. A clock that steps back only delays the rotation.
 * Not thread-safe: one owner (the control loop).
 */
final class RotationSchedule {
    private final long intervalMillis;
    private long sinceMillis;

    RotationSchedule(Duration interval, long nowMillis) {
        this.intervalMillis = interval.toMillis();
        this.sinceMillis = nowMillis;
    }

    /** True if the certificate in use at {@code nowMillis} has served its interval. */
    boolean due(long nowMillis) {
        return nowMillis - sinceMillis >= intervalMillis;
    }

    /** A new certificate took effect at {@code nowMillis}. */
    void rotated(long nowMillis) {
        sinceMillis = nowMillis;
    }
}
