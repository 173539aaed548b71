package net.dig.gossip;

import java.util.concurrent.CompletionStage;
import net.dig.wire.Message;

/**
 * The application's consumer of one or more message types on a {@link MessageBus}. The returned stage
 * completes when the message has been dealt with; until then it counts against the subscription's bound
 * of undelivered messages for its type (the bus's backpressure).
 *
 * <p>Called on a network thread (an event loop); it must not block: slow work is handed to an executor
 * of the application's and the stage completed from there.
 */
@FunctionalInterface
public interface MessageHandler {
    CompletionStage<Void> handle(PeerId from, Message message);
}
