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
        try {
            new NodeMessageConfig(freshnessWindow, maxReplaySenders, maxDirectoryPeers);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("node_messages", e.getMessage());
        }
    }

    NodeMessageConfig gossipConfig() {
        return new NodeMessageConfig(freshnessWindow, maxReplaySenders, maxDirectoryPeers);
    }
}
