package net.dig.core;

/**
 * Reports the advance of long work (ingest, verify, rebuild) to whoever shows it: a terminal progress
 * bar, JSON log events, or nothing. Units are bytes for ingest and verify.
 *
 * <p>Calls come from the working thread(s); implementations must be thread-safe if they are shared
 * by concurrent work, and must be cheap ({@link #advance} may be called once per capsule).
 */
public interface Progress {
    /** Starts a task of {@code totalUnits} units ({@code -1} if unknown). */
    void begin(String task, long totalUnits);

    /** {@code units} more units are done. */
    void advance(long units);

    /** The task is over (successfully or not). */
    void end();

    /** Reports nothing. */
    static Progress none() {
        return Silent.INSTANCE;
    }

    /** The {@link #none()} implementation. */
    enum Silent implements Progress {
        INSTANCE;

        @Override
        public void begin(String task, long totalUnits) {}

        @Override
        public void advance(long units) {}

        @Override
        public void end() {}
    }
}
