package net.dig.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import net.dig.core.Clock;
import net.dig.gossip.RateLimiter;
import net.dig.wire.Message;

/**
 * The inbound rate limits of one connection after its handshake (Chia V2 table + DIG table,
 * {@link RateLimiter#inbound()}): a message within its limits is passed on; a violation is reported to
 * {@link Listener#violated} (penalty, close) and goes no further; a message the limiter merely drops (an
 * over-rate DIG flood frame) goes no further either. Everything that is not a {@link Message} passes.
 *
 * <p>After the first violation every later message is dropped unseen: the connection is closing, and the
 * frames already in flight behind the violating one (a flood arrives thousands to a read) neither reach the
 * node nor are charged again. It sits after the handshake handler, so the handshake itself is never
 * counted. Belongs to the channel's event loop.
 */
final class InboundRateLimitHandler extends ChannelInboundHandlerAdapter {
    interface Listener {
        void violated(String reason);
    }

    private final RateLimiter limits = RateLimiter.inbound();
    private final Clock clock;
    private final Listener listener;
    private boolean violated;

    InboundRateLimitHandler(Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Message message)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (violated) {
            return;
        }
        RateLimiter.RateVerdict verdict = limits.check(message, clock.millis());
        switch (verdict.action()) {
            case ALLOW -> ctx.fireChannelRead(message);
            case VIOLATION -> {
                violated = true;
                listener.violated(verdict.reason());
            }
            default -> { }
        }
    }
}
