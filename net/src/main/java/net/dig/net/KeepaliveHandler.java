package net.dig.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;

/**
 * Keepalive of one connection, driven by the injected {@link Clock} rather than Netty's timer, so tests
 * move time with a {@code ManualClock} instead of sleeping.
 *
 * <p>Every inbound frame counts as hearing from the peer. {@link #tick} (called by the service's keepalive
 * round on the channel's loop) sends a WebSocket Ping once {@code pingInterval} has passed since the last
 * one, and reports the peer silent once nothing was heard for {@code timeout}. Every implementation answers
 * Pings (aiohttp and tungstenite auto-pong); a Ping costs no rate-limit budget at the other end. The Ping's
 * 8-byte payload is our send time on the injected clock, so its Pong gives an RTT sample. Pings from the
 * peer are answered by Netty's WebSocket protocol handler before they get here, within the limit of
 * {@link PingLimitHandler}; one that still arrives is answered here. Pongs and Pings are consumed; every
 * other frame is passed on.
 *
 * <p>Belongs to the channel's event loop. The average RTT is readable from any thread.
 */
final class KeepaliveHandler extends ChannelInboundHandlerAdapter {
    /** Where measurements and silence are reported. */
    interface Listener {
        void rtt(long rttMillis);

        void silent(Duration timeout);
    }

    private final Clock clock;
    private final Listener listener;
    private ChannelHandlerContext ctx;
    private boolean running;
    private long lastHeardNanos;
    private long lastPingNanos;
    private volatile long avgRttMillis = -1;

    KeepaliveHandler(Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts the clocks (the WebSocket upgrade is done; the peer is expected to speak from now on). */
    void start() {
        running = true;
        lastHeardNanos = clock.nanos();
        lastPingNanos = lastHeardNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastHeardNanos = clock.nanos();
        if (msg instanceof PongWebSocketFrame pong) {
            try {
                if (pong.content().readableBytes() == Long.BYTES) {
                    long sent = pong.content().getLong(pong.content().readerIndex());
                    long rttMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(clock.nanos() - sent));
                    avgRttMillis = avgRttMillis < 0 ? rttMillis : (avgRttMillis * 9 + rttMillis) / 10;
                    listener.rtt(rttMillis);
                }
            } finally {
                pong.release();
            }
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** One keepalive step; on the channel's loop. */
    void tick(Duration pingInterval, Duration timeout) {
        if (!running || ctx == null) {
            return;
        }
        long now = clock.nanos();
        if (now - lastHeardNanos >= timeout.toNanos()) {
            running = false;
            listener.silent(timeout);
            return;
        }
        if (now - lastPingNanos >= pingInterval.toNanos()) {
            lastPingNanos = now;
            ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.buffer(Long.BYTES).writeLong(now)));
        }
    }

    /** The smoothed RTT in milliseconds, or -1 before the first sample. */
    long avgRttMillis() {
        return avgRttMillis;
    }
}
