package net.dig.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP API's meters: {@code bandwidth_out_bytes_total}, {@code bandwidth_in_bytes_total},
 * {@code peer_count}, {@code peer_reputation_min} / {@code peer_reputation_mean} (over the connected
 * peers) and {@code request_latency_seconds{route,method,status}} (with histogram buckets). Byte totals are kept
 * here and read by {@code /node/status} through {@link #bytesOut()}/{@link #bytesIn()}, never back
 * from the registry. Request timers exist once {@link #bindTo} has run. Thread-safe.
 */
final class HttpMetrics implements MeterBinder {
    /** {@code request_latency_seconds_bucket} bounds: enough for quantiles and latency alerts, few series. */
    private static final java.time.Duration[] LATENCY_BUCKETS = java.util.stream.LongStream
            .of(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000).mapToObj(java.time.Duration::ofMillis)
            .toArray(java.time.Duration[]::new);

    private final PeerDirectory peers;
    private final LongAdder out = new LongAdder();
    private final LongAdder in = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final java.util.concurrent.atomic.LongAccumulator latencyMaxNanos =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
    private volatile MeterRegistry registry;

    HttpMetrics(PeerDirectory peers) {
        this.peers = peers;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        FunctionCounter.builder("bandwidth_out", this, m -> m.out.sum()).baseUnit("bytes").description("bytes sent")
                .register(r);
        FunctionCounter.builder("bandwidth_in", this, m -> m.in.sum()).baseUnit("bytes").description("bytes received")
                .register(r);
        Gauge.builder("peer_count", this, m -> m.peers.peers().size()).description("active peer connections")
                .strongReference(true).register(r);
        Gauge.builder("peer_reputation_min", this, m -> m.reputations().min().orElse(Double.NaN))
                .description("lowest reputation among connected peers (0..1; NaN without peers)").strongReference(true).register(r);
        Gauge.builder("peer_reputation_mean", this, m -> m.reputations().average().orElse(Double.NaN))
                .description("mean reputation of connected peers (0..1; NaN without peers)").strongReference(true).register(r);
        this.registry = r;
    }

    private java.util.stream.DoubleStream reputations() {
        return peers.peers().stream().mapToDouble(PeerView::reputation);
    }

    /** One answered request: its latency and the bytes it moved. */
    void request(String route, String method, int status, long nanos, long bytesWritten, long bytesRead) {
        MeterRegistry r = registry;
        if (r != null) {
            Timer.builder("request_latency").tag("route", route).tag("method", method).tag("status", Integer.toString(status))
                    .serviceLevelObjectives(LATENCY_BUCKETS).register(r).record(nanos, TimeUnit.NANOSECONDS);
        }
        out.add(bytesWritten);
        in.add(bytesRead);
        requests.increment();
        latencyNanos.add(nanos);
        latencyMaxNanos.accumulate(nanos);
    }

    /** Requests answered since start. */
    long requests() {
        return requests.sum();
    }

    /** The summed latency of every answered request, in nanoseconds. */
    long latencyNanos() {
        return latencyNanos.sum();
    }

    /** The longest request latency since the previous call (then starts over). */
    long takeLatencyMaxNanos() {
        return latencyMaxNanos.getThenReset();
    }

    long bytesOut() {
        return out.sum();
    }

    long bytesIn() {
        return in.sum();
    }
}
