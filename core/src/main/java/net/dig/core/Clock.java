package net.dig.core;

import java.time.Instant;

/**
 * The only source of time for protocol and storage logic. Production code uses {@link #system()};
 * tests use {@code net.dig.testkit.ManualClock}, which moves only when told to.
 *
 * <p>{@link #millis()} is wall-clock time (timestamps written to disk and to the wire);
 * {@link #nanos()} is a monotonic reading for measuring intervals and scheduling timeouts.
 */
public interface Clock {
    /** Milliseconds since the Unix epoch. */
    long millis();

    /** A monotonic reading in nanoseconds; only differences between readings mean anything. */
    long nanos();

    /** Whole seconds since the Unix epoch. */
    default long epochSeconds() {
        return Math.floorDiv(millis(), 1000L);
    }

    default Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    /** The machine's clocks. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
