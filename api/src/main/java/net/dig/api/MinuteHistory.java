package net.dig.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import net.dig.core.Clock;

/**
 * The last hour of the node's traffic, one sample per minute, behind {@code GET /dashboard/history}.
 *
 * <h2>What</h2>
 * A ring of at most {@link #MINUTES} closed minutes. Each sample is the difference of the node's
 * cumulative counters ({@link Counters}) between the start and the end of one minute of the injected
 * {@link Clock}: HTTP bytes out and in, peer-network bytes in and out, requests answered, their summed
 * and longest latency, and cache (L1 + L2) hits and misses.
 *
 * <h2>Why</h2>
 * Prometheus already exports the totals; the dashboard needs their recent shape without a time-series
 * database. Differences of cumulative counters lose nothing between samples, however late a tick comes.
 *
 * <h2>Time and concurrency</h2>
 * {@link #tick()} is called often (every few seconds, by a timer of the API) and closes the current
 * minute once the clock has left it; a tick that comes several minutes late closes one sample covering
 * the whole gap, stamped with the minute it started in, so the sum of samples is exact. Minutes are
 * aligned to the clock's epoch minutes. Tests drive the clock and call {@link #tick()} themselves.
 * {@link #tick()} and {@link #json()} are synchronized; both are cheap apart from reading the counters
 * (call them off the event loop, the peer-network counters may wait briefly).
 */
final class MinuteHistory {
    /** The samples kept: one hour. */
    static final int MINUTES = 60;
    private static final long MINUTE_MILLIS = 60_000;

    /** Cumulative counters since start; every value only grows. */
    record Counters(long httpOut, long httpIn, long p2pIn, long p2pOut, long requests, long latencyNanos,
                    long cacheHits, long cacheMisses) {
        Counters minus(Counters o) {
            return new Counters(httpOut - o.httpOut, httpIn - o.httpIn, p2pIn - o.p2pIn, p2pOut - o.p2pOut,
                    requests - o.requests, latencyNanos - o.latencyNanos, cacheHits - o.cacheHits,
                    cacheMisses - o.cacheMisses);
        }
    }

    /** Reads the counters and the longest latency since the previous read. */
    interface Source {
        Counters counters();

        long takeLatencyMaxNanos();
    }

    private record Sample(long minuteMillis, long lengthMillis, Counters delta, long latencyMaxNanos) {}

    private final Clock clock;
    private final Source source;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long openedMillis;
    private Counters opened;

    MinuteHistory(Clock clock, Source source) {
        this.clock = clock;
        this.source = source;
        this.openedMillis = floorMinute(clock.millis());
        this.opened = source.counters();
    }

    /** Closes the open minute if the clock has moved past it. */
    synchronized void tick() {
        long now = clock.millis();
        long minute = floorMinute(now);
        if (minute <= openedMillis) {
            return;
        }
        Counters current = source.counters();
        samples.addLast(new Sample(openedMillis, minute - openedMillis, current.minus(opened), source.takeLatencyMaxNanos()));
        while (samples.size() > MINUTES) {
            samples.removeFirst();
        }
        openedMillis = minute;
        opened = current;
    }

    /**
     * {@code {"interval_seconds": 60, "samples": [...]}}, oldest first; see docs/api.md for the fields.
     */
    synchronized JsonObject json() {
        JsonArray out = new JsonArray();
        for (Sample s : samples) {
            Counters d = s.delta();
            long lookups = d.cacheHits() + d.cacheMisses();
            out.add(new JsonObject().put("minute", Http.iso(s.minuteMillis()))
                    .put("seconds", s.lengthMillis() / 1000)
                    .put("http_bytes_out", d.httpOut()).put("http_bytes_in", d.httpIn())
                    .put("p2p_bytes_in", d.p2pIn()).put("p2p_bytes_out", d.p2pOut())
                    .put("requests", d.requests())
                    .put("latency_mean_ms", d.requests() == 0 ? null : d.latencyNanos() / 1e6 / d.requests())
                    .put("latency_max_ms", d.requests() == 0 ? null : s.latencyMaxNanos() / 1e6)
                    .put("cache_hits", d.cacheHits()).put("cache_misses", d.cacheMisses())
                    .put("cache_hit_ratio", lookups == 0 ? null : (double) d.cacheHits() / lookups));
        }
        return new JsonObject().put("interval_seconds", MINUTE_MILLIS / 1000).put("samples", out);
    }

    private static long floorMinute(long millis) {
        return Math.floorDiv(millis, MINUTE_MILLIS) * MINUTE_MILLIS;
    }
}
