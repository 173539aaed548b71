package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A client that finishes mTLS and then sends nothing (no WebSocket upgrade), until closed. */
final class RawTls {
    final Channel channel;

    private RawTls(Channel channel) {
        this.channel = channel;
    }

    /** Connects from {@code sourceIp} and waits (bounded) for the end of the TLS handshake. */
    static RawTls connect(EventLoopGroup group, TlsIdentity identity, String sourceIp, InetSocketAddress target) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(identity.clientContext(PeerTrust.NETWORK_CA).newHandler(c.alloc()),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof SslHandshakeCompletionEvent) {
                                            done.complete(null);
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        done.complete(null);
                                        ctx.close();
                                    }
                                });
                    }
                })
                .connect(target, new InetSocketAddress(sourceIp, 0)).sync().channel();
        ch.closeFuture().addListener(f -> done.complete(null));
        done.get(30, TimeUnit.SECONDS);
        return new RawTls(ch);
    }

    void close() {
        channel.close().syncUninterruptibly();
    }
}
