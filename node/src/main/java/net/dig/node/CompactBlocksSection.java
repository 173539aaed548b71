package net.dig.node;

import java.time.Duration;
import net.dig.gossip.CompactBlockConfig;

/**
 * {@code network.compact_blocks:} - compact block relay (opcodes 209/210): {@code enabled} (off: blocks go
 * whole), {@code high_bandwidth_peers} peers asked to push compact blocks unasked (0..3), transactions newer
 * than {@code prefill_window_ms} sent in full, and {@code request_timeout_secs} before a stalled fetch is
 * dropped. Checked once, here and by dig-gossip's {@link CompactBlockConfig}.
 */
record CompactBlocksSection(boolean enabled, int highBandwidthPeers, long prefillWindowMs, long requestTimeoutSecs) {
    CompactBlocksSection {
        if (prefillWindowMs < 0) {
            throw new ConfigException("prefill_window_ms", "must be >= 0, got " + prefillWindowMs);
        }
        if (requestTimeoutSecs < 1) {
            throw new ConfigException("request_timeout_secs", "must be >= 1, got " + requestTimeoutSecs);
        }
        if (highBandwidthPeers < 0 || highBandwidthPeers > CompactBlockConfig.MAX_HIGH_BANDWIDTH_PEERS) {
            throw new ConfigException("high_bandwidth_peers", "must be 0.." + CompactBlockConfig.MAX_HIGH_BANDWIDTH_PEERS
                    + ", got " + highBandwidthPeers);
        }
    }

    CompactBlockConfig config() {
        return new CompactBlockConfig(enabled, highBandwidthPeers, Duration.ofMillis(prefillWindowMs),
                Duration.ofSeconds(requestTimeoutSecs));
    }
}
