package net.dig.gossip;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.dig.wire.Message;

/**
 * Decides whether a gossiped payload received from a peer may be delivered and relayed (see
 * {@link Verdict}). Registered per message type on a {@link MessageBus}.
 *
 * <p>Called on the router's thread for the first copy of each payload, and on the connection's event loop
 * for each direct (not Plumtree-routed) message of a type it is registered for; it must not block. A check that
 * takes time (a signature, a lookup) returns an incomplete stage and completes it from elsewhere: the
 * router resumes on its own thread when it completes, and only then delivers and forwards. The stage must
 * be convertible with {@link CompletionStage#toCompletableFuture()} (every JDK stage is). A stage that
 * completes exceptionally, or a validator that throws, counts as an error and the payload is IGNOREd: a
 * fault of ours does not cost the peer points.
 */
@FunctionalInterface
public interface MessageValidator {
    /** The default for types without a validator of their own: today's behaviour, every payload is accepted. */
    MessageValidator ACCEPT_ALL = (from, message) -> CompletableFuture.completedFuture(Verdict.ACCEPT);

    CompletionStage<Verdict> validate(PeerId from, Message message);
}
