package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.wire.Capability;
import net.dig.wire.Handshake;
import net.dig.wire.NodeType;

/**
 * A misbehaving peer for attack tests: real TLS and WebSocket through {@link PeerChannels}, but the
 * test decides every frame it sends. It can bind a chosen loopback source address (127.0.0.x) so
 * IP bans aimed at it do not hit the honest nodes on 127.0.0.1.
 */
final class RawPeer extends SimpleChannelInboundHandler<WebSocketFrame> {
    final List<byte[]> received = new CopyOnWriteArrayList<>();
    final AtomicReference<Integer> closeCode = new AtomicReference<>();
    final AtomicReference<String> closeReason = new AtomicReference<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean upgraded;
    Channel channel;

    static RawPeer connect(EventLoopGroup group, TlsIdentity identity, TransportSettings settings, String sourceIp,
            InetSocketAddress target) throws InterruptedException {
        RawPeer peer = new RawPeer();
        peer.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PeerChannels.dialing(ch, identity.clientContext(PeerTrust.NETWORK_CA), settings, net.dig.core.Clock.system(), target, peer);
                    }
                })
                .connect(target, new InetSocketAddress(sourceIp, 0)).sync().channel();
        return peer;
    }

    static Handshake handshake(String networkHex) {
        return new Handshake(networkHex, GossipConstants.PROTOCOL_VERSION, "raw/1", 0, NodeType.FULL_NODE.code(),
                List.of(Capability.enabled(1), Capability.enabled(2), Capability.enabled(3)));
    }

    void sendFrame(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            upgraded = true;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame) {
            received.add(ByteBufUtil.getBytes(frame.content()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            closeCode.set(close.statusCode());
            closeReason.set(close.reasonText());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failure.set(cause);
        ctx.close();
    }
}
