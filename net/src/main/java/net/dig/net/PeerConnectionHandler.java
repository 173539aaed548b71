package net.dig.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.dig.core.Clock;
import net.dig.gossip.CloseReason;
import net.dig.gossip.LaneStats;
import net.dig.gossip.MessageRules;
import net.dig.gossip.PeerId;
import net.dig.gossip.RateLimiter;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.RequestPeers;
import net.dig.wire.WireLimits;

/**
 * One P2P connection, dialled or accepted: the session at the end of the pipeline built by
 * {@link PeerChannels}. When it is added it puts its small handlers in front of itself:
 * <pre>
 *  ... ws-aggregator -> frame-codec -> keepalive -> lanes -> handshake -> rate-limit -> requests -> peer
 *      FrameCodec        WebSocket frame <-> Message (MalformedFrame for a bad envelope), counters
 *      KeepaliveHandler  Ping/Pong, RTT, silence, on the injected clock
 *      LaneWriter        outbound priority lanes, drained while the channel is writable
 *      HandshakeHandler  the Chia handshake; removes itself once the connection is admitted
 *      InboundRateLimitHandler  inbound limits after the handshake
 *      RequestCorrelator replies matched to requests by id, request timeouts
 *      peer (this)       phases, close codes, sender rules, events to the service, send/request entry points
 * </pre>
 * <pre>
 *  UPGRADING --ws upgrade done--> HANDSHAKING --valid Handshake + admitted--> OPEN --close--> CLOSED
 *      \_____________ handshake timer (transport.peerHandshakeTimeout) expires: close ______/
 * </pre>
 * The dialer sends its {@link Handshake} first (after {@link Events#precheck}); the listener answers only
 * after admission; the dialer then sends RequestPeers at once (DIG listeners wait for it). The handshake
 * and that first RequestPeers bypass the lanes (nothing else is queued yet). A message a peer of its node
 * type may not send ({@link MessageRules#senderAllowed}) is a protocol violation that closes the
 * connection with {@link CloseReason#INVALID_PROTOCOL_MESSAGE}; a second handshake too.
 *
 * <p>Outbound messages pass this connection's outbound {@link RateLimiter}: over rate they are retried every
 * second (for at most a minute) or dropped, as the limiter says; requests are not retried. Then they go to
 * the lanes ({@link LaneWriter}). The write-buffer water marks ({@link #WATER_MARK}) are set on the channel
 * when the handler is added. The socket buffers are bounded ({@link TransportSettings.SocketBuffers}): TCP
 * has no priorities, and autotuned buffers would hold several MiB of bulk ahead of a critical message.
 *
 * <h2>Concurrency</h2>
 * All state belongs to the channel's event loop. {@link #send}, {@link #request} and {@link #disconnect}
 * may be called from any thread; they hop onto the loop. Nothing here blocks.
 *
 * <h2>Failure modes</h2>
 * Malformed frames, oversize frames, WebSocket protocol violations, rate-limit excess and keepalive
 * silence are reported to {@link Events#misbehaved} (penalties) and close the connection. Transport
 * errors (reset, TLS failure) just close it. Closing fails every pending request and queued message with
 * {@link GossipError.ChannelClosed}.
 */
final class PeerConnectionHandler extends ChannelInboundHandlerAdapter {
    /** Chia {@code Err} codes sent as the close reason ({@link CloseReason}). */
    static final int ERR_INVALID_PROTOCOL_MESSAGE = CloseReason.INVALID_PROTOCOL_MESSAGE.chiaErrorCode();
    static final int ERR_SELF_CONNECTION = CloseReason.SELF_CONNECTION.chiaErrorCode();
    static final int ERR_INVALID_HANDSHAKE = CloseReason.INVALID_HANDSHAKE.chiaErrorCode();
    static final int ERR_INCOMPATIBLE_NETWORK_ID = CloseReason.INCOMPATIBLE_NETWORK_ID.chiaErrorCode();
    static final int CLOSE_PROTOCOL_ERROR = CloseReason.WS_PROTOCOL_ERROR;
    private static final int MAX_SEND_RETRIES = 60;
    /** Netty's outbound buffer of one connection: unwritable above 64 KiB, writable again below 32 KiB. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 << 10, 64 << 10);
    /** Chia's {@code INVALID_PROTOCOL_BAN_SECONDS}. */
    static final int INVALID_PROTOCOL_BAN_SECONDS = CloseReason.INVALID_HANDSHAKE.banSeconds();

    enum Phase { UPGRADING, HANDSHAKING, OPEN, CLOSED }

    /** A handshake refusal: Chia error code and a reason for the log. */
    record Refusal(GossipError error, int chiaErrorCode, int banSeconds) {
        Refusal(int chiaErrorCode, String reason, int banSeconds) {
            this(new GossipError.HandshakeFailed(chiaErrorCode, reason), chiaErrorCode, banSeconds);
        }
    }

    /** What the connection needs from the service. Called on the connection's event loop. */
    interface Events {
        Handshake localHandshake();

        /** Empty if the remote handshake is acceptable (the connection's PeerId is known by now). */
        Optional<Refusal> checkHandshake(PeerConnectionHandler connection, Handshake remote);

        /**
         * Called on the dialing side as soon as TLS has revealed the remote PeerId, before our
         * handshake is sent: refuses self connections, duplicates and banned peers early.
         */
        Optional<GossipError> precheck(PeerConnectionHandler connection);

        /** One keepalive round trip was measured. */
        void rttSample(PeerConnectionHandler connection, long rttMillis);

        /** Registers the peer; empty on success, else why it is refused. */
        Optional<GossipError> admit(PeerConnectionHandler connection);

        /** The connection closed after it had been admitted. */
        void removed(PeerConnectionHandler connection);

        /**
         * The connection is gone, admitted or not (its pipeline was torn down, or its dial failed): forget
         * everything held for it. Called exactly once, after {@link #removed} if that is called.
         */
        default void released(PeerConnectionHandler connection) { }

        /** An inbound message no request was waiting for. */
        void received(PeerConnectionHandler connection, Message message);

        void misbehaved(PeerConnectionHandler connection, Misbehaviour kind, String detail);

        /** The handshake failed with a Chia error code; the address deserves a short ban. */
        void handshakeRefused(InetSocketAddress remote, Refusal refusal);
    }

    private final boolean outbound;
    private final Events events;
    private final TransportSettings settings;
    private final Clock clock;
    /** Clock millis of the last message received on this connection; the creation time until one arrives. */
    private volatile long lastReceivedMillis;
    private final WireLimits limits;
    private final RateLimiter outboundLimits;
    private final CompletableFuture<PeerId> established = new CompletableFuture<>();
    private final long createdMillis;
    private final Function<Channel, PeerId> peerIdOf;
    private final FrameCodec codec;
    private final KeepaliveHandler keepalive;
    private final LaneWriter lanes;
    private final RequestCorrelator requests;

    private Channel channel;
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext lanesCtx;
    private volatile Phase phase = Phase.UPGRADING;
    private ScheduledFuture<?> handshakeTimer;
    private volatile PeerId peerId;
    private volatile Optional<PeerId> localPeerId;
    private volatile Handshake remoteHandshake;
    private volatile InetSocketAddress remoteAddress;
    private Optional<GossipError> failure = Optional.empty();
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long lastUsefulMillis;

    PeerConnectionHandler(boolean outbound, Events events, TransportSettings settings, Clock clock, RateLimiter outboundLimits) {
        this(outbound, events, settings, clock, outboundLimits, ch -> new PeerId(RemotePeer.peerId(ch)));
    }

    /** With a custom way to learn the remote PeerId (tests without TLS). */
    PeerConnectionHandler(boolean outbound, Events events, TransportSettings settings, Clock clock, RateLimiter outboundLimits,
            Function<Channel, PeerId> peerIdOf) {
        this.peerIdOf = peerIdOf;
        this.outbound = outbound;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.limits = WireLimits.DEFAULT.toBuilder().maxMessageData(settings.maxFrameBytes()).build();
        this.outboundLimits = outboundLimits;
        this.createdMillis = clock.millis();
        this.lastReceivedMillis = createdMillis;
        this.codec = new FrameCodec(limits);
        this.keepalive = new KeepaliveHandler(clock, new KeepaliveHandler.Listener() {
            @Override
            public void rtt(long rttMillis) {
                events.rttSample(PeerConnectionHandler.this, rttMillis);
            }

            @Override
            public void silent(Duration timeout) {
                events.misbehaved(PeerConnectionHandler.this, Misbehaviour.KEEPALIVE_TIMEOUT, "silent for " + timeout);
                channel.close();
            }
        });
        this.lanes = new LaneWriter(clock, settings.lanes(), () -> closeWith(1008, "send queue full"));
        this.requests = new RequestCorrelator(outbound, settings.requestTimeout(), detail ->
                events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION, detail));
    }

    // ---- lifecycle -------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        channel = ctx.channel();
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        String self = ctx.name();
        ctx.pipeline().addBefore(self, "frame-codec", codec);
        ctx.pipeline().addBefore(self, "keepalive", keepalive);
        ctx.pipeline().addBefore(self, "lanes", lanes);
        ctx.pipeline().addBefore(self, "handshake", new HandshakeHandler(this, limits));
        ctx.pipeline().addBefore(self, "rate-limit", new InboundRateLimitHandler(clock, reason -> {
            events.misbehaved(this, Misbehaviour.RATE_LIMIT_EXCEEDED, reason);
            closeWith(1008, "rate limited");
        }));
        ctx.pipeline().addBefore(self, "requests", requests);
        lanesCtx = ctx.pipeline().context(lanes);
        if (channel.isActive()) {
            startHandshakeTimer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startHandshakeTimer(ctx);
        ctx.fireChannelActive();
    }

    private void startHandshakeTimer(ChannelHandlerContext ctx) {
        if (handshakeTimer == null && remoteAddress == null && channel.remoteAddress() instanceof InetSocketAddress remote) {
            remoteAddress = remote;
        } else if (handshakeTimer == null && channel.hasAttr(RelayTunnels.VIA)) {
            remoteAddress = channel.attr(RelayTunnels.VIA).get();
        }
        if (handshakeTimer == null) {
            handshakeTimer = ctx.executor().schedule(() -> {
                if (phase != Phase.OPEN && phase != Phase.CLOSED) {
                    fail(new GossipError.HandshakeFailed(ERR_INVALID_HANDSHAKE, "handshake timed out in phase " + phase));
                    ctx.close();
                }
            }, settings.peerHandshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete
                || event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            onUpgraded(ctx);
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT
                || event == WebSocketServerProtocolHandler.ServerHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(new GossipError.ClientError("WebSocket upgrade timed out"));
            ctx.close();
        } else if (event instanceof PingLimitHandler.Flooded flood) {
            events.misbehaved(this, Misbehaviour.RATE_LIMIT_EXCEEDED, flood.detail());
            closeWith(1008, "rate limited");
        } else if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            fail(new GossipError.ClientError("TLS handshake failed: " + tls.cause().getMessage()));
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }

    private void onUpgraded(ChannelHandlerContext ctx) {
        if (phase != Phase.UPGRADING) {
            return;
        }
        phase = Phase.HANDSHAKING;
        keepalive.start();
        try {
            peerId = peerIdOf.apply(ctx.channel());
        } catch (IllegalStateException e) {
            fail(new GossipError.ClientError(e.getMessage()));
            ctx.close();
            return;
        }
        requests.peer(peerId);
        if (outbound) {
            Optional<GossipError> refused = events.precheck(this);
            if (refused.isPresent()) {
                fail(refused.get());
                closeWith(1000, "");
                return;
            }
            writeDirect(events.localHandshake().toMessage());
        }
    }

    /** The handshake handler admitted the connection. */
    void opened() {
        phase = Phase.OPEN;
        handshakeTimer.cancel(false);
        established.complete(peerId);
        if (outbound) {
            writeDirect(new RequestPeers().toMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        fail(new GossipError.ChannelClosed());
        if (was == Phase.OPEN) {
            events.removed(this);
        }
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        release();
    }

    /** Tells the service this connection is gone, once ({@link Events#released}). Thread-safe. */
    void release() {
        if (released.compareAndSet(false, true)) {
            events.released(this);
        }
    }

    /** The peer delivered a message the node wanted (inbound eviction protects recent ones). */
    void markUseful(long nowMillis) {
        lastUsefulMillis = nowMillis;
    }

    /** When the peer last delivered a useful message, or 0. */
    long lastUsefulMillis() {
        return lastUsefulMillis;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (phase == Phase.OPEN || phase == Phase.HANDSHAKING) {
            if (root instanceof TooLongFrameException) {
                events.misbehaved(this, Misbehaviour.OVERSIZE_FRAME, root.getMessage());
            } else if (root instanceof CorruptedWebSocketFrameException || root instanceof CorruptedFrameException) {
                events.misbehaved(this, root.getMessage() != null && root.getMessage().contains("Max frame length")
                        ? Misbehaviour.OVERSIZE_FRAME : Misbehaviour.PROTOCOL_VIOLATION, root.getMessage());
            }
        }
        fail(new GossipError.ClientError(String.valueOf(root.getMessage())));
        if (root instanceof CorruptedWebSocketFrameException) {
            // the frame decoder has already sent its close frame (e.g. 1009) and closes after it is written
            ctx.executor().schedule(() -> { ctx.close(); }, 2, TimeUnit.SECONDS);
        } else {
            ctx.close();
        }
    }

    // ---- inbound ---------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Message message -> {
                lastReceivedMillis = clock.millis();
                if (phase == Phase.OPEN) {
                    onMessage(message);
                }
            }
            case FrameCodec.MalformedFrame bad -> {
                if (phase == Phase.OPEN) {
                    events.misbehaved(this, Misbehaviour.MALFORMED_MESSAGE, bad.detail());
                    closeWith(CLOSE_PROTOCOL_ERROR, Integer.toString(ERR_INVALID_PROTOCOL_MESSAGE));
                }
            }
            case CloseWebSocketFrame close -> {
                try {
                    int code = parseCode(close.reasonText());
                    fail(code == ERR_SELF_CONNECTION ? new GossipError.SelfConnection()
                            : new GossipError.HandshakeFailed(code, "peer closed with " + close.statusCode() + " " + close.reasonText()));
                    ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "")).addListener(ChannelFutureListener.CLOSE);
                } finally {
                    close.release();
                }
            }
            case WebSocketFrame other -> {
                other.release();
                events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION, "non-binary frame " + other.getClass().getSimpleName());
                closeWith(1003, "binary frames only");
            }
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(Message message) {
        if (message.type() == ChiaMessageType.HANDSHAKE.code()) {
            events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION, "second handshake");
            closeWith(CLOSE_PROTOCOL_ERROR, Integer.toString(ERR_INVALID_PROTOCOL_MESSAGE));
            return;
        }
        Optional<NodeType> sender = NodeType.of(remoteHandshake.nodeType());
        if (sender.isPresent() && !MessageRules.senderAllowed(message.type(), sender.get())) {
            events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION, "a " + sender.get() + " may not send type " + message.type());
            closeWith(CLOSE_PROTOCOL_ERROR, CloseReason.INVALID_PROTOCOL_MESSAGE.closePayload());
            return;
        }
        events.received(this, message);
    }

    // ---- keepalive -------------------------------------------------------------------------

    /**
     * Runs one keepalive step; call on the event loop. Sends a Ping when {@code pingInterval} has
     * passed since the last one, closes the connection when nothing was heard for {@code timeout}.
     */
    void onKeepaliveTick(Duration pingInterval, Duration timeout) {
        if (phase == Phase.OPEN) {
            keepalive.tick(pingInterval, timeout);
        }
    }

    // ---- outbound --------------------------------------------------------------------------

    /** Sends a message; completes when written. Thread-safe. */
    CompletableFuture<Void> send(Message message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (message.encodedSize() > settings.maxFrameBytes()) {
            done.completeExceptionally(new GossipException(new GossipError.MessageRejected(
                    "message of " + message.encodedSize() + " bytes exceeds the frame cap " + settings.maxFrameBytes())));
            return done;
        }
        channel.eventLoop().execute(() -> sendLimited(message, done, 0));
        return done;
    }

    private void sendLimited(Message message, CompletableFuture<Void> done, int attempt) {
        if (phase != Phase.OPEN) {
            done.completeExceptionally(new GossipException(new GossipError.ChannelClosed()));
            return;
        }
        RateLimiter.RateVerdict verdict = outboundLimits.check(message, clock.millis());
        switch (verdict.action()) {
            case ALLOW -> ctx.write(message, completing(done)); // the lanes flush what they drain
            case RETRY_LATER -> {
                if (attempt >= MAX_SEND_RETRIES) {
                    done.completeExceptionally(new GossipException(new GossipError.MessageRejected("outbound rate limit: " + verdict.reason())));
                } else {
                    channel.eventLoop().schedule(() -> sendLimited(message, done, attempt + 1),
                            verdict.retryAfterMillis(), TimeUnit.MILLISECONDS);
                }
            }
            default -> done.completeExceptionally(new GossipException(new GossipError.MessageRejected("outbound rate limit: " + verdict.reason())));
        }
    }

    /** A promise that completes {@code done}: a refusal of the lanes as is, any other failure as a closed channel. */
    private ChannelPromise completing(CompletableFuture<Void> done) {
        ChannelPromise promise = channel.newPromise();
        promise.addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(asGossipFailure(f.cause()));
            }
        });
        return promise;
    }

    private static Throwable asGossipFailure(Throwable cause) {
        return cause instanceof GossipException ? cause : new GossipException(new GossipError.ChannelClosed());
    }

    /** Sends {@code message} with a fresh id and completes with the reply carrying that id. Thread-safe. */
    CompletableFuture<Message> request(Message message) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        if (message.encodedSize() + 2 > settings.maxFrameBytes()) {
            reply.completeExceptionally(new GossipException(new GossipError.MessageRejected("request exceeds the frame cap")));
            return reply;
        }
        channel.eventLoop().execute(() -> {
            if (phase != Phase.OPEN) {
                reply.completeExceptionally(new GossipException(new GossipError.ChannelClosed()));
                return;
            }
            RateLimiter.RateVerdict verdict = outboundLimits.check(message.type(), true, message.data().length, clock.millis());
            if (!verdict.allowed()) {
                reply.completeExceptionally(new GossipException(new GossipError.MessageRejected("outbound rate limit: " + verdict.reason())));
                return;
            }
            Message withId = requests.open(message, reply);
            if (withId == null) {
                return;
            }
            int id = withId.id().getAsInt();
            ChannelPromise written = channel.newPromise();
            written.addListener(f -> {
                if (!f.isSuccess()) {
                    requests.fail(id, asGossipFailure(f.cause()));
                }
            });
            ctx.write(withId, written);
        });
        return reply;
    }

    /**
     * Stops reading from the peer until {@link #resumeReads}: the socket's receive buffer fills and TCP
     * makes the peer wait. Called on the channel's event loop, by the dispatch of a message the
     * application is too busy to take more of.
     */
    void pauseReads() {
        channel.config().setAutoRead(false);
    }

    /** Reads from the peer again. Thread-safe. */
    void resumeReads() {
        channel.eventLoop().execute(() -> {
            if (channel.isActive() && !channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
            }
        });
    }

    /** Closes with a normal close frame. Thread-safe. */
    void disconnect() {
        channel.eventLoop().execute(() -> {
            if (channel.isActive()) {
                closeWith(1000, "");
            }
        });
    }

    /** Writes past the lanes (the handshake and the first RequestPeers, before anything is queued). */
    void writeDirect(Message message) {
        lanesCtx.writeAndFlush(message);
    }

    /** Queue depths and drops of this connection's lanes (a snapshot taken after the last change). */
    LaneStats laneStats() {
        return lanes.stats();
    }

    /** The handshake was refused: close with 1002 and Chia's code, and report it for a short ban. */
    void refuse(Refusal refusal) {
        fail(refusal.error());
        if (remoteAddress != null) {
            events.handshakeRefused(remoteAddress, refusal);
        }
        closeWith(CLOSE_PROTOCOL_ERROR, Integer.toString(refusal.chiaErrorCode()));
    }

    /** A valid handshake the service did not admit (self, duplicate, banned, table full). */
    void refuseAdmission(GossipError error) {
        fail(error);
        int code = error instanceof GossipError.SelfConnection ? ERR_SELF_CONNECTION : ERR_INVALID_HANDSHAKE;
        closeWith(error instanceof GossipError.SelfConnection ? CLOSE_PROTOCOL_ERROR : 1000, Integer.toString(code));
    }

    private void closeWith(int code, String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        Channel ch = channel;
        ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> { ch.close(); }, 2, TimeUnit.SECONDS);
    }

    private void fail(GossipError error) {
        if (!established.isDone()) {
            failure = Optional.of(error);
            established.completeExceptionally(new GossipException(error));
        }
    }

    private static int parseCode(String reason) {
        try {
            return Integer.parseInt(reason.trim());
        } catch (NumberFormatException e) {
            return ERR_INVALID_HANDSHAKE;
        }
    }

    // ---- accessors -------------------------------------------------------------------------

    Events events() {
        return events;
    }

    void remoteHandshake(Handshake remote) {
        this.remoteHandshake = remote;
    }

    /** Completes with the PeerId once the handshake is done and admitted; fails otherwise. */
    CompletableFuture<PeerId> established() {
        return established;
    }

    boolean isOutbound() {
        return outbound;
    }

    PeerId peerId() {
        return peerId;
    }

    /** The PeerId this node presented on this connection; empty without TLS (tests) or before the TLS handshake. */
    Optional<PeerId> localPeerId() {
        Optional<PeerId> known = localPeerId;
        if (known == null && channel != null && peerId != null) {
            known = RemotePeer.localPeerId(channel).map(PeerId::new);
            localPeerId = known;
        }
        return known == null ? Optional.empty() : known;
    }

    Handshake remoteHandshake() {
        return remoteHandshake;
    }

    /** True when the connection is a session relayed through a relay ({@link RelayTunnels}). */
    boolean relayed() {
        return channel != null && channel.hasAttr(RelayTunnels.VIA);
    }

    /** The address the bytes come from: the peer's, or for a relayed session the relay's. */
    InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * A connection through a SOCKS5 proxy: the socket's peer is the proxy, so the peer's address is the
     * dial target (unresolved for a name or an onion). Called before connecting.
     */
    void proxiedTo(InetSocketAddress target) {
        remoteAddress = target;
    }

    /** The peer's IP as text, or its host name when it was reached by name through a proxy; null before connecting. */
    String remoteHost() {
        InetSocketAddress a = remoteAddress;
        return a == null ? null : a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    }

    Channel channel() {
        return channel;
    }

    Phase phase() {
        return phase;
    }

    Optional<GossipError> failure() {
        return failure;
    }

    PeerConnection snapshot() {
        Handshake h = remoteHandshake;
        long rtt = keepalive.avgRttMillis();
        return new PeerConnection(peerId, remoteAddress, outbound,
                h == null ? 0 : h.nodeType(), h == null ? "" : h.protocolVersion(), h == null ? "" : h.softwareVersion(),
                h == null ? 0 : h.serverPort(), createdMillis, codec.messagesSent.sum(), codec.messagesReceived.sum(),
                codec.bytesSent.sum(), codec.bytesReceived.sum(), rtt < 0 ? OptionalLong.empty() : OptionalLong.of(rtt),
                lastReceivedMillis);
    }
}
