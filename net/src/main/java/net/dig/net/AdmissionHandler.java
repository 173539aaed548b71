package net.dig.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of an accepted connection: takes a handshake slot from {@link Admission} the moment
 * the TCP connection is active, before TLS starts, and closes the connection at once if none is
 * free. The slot goes back when the Chia handshake completes ({@link #handshakeDone}) or the
 * connection closes, whichever comes first. Event-loop confined.
 */
final class AdmissionHandler extends ChannelInboundHandlerAdapter {
    private final Admission admission;
    private boolean holdingSlot;

    AdmissionHandler(Admission admission) {
        this.admission = admission;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!admission.tryAcquire()) {
            ctx.close();
            return;
        }
        holdingSlot = true;
        ctx.fireChannelActive();
    }

    /** The connection became a peer: it now counts as a live connection, not a handshake. */
    void handshakeDone() {
        if (holdingSlot) {
            holdingSlot = false;
            admission.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshakeDone();
        ctx.fireChannelInactive();
    }
}
