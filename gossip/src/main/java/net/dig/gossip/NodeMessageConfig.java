package net.dig.gossip;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the node-message validator ({@link NodeMessageValidator}).
 *
 * @param freshness how far a message's timestamp may be from this node's clock, either way
 * @param maxReplaySenders senders whose anti-replay window is remembered (least recently seen forgotten first)
 * @param maxDirectoryPeers peers whose announcement {@link NodeDirectory} keeps
 */
public record NodeMessageConfig(Duration freshness, int maxReplaySenders, int maxDirectoryPeers) {
    public NodeMessageConfig {
        Objects.requireNonNull(freshness, "freshness");
        if (freshness.isNegative() || freshness.isZero() || freshness.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("freshness_window must be within (0 s, 3600 s] but was " + freshness.toSeconds() + " s");
        }
        if (maxReplaySenders < 1 || maxDirectoryPeers < 1) {
            throw new IllegalArgumentException("max_replay_senders and max_directory_peers must be at least 1");
        }
    }

    /** ±300 s (docs/decisions.md D31a), 16 384 senders, 4096 peers. */
    public static NodeMessageConfig defaults() {
        return new NodeMessageConfig(Duration.ofSeconds(300), 16_384, 4096);
    }
}
