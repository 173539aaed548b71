package net.dig.sim;

/**
 * How simulated links behave. Each undirected link gets a fixed base latency drawn uniformly from
 * {@code [minLatencyMillis, maxLatencyMillis]} (a stand-in for geography), each message adds an exponential
 * jitter of mean {@code jitterMeanMillis}, is lost with probability {@code loss}, and leaves its sender
 * through an uplink of {@code uplinkBytesPerSecond} (messages queue behind each other there). Delivery on
 * one directed link is FIFO, as on a TCP connection.
 */
public record SimLinks(long minLatencyMillis, long maxLatencyMillis, double jitterMeanMillis, double loss,
                       long uplinkBytesPerSecond) {
    public SimLinks {
        if (minLatencyMillis < 0 || maxLatencyMillis < minLatencyMillis) {
            throw new IllegalArgumentException("latency range must satisfy 0 <= min <= max, got "
                    + minLatencyMillis + ".." + maxLatencyMillis);
        }
        if (jitterMeanMillis < 0 || loss < 0 || loss >= 1) {
            throw new IllegalArgumentException("jitter must be >= 0 and loss in [0, 1), got " + jitterMeanMillis + ", " + loss);
        }
        if (uplinkBytesPerSecond < 1) {
            throw new IllegalArgumentException("uplink bandwidth must be positive, got " + uplinkBytesPerSecond);
        }
    }

    /** 10-100 ms links, 5 ms jitter, no loss, 100 Mbit/s uplinks. */
    public static SimLinks internet() {
        return new SimLinks(10, 100, 5, 0, 12_500_000);
    }
}
