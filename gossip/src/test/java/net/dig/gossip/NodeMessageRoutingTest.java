package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where opcode 240 sits in the routing tables (docs/decisions.md D31a). */
@Timeout(10)
class NodeMessageRoutingTest {
    private static final int T = NodeMessage.OPCODE;

    @Test
    void nodeMessagesAreOneHopBulkWithTheirOwnRateRow() {
        assertThat(PlumtreeRoutes.isPayload(T)).isFalse();
        assertThat(PlumtreeRoutes.routes(Message.of(T, new byte[0]))).isFalse();
        assertThat(MessagePriority.of(T)).isEqualTo(MessagePriority.BULK);
        RateLimit row = RateLimitTable.standard().limitFor(T);
        assertThat(row.frequency()).isEqualTo(1200);
        assertThat(row.maxSize()).isEqualTo(NodeMessageLimits.DEFAULT.maxMessageBytes());
        assertThat(row.aggregate()).isFalse();
    }

    @Test
    void aNodeMessageRequestIsAnsweredByANodeMessage() {
        assertThat(MessageRules.isValidReply(T, T)).isTrue();
        assertThat(MessageRules.isValidReply(T, 219)).isFalse();
        assertThat(MessageRules.isValidReply(T, 255)).isTrue();
    }

    @Test
    void theBusSaysWhichTypesHaveAValidatorOfTheirOwn() {
        MessageBus bus = new MessageBus(MessageBusConfig.defaults());
        assertThat(bus.validates(T)).isFalse();
        bus.registerValidator(T, MessageValidator.ACCEPT_ALL);
        assertThat(bus.validates(T)).isTrue();
        bus.removeValidator(T);
        assertThat(bus.validates(T)).isFalse();
    }
}
