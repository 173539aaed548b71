package net.dig.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.LaneAdmission;
import net.dig.gossip.LaneConfig;
import net.dig.gossip.LaneScheduler;
import net.dig.gossip.LaneStats;
import net.dig.wire.Message;

/**
 * The outbound priority lanes of one connection: every {@link Message} written through the pipeline goes
 * into this connection's {@link LaneScheduler} (critical / normal / bulk, byte-aware starvation guard,
 * backpressure drops), and the lanes are drained only while the channel is writable. The write-buffer water
 * marks bound what sits in Netty's outbound buffer to about one high mark, and
 * {@code channelWritabilityChanged} resumes the drain; delayed normal messages are released by a timer on
 * the loop. So nothing is queued without bound, and a critical message waits only for the message already
 * below the high mark, what the starvation guard releases and what the socket buffers hold.
 *
 * <p>A message's write promise completes when the message itself is written. A drop fails it with
 * {@link GossipError.MessageRejected}; a critical message that does not fit its lane fails and closes the
 * connection (the peer reads too slowly). When the channel closes, every queued message's promise fails
 * with {@link GossipError.ChannelClosed}. Anything that is not a {@link Message} (WebSocket control frames)
 * passes straight through; so does a message written from the context before this handler (the handshake).
 *
 * <p>Belongs to the channel's event loop; {@link #stats()} is readable from any thread.
 */
final class LaneWriter extends ChannelDuplexHandler {
    /** What to do when a critical message overflows: close with a reason. */
    interface Listener {
        void criticalOverflow();
    }

    private final Clock clock;
    private final Listener listener;
    private final LaneScheduler lanes;
    /** Promises of queued messages by message identity; one instance sent twice sits twice in one FIFO lane. */
    private final Map<Message, ArrayDeque<ChannelPromise>> queued = new IdentityHashMap<>();
    private volatile LaneStats stats;
    private ScheduledFuture<?> delayedRelease;
    private ChannelHandlerContext ctx;
    private boolean closed;
    /** Something other than a queued message was written through since the last flush. */
    private boolean passedThrough;

    LaneWriter(Clock clock, LaneConfig config, Listener listener) {
        this.clock = clock;
        this.listener = listener;
        this.lanes = new LaneScheduler(config);
        this.stats = lanes.stats();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Message message)) {
            passedThrough = true;
            ctx.write(msg, promise);
            return;
        }
        if (closed) {
            promise.setFailure(new GossipException(new GossipError.ChannelClosed()));
            return;
        }
        LaneAdmission admission = lanes.offer(message, clock.millis());
        switch (admission) {
            case QUEUED, DELAYED -> queued.computeIfAbsent(message, m -> new ArrayDeque<>(1)).add(promise);
            case CRITICAL_OVERFLOW -> {
                promise.setFailure(new GossipException(new GossipError.MessageRejected(
                        "critical lane full: the peer reads too slowly, closing")));
                listener.criticalOverflow();
            }
            default -> promise.setFailure(new GossipException(new GossipError.MessageRejected(
                    "outbound lanes: " + admission.name().toLowerCase(Locale.ROOT))));
        }
        drain();
    }

    /** Queued messages are flushed by the drain that writes them; a flush only carries what passed through. */
    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (passedThrough) {
            passedThrough = false;
            ctx.flush();
        }
    }

    /** Writes from the lanes while the channel is writable; schedules the release of delayed messages. */
    private void drain() {
        boolean wrote = false;
        long now = clock.millis();
        Message next;
        while (ctx.channel().isWritable() && (next = lanes.poll(now)) != null) {
            ArrayDeque<ChannelPromise> waiting = queued.get(next);
            ChannelPromise promise = waiting == null ? null : waiting.poll();
            if (waiting != null && waiting.isEmpty()) {
                queued.remove(next);
            }
            ctx.write(next, promise == null ? ctx.voidPromise() : promise);
            wrote = true;
        }
        if (wrote) {
            passedThrough = false;
            ctx.flush();
        }
        long release = lanes.nextReleaseMillis();
        if (release != Long.MAX_VALUE && delayedRelease == null && !closed) {
            delayedRelease = ctx.executor().schedule(() -> {
                delayedRelease = null;
                drain();
            }, Math.max(0, release - now), TimeUnit.MILLISECONDS);
        }
        stats = lanes.stats();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !closed) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (delayedRelease != null) {
            delayedRelease.cancel(false);
            delayedRelease = null;
        }
        lanes.clear(); // plain byte arrays; their promises fail below
        for (ArrayDeque<ChannelPromise> waiting : queued.values()) {
            waiting.forEach(p -> p.tryFailure(new GossipException(new GossipError.ChannelClosed())));
        }
        queued.clear();
        stats = lanes.stats();
        ctx.fireChannelInactive();
    }

    /** Queue depths and drops (a snapshot taken after the last change). */
    LaneStats stats() {
        return stats;
    }
}
