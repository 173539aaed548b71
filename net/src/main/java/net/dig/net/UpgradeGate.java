package net.dig.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Sits in front of the WebSocket handshake on the listening side: a request for any path other
 * than {@code /ws} gets 404, and a request from a banned address gets 403 (Chia's answer to a
 * banned IP, docs/formats/wire.md). Either way the connection is closed after the reply.
 * Requests that pass are handed on untouched (the reference is kept).
 */
final class UpgradeGate extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PATH = "/ws";
    private final Admission admission;

    UpgradeGate(Admission admission) {
        super(false);
        this.admission = admission;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (!PATH.equals(path)) {
            request.release();
            reject(ctx, HttpResponseStatus.NOT_FOUND, "the P2P endpoint is /ws");
            return;
        }
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote && admission.isBanned(remote.getAddress())) {
            request.release();
            reject(ctx, HttpResponseStatus.FORBIDDEN, "banned");
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(request);
    }

    private static void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
