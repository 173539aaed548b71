package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.core.Bytes32;
import net.dig.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS + WebSocket pipelines over real loopback sockets, with a test handler at the end. */
class PeerChannelsTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    @TempDir Path dir;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Set<java.net.InetAddress> banned = ConcurrentHashMap.newKeySet();
    private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
    private TestPki pki;
    private TlsIdentity serverIdentity;
    private TransportSettings settings;
    private Channel listener;

    @BeforeEach
    void start() throws Exception {
        pki = new TestPki(dir, net.dig.core.Clock.system().instant());
        serverIdentity = identity(pki.leaf());
        settings = TransportSettings.defaults().toBuilder().maxFrameBytes(4096).build();
        Admission admission = new Admission(10, AdmissionLimits.defaults(), banned::contains, net.dig.core.Clock.system());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        serverChannels.add(ch);
                        PeerChannels.accepting(ch, serverIdentity.serverContext(PeerTrust.NETWORK_CA), settings, net.dig.core.Clock.system(), admission, Echo::new);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void stop() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private TlsIdentity identity(TestPki.LeafFiles leaf) {
        return TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(pki.caCertificatePath()));
    }

    /** Echoes binary frames; remembers the peer's PeerId once the upgrade completes. */
    static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        final AtomicReference<Bytes32> remote = new AtomicReference<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                remote.set(RemotePeer.peerId(ctx.channel()));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame) {
                ctx.close();
            }
        }
    }

    static final class Client extends SimpleChannelInboundHandler<WebSocketFrame> {
        final List<byte[]> received = new CopyOnWriteArrayList<>();
        final AtomicReference<Integer> closeCode = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean upgraded;

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
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.set(cause);
            ctx.close();
        }
    }

    private Channel dial(TlsIdentity identity, Client client) throws InterruptedException {
        InetSocketAddress target = (InetSocketAddress) listener.localAddress();
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PeerChannels.dialing(ch, identity.clientContext(PeerTrust.NETWORK_CA), settings, net.dig.core.Clock.system(), target, client);
                    }
                })
                .connect(target).sync().channel();
    }

    @Test
    void mutualTlsWebSocketCarriesBinaryFramesAndBothSidesSeePeerIds() throws Exception {
        TlsIdentity clientIdentity = identity(pki.leaf());
        Client client = new Client();
        Channel ch = dial(clientIdentity, client);
        await().atMost(BOUND).until(() -> client.upgraded);

        ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));

        await().atMost(BOUND).until(() -> client.received.size() == 1);
        assertThat(client.received.getFirst()).containsExactly(1, 2, 3);
        assertThat(RemotePeer.peerId(ch)).isEqualTo(serverIdentity.peerId());
        Echo echo = (Echo) serverChannels.getFirst().pipeline().get("peer");
        assertThat(echo.remote.get()).isEqualTo(clientIdentity.peerId());
        assertThat(ch.pipeline().get(SslHandler.class).engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        ch.close().sync();
    }

    @Test
    void bothEndsSizeTheirSocketBuffersAsConfigured() throws Exception {
        int send = 200 << 10;
        int receive = 300 << 10;
        settings = settings.toBuilder().socketBuffers(new TransportSettings.SocketBuffers(send, receive)).build();
        Client client = new Client();
        Channel ch = dial(identity(pki.leaf()), client);
        await().atMost(BOUND).until(() -> client.upgraded);
        // Linux reports twice the size asked for (the kernel's bookkeeping share); other systems the size itself
        for (Channel end : List.of(ch, serverChannels.get(0))) {
            SocketChannel socket = (SocketChannel) end;
            assertThat(socket.config().getSendBufferSize()).as("SO_SNDBUF").isIn(send, 2 * send);
            assertThat(socket.config().getReceiveBufferSize()).as("SO_RCVBUF").isIn(receive, 2 * receive);
        }
    }

    @Test
    void leafFromAnUntrustedCaFailsTheTlsHandshake() throws Exception {
        Client client = new Client();
        Channel ch = dial(identity(pki.rogueLeaf()), client);
        await().atMost(BOUND).until(() -> !ch.isActive());
        assertThat(client.upgraded).isFalse();
        assertThat(client.received).isEmpty();
    }

    @Test
    void attack_oversizeFrameIsRefusedBeforeAllocationWith1009AndServerKeepsServing() throws Exception {
        Client attacker = new Client();
        Channel bad = dial(identity(pki.leaf()), attacker);
        await().atMost(BOUND).until(() -> attacker.upgraded);
        bad.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[4097])));
        await().atMost(BOUND).until(() -> !bad.isActive());
        assertThat(attacker.closeCode.get()).isEqualTo(1009);
        assertThat(attacker.received).isEmpty();

        Client honest = new Client();
        Channel good = dial(identity(pki.leaf()), honest);
        await().atMost(BOUND).until(() -> honest.upgraded);
        good.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[4096])));
        await().atMost(BOUND).until(() -> honest.received.size() == 1);
        good.close().sync();
    }

    @Test
    void bannedAddressGets403OnUpgrade() throws Exception {
        banned.add(java.net.InetAddress.getByName("127.0.0.1"));
        Client client = new Client();
        Channel ch = dial(identity(pki.leaf()), client);
        await().atMost(BOUND).until(() -> !ch.isActive());
        assertThat(client.upgraded).isFalse();
        assertThat(client.failure.get()).isInstanceOf(WebSocketClientHandshakeException.class).hasMessageContaining("403");
    }
}
