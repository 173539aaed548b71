package net.dig.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * First handler of an accepted connection: takes a handshake slot from {@link Admission} the moment
 * the TCP connection is active, and closes the connection at once if none is free. The rest of the
 * pipeline (TLS, WebSocket, the session) is built when the first bytes arrive, and the next handlers see
 * the channel become active then: a connection that never speaks costs this handler and its slot, no TLS
 * engine and no session, and it is the first to be displaced ({@link Admission.Stage#ACCEPTED}). The slot goes back when the Chia handshake completes ({@link #handshakeDone}) or the
 * connection closes, whichever comes first. From accept on, the connection has
 * {@link AdmissionLimits#deadline} to become a peer, or it is closed. Its {@link #progress} handler, which
 * sits after TLS and the WebSocket upgrade, tells the admission how far it got.
 *
 * <p>Event-loop confined; the slot may also be taken away by another loop (a newcomer displaced it),
 * which closes the channel.
 */
final class AdmissionHandler extends ChannelInboundHandlerAdapter {
    private final Admission admission;
    private final Runnable buildSession;
    private Admission.Slot slot;
    private ScheduledFuture<?> deadline;
    private boolean built;

    /** {@code buildSession} adds the rest of the pipeline once the connection holds a slot. */
    AdmissionHandler(Admission admission, Runnable buildSession) {
        this.admission = admission;
        this.buildSession = buildSession;
    }

    Admission admission() {
        return admission;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress() : InetAddress.getLoopbackAddress();
        Optional<Admission.Slot> taken = admission.tryAcquire(remote, () -> ctx.channel().close());
        if (taken.isEmpty()) {
            ctx.close();
            return;
        }
        slot = taken.get();
        deadline = ctx.executor().schedule(() -> {
            if (slot != null) {
                admission.expired(slot);
                slot = null;
                ctx.close();
            }
        }, admission.limits().deadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!built) {
            built = true;
            if (slot != null) {
                admission.progressed(slot, Admission.Stage.SPOKE);
            }
            buildSession.run();
            ctx.fireChannelActive();
        }
        ctx.fireChannelRead(msg);
    }

    /** The connection became a peer: it now counts as a live connection, not a handshake. */
    void handshakeDone() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (slot != null) {
            admission.release(slot);
            slot = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshakeDone();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        handshakeDone();
    }

    /** A handler for after the upgrade: reports TLS done and upgrade done to the admission. */
    ChannelInboundHandlerAdapter progress() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                Admission.Slot held = slot;
                if (held != null) {
                    if (event instanceof SslHandshakeCompletionEvent tls && tls.isSuccess()) {
                        admission.progressed(held, Admission.Stage.TLS_DONE);
                    } else if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                        admission.progressed(held, Admission.Stage.UPGRADED);
                    }
                }
                ctx.fireUserEventTriggered(event);
            }
        };
    }
}
