package net.dig.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Clock;

/** A clock that moves only when a test calls {@link #advance}. Thread-safe. */
public final class ManualClock implements Clock {
    private final AtomicLong millis;
    private final AtomicLong nanos = new AtomicLong();

    public ManualClock(long startEpochMillis) {
        this.millis = new AtomicLong(startEpochMillis);
    }

    /** Starts at 2024-01-01T00:00:00Z. */
    public ManualClock() {
        this(1_704_067_200_000L);
    }

    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock does not go back: " + d);
        }
        millis.addAndGet(d.toMillis());
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public long nanos() {
        return nanos.get();
    }
}
