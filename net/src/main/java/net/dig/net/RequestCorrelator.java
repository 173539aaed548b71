package net.dig.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.gossip.MessageRules;
import net.dig.gossip.PeerId;
import net.dig.wire.Message;

/**
 * Matches replies to this side's requests (docs/formats/wire.md): {@link #open} takes a free id
 * from this side's half ({@link RequestIds}), arms the request timeout on the channel's loop, and returns
 * the request carrying the id; an inbound frame with that id completes the request and goes no further. A
 * reply whose type does not answer the request ({@link MessageRules#isValidReply}) fails the request with
 * {@link GossipError.UnexpectedReply} and is reported as a protocol violation. Frames whose id matches no
 * waiter, and frames without id, are passed on (never fatal, SPEC §7.2). When the channel closes every
 * waiter fails with {@link GossipError.ChannelClosed}.
 *
 * <p>Belongs to the channel's event loop; {@link #open} and {@link #fail} are called on it.
 */
final class RequestCorrelator extends ChannelInboundHandlerAdapter {
    interface Listener {
        void wrongReply(String detail);
    }

    private record Pending(int requestType, CompletableFuture<Message> reply, ScheduledFuture<?> timeout) {}

    private final RequestIds ids;
    private final Duration timeout;
    private final Listener listener;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private ChannelHandlerContext ctx;
    private PeerId peer;

    RequestCorrelator(boolean outbound, Duration timeout, Listener listener) {
        this.ids = new RequestIds(outbound);
        this.timeout = timeout;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The remote PeerId, for the errors it names. */
    void peer(PeerId peer) {
        this.peer = peer;
    }

    /**
     * Registers a waiter for {@code request}; returns the request with its id, or null when every id of
     * this side's half is in use (then {@code reply} has failed).
     */
    Message open(Message request, CompletableFuture<Message> reply) {
        int id = ids.allocate(pending::containsKey);
        if (id < 0) {
            reply.completeExceptionally(new GossipException(new GossipError.MessageRejected("no free request id")));
            return null;
        }
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
            if (pending.remove(id) != null) {
                reply.completeExceptionally(new GossipException(new GossipError.RequestTimeout(peer, request.type())));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.put(id, new Pending(request.type(), reply, timer));
        return new Message(request.type(), OptionalInt.of(id), request.data());
    }

    /** The request with {@code id} could not be written: its waiter fails with {@code error}. */
    void fail(int id, Throwable error) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.timeout.cancel(false);
            p.reply.completeExceptionally(error);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Message message && message.id().isPresent() && ids.isOurs(message.id().getAsInt())) {
            Pending waiter = pending.remove(message.id().getAsInt());
            if (waiter != null) {
                waiter.timeout.cancel(false);
                if (MessageRules.isValidReply(waiter.requestType, message.type())) {
                    waiter.reply.complete(message);
                } else {
                    listener.wrongReply("type " + message.type() + " does not answer a request of type " + waiter.requestType);
                    waiter.reply.completeExceptionally(new GossipException(new GossipError.UnexpectedReply(peer, message.type(),
                            "not an answer to type " + waiter.requestType)));
                }
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Pending p : pending.values()) {
            p.timeout.cancel(false);
            p.reply.completeExceptionally(new GossipException(new GossipError.ChannelClosed()));
        }
        pending.clear();
        ctx.fireChannelInactive();
    }
}
