package net.dig.node;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import net.dig.gossip.NodeMessageConfig;

/**
 * {@code network.node_messages:} - the signed node messages peers exchange (opcode 240): how far a message's
 * timestamp may be from this node's clock either way, how many senders' replay windows are remembered, and
 * how many peers' announcements are kept. Checked once, here, by dig-gossip's {@link NodeMessageConfig}.
 */
record NodeMessagesSection(
        @JsonProperty("freshness_window_secs") @JsonDeserialize(using = ConfigValues.Seconds.class) Duration freshnessWindow,
        int maxReplaySenders, int maxDirectoryPeers) {
    NodeMessagesSection {
        NodeConfig.require(freshnessWindow, "freshness_window_secs");
        long secs = freshnessWindow.toSeconds();
        if (secs < 1 || secs > 3600) {
            throw new ConfigException("freshness_window_secs", "must be within 1..3600, got " + secs);
        }
        if (maxReplaySenders < 1) {
            throw new ConfigException("max_replay_senders", "must be >= 1, got " + maxReplaySenders);
        }
        if (maxDirectoryPeers < 1) {
            throw new ConfigException("max_directory_peers", "must be >= 1, got " + maxDirectoryPeers);
        }
    }

    NodeMessageConfig gossipConfig() {
        return new NodeMessageConfig(freshnessWindow, maxReplaySenders, maxDirectoryPeers);
    }
}
