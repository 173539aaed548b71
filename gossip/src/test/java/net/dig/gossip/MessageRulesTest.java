package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.wire.NodeType;
import org.junit.jupiter.api.Test;

class MessageRulesTest {
    @Test
    void peerExchangeSenders() {
        assertThat(MessageRules.senderAllowed(43, NodeType.WALLET)).isTrue();
        assertThat(MessageRules.senderAllowed(43, NodeType.FULL_NODE)).isTrue();
        assertThat(MessageRules.senderAllowed(43, NodeType.FARMER)).isFalse();
        assertThat(MessageRules.senderAllowed(44, NodeType.FULL_NODE)).isTrue();
        assertThat(MessageRules.senderAllowed(44, NodeType.WALLET)).as("DIG dialers answer keepalives").isTrue();
        assertThat(MessageRules.senderAllowed(44, NodeType.HARVESTER)).isFalse();
        assertThat(MessageRules.senderAllowed(63, NodeType.FARMER)).isTrue();
        assertThat(MessageRules.senderAllowed(63, NodeType.TIMELORD)).isFalse();
        assertThat(MessageRules.senderAllowed(64, NodeType.INTRODUCER)).isTrue();
        assertThat(MessageRules.senderAllowed(64, NodeType.FULL_NODE)).as("DIG introducers answer as full nodes").isTrue();
        assertThat(MessageRules.senderAllowed(64, NodeType.WALLET)).isFalse();
        assertThat(MessageRules.senderAllowed(219, NodeType.WALLET)).isFalse();
        assertThat(MessageRules.senderAllowed(218, NodeType.WALLET)).isTrue();
        assertThat(MessageRules.senderAllowed(20, NodeType.WALLET)).as("gossip types are not restricted").isTrue();
    }

    @Test
    void replies() {
        assertThat(MessageRules.isValidReply(43, 44)).isTrue();
        assertThat(MessageRules.isValidReply(43, 64)).isFalse();
        assertThat(MessageRules.isValidReply(26, 27)).isTrue();
        assertThat(MessageRules.isValidReply(26, 28)).isTrue();
        assertThat(MessageRules.isValidReply(26, 30)).isFalse();
        assertThat(MessageRules.isValidReply(218, 219)).isTrue();
        assertThat(MessageRules.isValidReply(218, 44)).isFalse();
        assertThat(MessageRules.isValidReply(29, 255)).as("error answers anything").isTrue();
        assertThat(MessageRules.isValidReply(205, 206)).as("unlisted requests accept any reply").isTrue();
    }
}
