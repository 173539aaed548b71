package net.dig.node;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Clock;
import net.dig.core.Progress;

/**
 * Progress as log events in the seed's format ({@code "event":"progress"}), for when the output is
 * not a terminal: one at {@code begin}, then at most one per {@link #interval} of clock time while
 * units advance, and one at {@code end}. Details: {@code task, state (begin|running|done),
 * done_bytes, total_bytes, percent, rate_bytes_per_s, eta_s} (rate and ETA over the whole task so
 * far; {@code total_bytes} -1, percent and ETA null when the total is unknown; ETA null until a rate
 * is known).
 *
 * <p>Concurrency: {@link #advance} may be called from several threads at once (ingest hashes on
 * every core); counting is lock-free and at most one thread wins each emission slot.
 */
final class JsonProgress implements Progress {
    private final Clock clock;
    private final long intervalNanos;
    private final String component;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong nextEmitNanos = new AtomicLong();
    private volatile String task = "";
    private volatile long total;
    private volatile long startNanos;

    JsonProgress(String component, Clock clock, long intervalMillis) {
        this.component = component;
        this.clock = clock;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    @Override
    public void begin(String taskName, long totalUnits) {
        task = taskName;
        total = totalUnits < 0 ? -1 : totalUnits;
        done.set(0);
        startNanos = clock.nanos();
        nextEmitNanos.set(startNanos + intervalNanos);
        emit("begin", 0);
    }

    @Override
    public void advance(long units) {
        long now = done.addAndGet(units);
        long t = clock.nanos();
        long due = nextEmitNanos.get();
        if (t - due >= 0 && nextEmitNanos.compareAndSet(due, t + intervalNanos)) {
            emit("running", now);
        }
    }

    @Override
    public void end() {
        emit("done", done.get());
    }

    private void emit(String state, long doneUnits) {
        long elapsedNanos = clock.nanos() - startNanos;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("task", task);
        d.put("state", state);
        d.put("done_bytes", doneUnits);
        d.put("total_bytes", total);
        d.put("percent", total < 0 ? null : total == 0 ? 100.0 : Math.round(1000.0 * doneUnits / total) / 10.0);
        long rate = elapsedNanos <= 0 ? 0 : (long) (doneUnits * 1e9 / elapsedNanos);
        d.put("rate_bytes_per_s", rate);
        d.put("eta_s", rate == 0 || total < 0 ? null : Math.max(0, (total - doneUnits) / rate));
        NodeLog.info(component, "progress", d);
    }
}
