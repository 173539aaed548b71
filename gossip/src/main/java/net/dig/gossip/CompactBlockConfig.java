package net.dig.gossip;

import java.time.Duration;

/**
 * Compact block relay (dig-gossip's {@code compact-blocks} feature, BIP-152 style).
 *
 * @param enabled            relay blocks as compact blocks (on by default, as the feature table says);
 *                           off: blocks go whole to every peer
 * @param highBandwidthPeers peers asked to push compact blocks unasked (BIP-152's high-bandwidth
 *                           mode), at most {@value #MAX_HIGH_BANDWIDTH_PEERS}; the others announce first
 *                           (low-bandwidth mode). Default 3
 * @param prefillWindow      transactions that entered the mempool this recently are sent in full in a
 *                           compact block, besides the coinbase (default 2 s)
 * @param requestTimeout     how long a reconstruction waits for missing transactions or a block
 *                           before it is dropped and the block may be asked for again (default 10 s)
 */
public record CompactBlockConfig(boolean enabled, int highBandwidthPeers, Duration prefillWindow, Duration requestTimeout) {
    public static final int MAX_HIGH_BANDWIDTH_PEERS = 3;
    /** More missing transactions than this and the full block is asked for instead (dig-gossip's constant). */
    public static final int MAX_MISSING_TRANSACTIONS = 5;

    public CompactBlockConfig {
        if (highBandwidthPeers < 0 || highBandwidthPeers > MAX_HIGH_BANDWIDTH_PEERS) {
            throw new IllegalArgumentException("compact_blocks.high_bandwidth_peers must be 0.." + MAX_HIGH_BANDWIDTH_PEERS
                    + ", got " + highBandwidthPeers);
        }
        if (prefillWindow == null || prefillWindow.isNegative()) {
            throw new IllegalArgumentException("compact_blocks.prefill_window_ms must be >= 0, got " + prefillWindow);
        }
        if (requestTimeout == null || requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("compact_blocks.request_timeout_secs must be positive, got " + requestTimeout);
        }
    }

    public static CompactBlockConfig defaults() {
        return new CompactBlockConfig(true, MAX_HIGH_BANDWIDTH_PEERS, Duration.ofSeconds(2), Duration.ofSeconds(10));
    }
}
