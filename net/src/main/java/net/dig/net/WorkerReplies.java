package net.dig.net;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import net.dig.gossip.PeerId;
import net.dig.service.ErrorCode;
import net.dig.wire.NodePayload;

/**
 * How a node-message request is answered off the event loop: the answer is computed on a worker and sent with the
 * request's id; a worker pool that refuses the work is answered at once with a {@link ErrorCode#RATE_LIMITED}
 * refusal and a retry hint. The stage completes when the reply is written (or could not be: the peer is gone), so a
 * bus handler that returns it keeps the bus's per-type bound on requests in flight.
 */
final class WorkerReplies {
    static final long BUSY_RETRY_MILLIS = 1000;

    private WorkerReplies() {}

    static CompletionStage<Void> answer(NodeMessaging messaging, Executor workers, PeerId from, int id,
                                        Supplier<NodePayload> answer) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            workers.execute(() -> reply(messaging, from, id, answer.get(), done));
        } catch (RejectedExecutionException e) {
            reply(messaging, from, id, new NodePayload.NodeRefusal(ErrorCode.RATE_LIMITED.name(), "this node is busy",
                    BUSY_RETRY_MILLIS), done);
        }
        return done;
    }

    private static void reply(NodeMessaging messaging, PeerId to, int id, NodePayload payload, CompletableFuture<Void> done) {
        messaging.reply(to, id, payload).whenComplete((v, e) -> done.complete(null));
    }
}
