package net.dig.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import net.dig.core.Clock;
import net.dig.gossip.RateLimit;
import net.dig.gossip.RateLimitTable;
import net.dig.gossip.RateLimiter;

/**
 * The rate limit of a peer's WebSocket Pings ({@link RateLimitTable#WEBSOCKET_PING}, counted in the fixed
 * windows of {@link RateLimiter}). Netty's WebSocket protocol handlers answer every Ping they see, so this
 * sits in front of them: a Ping within the limit passes on and is answered there; the first one over it,
 * and every frame after it, is dropped, and {@link #FLOODED} is fired down the pipeline once, for the
 * connection handler to treat like a message over its rate limit (penalty, bans, close 1008). Anything
 * else passes untouched, the HTTP upgrade included.
 *
 * <p>Belongs to the channel's event loop; time from the injected clock.
 */
final class PingLimitHandler extends ChannelInboundHandlerAdapter {
    /** The user event fired when the limit is exceeded; {@link #detail()} says by how much. */
    record Flooded(String detail) {}

    static final Class<Flooded> FLOODED = Flooded.class;

    private final Clock clock;
    private long window = Long.MIN_VALUE;
    private int pings;
    private boolean flooded;

    PingLimitHandler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (flooded && msg instanceof io.netty.handler.codec.http.websocketx.WebSocketFrame frame) {
            frame.release();
            return;
        }
        if (!(msg instanceof PingWebSocketFrame ping)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = Math.floorDiv(clock.millis(), RateLimiter.WINDOW_MILLIS);
        if (now != window) {
            window = now;
            pings = 0;
        }
        RateLimit limit = RateLimitTable.WEBSOCKET_PING;
        int size = ping.content().readableBytes();
        if (++pings > limit.frequency() || size > limit.maxSize()) {
            ping.release();
            flooded = true;
            ctx.fireUserEventTriggered(new Flooded(pings + " pings in this minute (limit " + limit.frequency()
                    + "), the last of " + size + " bytes"));
            return;
        }
        ctx.fireChannelRead(ping);
    }
}
