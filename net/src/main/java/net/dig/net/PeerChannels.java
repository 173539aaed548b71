package net.dig.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.Supplier;
import net.dig.core.Clock;

/**
 * Assembles the P2P pipelines in one place (docs/formats/wire.md: WebSocket over TLS at
 * {@code /ws}, one binary frame per message).
 *
 * <pre>
 * accepting:  AdmissionHandler, then once it holds a slot: SslHandler(server, mTLS 1.3) -> HttpServerCodec -> HttpObjectAggregator(8 KiB)
 *             -> UpgradeGate (404 / 403 banned) -> PingLimitHandler -> WebSocketServerProtocolHandler(/ws) -> WebSocketFrameAggregator
 *             -> admission-progress -> connection handler
 * dialing:    SslHandler(client, mTLS 1.3) -> HttpClientCodec -> HttpObjectAggregator(8 KiB) -> PingLimitHandler
 *             -> WebSocketClientProtocolHandler(wss://host:port/ws) -> WebSocketFrameAggregator -> connection handler
 * </pre>
 *
 * Close frames are not handled by Netty's protocol handlers but passed to the connection handler, which
 * needs the peer's close code (1002 = handshake refused) and answers the close itself.
 *
 * <p>Both pipelines first size the socket's kernel buffers ({@link TransportSettings.SocketBuffers}); a relayed
 * session runs the same pipelines on an in-process channel ({@link RelayTunnels}), which has none.
 *
 * <p>The frame cap ({@link TransportSettings#maxFrameBytes}) is enforced by the WebSocket frame decoder on
 * the length field of each frame header, before the payload is allocated, and again by the aggregator
 * over continuation frames; a violation closes with 1009 (message too big). The TLS handshake has its
 * own timeout, so a client that opens TCP and never finishes TLS is dropped (slow-TLS attack).
 */
final class PeerChannels {
    private static final int MAX_HTTP_BYTES = 8192;

    private PeerChannels() {}

    /**
     * An accepted connection gets only its {@link AdmissionHandler} at first; the rest of the pipeline, and the
     * connection handler {@code connection} makes, are built once it holds a handshake slot, so a refused
     * connection costs no TLS engine and no session state.
     */
    static void accepting(Channel ch, SslContext ssl, TransportSettings settings, Clock clock, Admission admission,
            Supplier<ChannelHandler> connection) {
        sizeBuffers(ch, settings.socketBuffers());
        AdmissionHandler[] slot = new AdmissionHandler[1];
        slot[0] = new AdmissionHandler(admission, () -> session(ch, ssl, settings, clock, slot[0], connection.get()));
        ch.pipeline().addLast("admission", slot[0]);
    }

    private static void session(Channel ch, SslContext ssl, TransportSettings settings, Clock clock, AdmissionHandler slot,
            ChannelHandler connection) {
        ChannelPipeline p = ch.pipeline();
        SslHandler tls = ssl.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(settings.tlsHandshakeTimeout().toMillis());
        p.addLast("tls", tls);
        p.addLast("http", new HttpServerCodec(4096, MAX_HTTP_BYTES, MAX_HTTP_BYTES));
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_BYTES));
        p.addLast("gate", new UpgradeGate(slot.admission()));
        p.addLast("ping-limit", new PingLimitHandler(clock));
        p.addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(UpgradeGate.PATH)
                .checkStartsWith(false)
                .handleCloseFrames(false)
                .handshakeTimeoutMillis(settings.peerHandshakeTimeout().toMillis())
                .dropPongFrames(false)
                .decoderConfig(decoderConfig(settings))
                .build()));
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(settings.maxFrameBytes()));
        p.addLast("admission-progress", slot.progress());
        p.addLast("peer", connection);
    }

    static void dialing(Channel ch, SslContext ssl, TransportSettings settings, Clock clock, InetSocketAddress target,
            ChannelHandler connection) {
        sizeBuffers(ch, settings.socketBuffers());
        ChannelPipeline p = ch.pipeline();
        SslHandler tls = ssl.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(settings.tlsHandshakeTimeout().toMillis());
        p.addLast("tls", tls);
        p.addLast("http", new HttpClientCodec(4096, MAX_HTTP_BYTES, MAX_HTTP_BYTES));
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_BYTES));
        p.addLast("ping-limit", new PingLimitHandler(clock));
        p.addLast("ws", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri(target))
                .handshakeTimeoutMillis(settings.peerHandshakeTimeout().toMillis())
                .maxFramePayloadLength(settings.maxFrameBytes())
                .dropPongFrames(false)
                .absoluteUpgradeUrl(false)
                .handleCloseFrames(false)
                .build()));
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(settings.maxFrameBytes()));
        p.addLast("peer", connection);
    }

    /**
     * Called before the dial's SYN, or right after accept. An accepted socket agreed its window scale
     * with the listener's defaults, which allow the kernel's largest window, so any size up to that
     * takes effect.
     */
    private static void sizeBuffers(Channel channel, TransportSettings.SocketBuffers buffers) {
        if (!(channel instanceof SocketChannel ch)) {
            return;
        }
        if (buffers.sendBytes() > 0) {
            ch.config().setSendBufferSize(buffers.sendBytes());
        }
        if (buffers.receiveBytes() > 0) {
            ch.config().setReceiveBufferSize(buffers.receiveBytes());
        }
    }

    static URI uri(InetSocketAddress target) {
        String host = target.getAddress() != null ? target.getAddress().getHostAddress() : target.getHostString();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("wss://" + host + ":" + target.getPort() + UpgradeGate.PATH);
    }

    private static WebSocketDecoderConfig decoderConfig(TransportSettings settings) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrameBytes())
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
    }
}
