package net.dig.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.dig.core.Clock;
import net.dig.gossip.CloseReason;
import net.dig.gossip.LaneAdmission;
import net.dig.gossip.MessageRules;
import net.dig.gossip.LaneConfig;
import net.dig.gossip.LaneScheduler;
import net.dig.gossip.LaneStats;
import net.dig.gossip.PeerId;
import net.dig.gossip.RateLimiter;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * One P2P connection, dialled or accepted: the last handler of the pipeline built by
 * {@link PeerChannels}, turning WebSocket frames into Chia {@link Message}s.
 *
 * <h2>What it does</h2>
 * <pre>
 *  UPGRADING --ws upgrade done--> HANDSHAKING --valid Handshake + admitted--> OPEN --close--> CLOSED
 *      \_____________ handshake timer (transport.peerHandshakeTimeout) expires: close ______/
 * </pre>
 * <ul>
 * <li>Handshake (research chia-protocol.md §1.5): the dialer sends its {@link Handshake} first; the
 *     listener reads one frame, which must be a Handshake; both validate the remote one through
 *     {@link Events#checkHandshake}. A refusal sends a WebSocket close with code 1002 and Chia's
 *     error code as the reason (e.g. {@code "110"} wrong network), and the address gets a short ban.
 *     A valid handshake is then offered to {@link Events#admit}, which refuses self connections,
 *     duplicates, banned peers and a full table. The listener replies with its Handshake only
 *     after admission; the dialer then sends RequestPeers at once (DIG listeners wait for it).</li>
 * <li>Requests: {@link #request} takes an id from this side's half ({@link RequestIds}) and
 *     completes when a frame with that id arrives, or fails after {@code transport.requestTimeout}. A
 *     reply whose type does not answer the request ({@link MessageRules#isValidReply}) fails it with
 *     {@link GossipError.UnexpectedReply} and counts as a protocol violation. A message a peer of its node
 *     type may not send ({@link MessageRules#senderAllowed}) is a protocol violation that closes the
 *     connection with {@link CloseReason#INVALID_PROTOCOL_MESSAGE}.
 *     Frames whose id matches no waiter, and frames without id, go to {@link Events#received}
 *     (never fatal, SPEC §7.2).</li>
 * <li>Rate limits: every inbound message after the handshake passes this connection's inbound
 *     {@link RateLimiter} (Chia V2 table + DIG table); a violation is reported and closes the
 *     connection, an over-rate DIG flood frame is dropped silently. Outbound messages pass the
 *     outbound limiter: over rate they are retried every second (for at most a minute) or dropped,
 *     as the limiter says.</li>
 * <li>Lanes and writability: a message that passed the outbound limiter (and every request) goes
 *     into this connection's {@link LaneScheduler} (critical / normal / bulk, byte-aware starvation
 *     guard, backpressure drops). The lanes are drained only while the channel is writable: the
 *     write-buffer water marks ({@link #WATER_MARK}, set on the channel when the handler is added)
 *     bound what sits in Netty's outbound buffer to about one high mark, and
 *     {@code channelWritabilityChanged} resumes the drain. So nothing is queued without bound
 *     (the lanes have hard bounds), and a critical message waits only for the message already below
 *     the high mark (a WebSocket message is atomic), what the starvation guard releases and what the
 *     two kernels' socket buffers hold, never for a whole bulk transfer (docs/BENCHMARKS.md,
 *     net-lanes). The socket buffers are bounded for that reason ({@link TransportSettings.SocketBuffers}):
 *     TCP has no priorities, and autotuned buffers would hold several MiB of bulk ahead of it. A drop
 *     fails the send's future ({@link GossipError.MessageRejected}); a critical message that does not
 *     fit its lane closes the connection (the peer reads too slowly), as the scheduler reports.
 *     The handshake and the first RequestPeers bypass the lanes (nothing else is queued yet).</li>
 * <li>Keepalive: {@link #onKeepaliveTick} is called by the service's timer with the injected
 *     clock's reading. It sends a WebSocket Ping every ping interval (every implementation answers
 *     Pings: aiohttp and tungstenite auto-pong) and closes the connection when nothing at all was
 *     heard for the peer timeout. The Pong's 8-byte payload is the send time, giving an RTT
 *     sample. dig-gossip uses RequestPeers for this probe; a WS Ping costs no rate-limit budget at
 *     the other end and no application traffic.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * All state belongs to the channel's event loop. {@link #send} and {@link #request} may be called
 * from any thread; they hop onto the loop. Nothing here blocks.
 *
 * <h2>Failure modes</h2>
 * Malformed frames, oversize frames, WebSocket protocol violations, rate-limit excess and keepalive
 * silence are reported to {@link Events#misbehaved} (penalties) and close the connection. Transport
 * errors (reset, TLS failure) just close it. Closing fails every pending request with
 * {@link GossipError.ChannelClosed}.
 */
final class PeerConnectionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
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

        /** An inbound message no request was waiting for. */
        void received(PeerConnectionHandler connection, Message message);

        void misbehaved(PeerConnectionHandler connection, Misbehaviour kind, String detail);

        /** The handshake failed with a Chia error code; the address deserves a short ban. */
        void handshakeRefused(InetSocketAddress remote, Refusal refusal);
    }

    private record Pending(int requestType, CompletableFuture<Message> reply, ScheduledFuture<?> timeout) {}

    private final boolean outbound;
    private final Events events;
    private final TransportSettings settings;
    private final Clock clock;
    private final WireLimits limits;
    private final RequestIds ids;
    private final RateLimiter inboundLimits = RateLimiter.inbound();
    private final RateLimiter outboundLimits;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final CompletableFuture<PeerId> established = new CompletableFuture<>();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final long createdMillis;
    private final java.util.function.Function<Channel, PeerId> peerIdOf;
    private final LaneScheduler lanes;
    /** Futures of queued messages by message identity; one instance sent twice sits twice in one FIFO lane. */
    private final Map<Message, java.util.ArrayDeque<CompletableFuture<Void>>> queued = new IdentityHashMap<>();
    private volatile LaneStats laneStats;
    private ScheduledFuture<?> delayedRelease;

    private Channel channel;
    private Phase phase = Phase.UPGRADING;
    private ScheduledFuture<?> handshakeTimer;
    private volatile PeerId peerId;
    private volatile Handshake remoteHandshake;
    private volatile InetSocketAddress remoteAddress;
    private volatile long avgRttMillis = -1;
    private long lastHeardNanos;
    private long lastPingNanos;
    private Optional<GossipError> failure = Optional.empty();

    PeerConnectionHandler(boolean outbound, Events events, TransportSettings settings, Clock clock, RateLimiter outboundLimits) {
        this(outbound, events, settings, clock, outboundLimits, ch -> new PeerId(RemotePeer.peerId(ch)));
    }

    /** With a custom way to learn the remote PeerId (tests without TLS). */
    PeerConnectionHandler(boolean outbound, Events events, TransportSettings settings, Clock clock, RateLimiter outboundLimits,
            java.util.function.Function<Channel, PeerId> peerIdOf) {
        super(true);
        this.peerIdOf = peerIdOf;
        this.outbound = outbound;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.limits = WireLimits.DEFAULT.withMaxMessageData(settings.maxFrameBytes());
        this.ids = new RequestIds(outbound);
        this.outboundLimits = outboundLimits;
        this.createdMillis = clock.millis();
        this.lanes = new LaneScheduler(LaneConfig.defaults());
        this.laneStats = lanes.stats();
    }

    // ---- lifecycle -------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        channel.config().setWriteBufferWaterMark(WATER_MARK);
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
        if (handshakeTimer == null && channel.remoteAddress() instanceof InetSocketAddress remote) {
            remoteAddress = remote;
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
        lastHeardNanos = clock.nanos();
        lastPingNanos = lastHeardNanos;
        try {
            peerId = peerIdOf.apply(ctx.channel());
        } catch (IllegalStateException e) {
            fail(new GossipError.ClientError(e.getMessage()));
            ctx.close();
            return;
        }
        if (outbound) {
            Optional<GossipError> refused = events.precheck(this);
            if (refused.isPresent()) {
                fail(refused.get());
                closeWith(ctx, 1000, "");
                return;
            }
            write(events.localHandshake().toMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        for (Pending p : pending.values()) {
            p.timeout.cancel(false);
            p.reply.completeExceptionally(new GossipException(new GossipError.ChannelClosed()));
        }
        pending.clear();
        failQueued();
        fail(new GossipError.ChannelClosed());
        if (was == Phase.OPEN) {
            events.removed(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null ? cause.getCause() : cause;
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
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        lastHeardNanos = clock.nanos();
        switch (frame) {
            case BinaryWebSocketFrame binary -> onBinary(ctx, binary.content());
            case PongWebSocketFrame pong -> onPong(pong);
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case CloseWebSocketFrame close -> {
                int code = parseCode(close.reasonText());
                fail(code == ERR_SELF_CONNECTION ? new GossipError.SelfConnection()
                        : new GossipError.HandshakeFailed(code, "peer closed with " + close.statusCode() + " " + close.reasonText()));
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "")).addListener(ChannelFutureListener.CLOSE);
            }
            default -> {
                events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION, "non-binary frame " + frame.getClass().getSimpleName());
                closeWith(ctx, 1003, "binary frames only");
            }
        }
    }

    /** Decodes the envelope copying the payload once, from the frame's buffer into the message's array. */
    private void onBinary(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf frame) {
        int length = frame.readableBytes();
        Message message;
        try {
            byte[] prefix = new byte[Math.min(length, Message.MAX_HEADER)];
            frame.getBytes(frame.readerIndex(), prefix);
            Message.Header header = Message.decodeHeader(prefix, length, limits);
            byte[] data = new byte[header.dataLength()];
            frame.getBytes(frame.readerIndex() + header.size(), data);
            message = new Message(header.type(), header.id(), data);
        } catch (WireException e) {
            if (phase == Phase.HANDSHAKING) {
                refuse(ctx, new Refusal(ERR_INVALID_HANDSHAKE, "undecodable first frame: " + e.getMessage(), INVALID_PROTOCOL_BAN_SECONDS));
            } else {
                events.misbehaved(this, Misbehaviour.MALFORMED_MESSAGE, e.getMessage());
                closeWith(ctx, CLOSE_PROTOCOL_ERROR, Integer.toString(ERR_INVALID_PROTOCOL_MESSAGE));
            }
            return;
        }
        messagesReceived.increment();
        bytesReceived.add(length);
        switch (phase) {
            case HANDSHAKING -> onHandshake(ctx, message);
            case OPEN -> onMessage(ctx, message);
            default -> { }
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, Message message) {
        if (message.type() != ChiaMessageType.HANDSHAKE.code()) {
            refuse(ctx, new Refusal(ERR_INVALID_HANDSHAKE, "first message has type " + message.type() + ", not a handshake", INVALID_PROTOCOL_BAN_SECONDS));
            return;
        }
        Handshake remote;
        try {
            remote = message.body(limits, Handshake::decode);
        } catch (WireException e) {
            refuse(ctx, new Refusal(ERR_INVALID_HANDSHAKE, "handshake does not decode: " + e.getMessage(), INVALID_PROTOCOL_BAN_SECONDS));
            return;
        }
        Optional<Refusal> refusal = events.checkHandshake(this, remote);
        if (refusal.isPresent()) {
            refuse(ctx, refusal.get());
            return;
        }
        remoteHandshake = remote;
        Optional<GossipError> refused = events.admit(this);
        if (refused.isPresent()) {
            GossipError error = refused.get();
            fail(error);
            int code = error instanceof GossipError.SelfConnection ? ERR_SELF_CONNECTION : ERR_INVALID_HANDSHAKE;
            closeWith(ctx, error instanceof GossipError.SelfConnection ? CLOSE_PROTOCOL_ERROR : 1000, Integer.toString(code));
            return;
        }
        if (!outbound) {
            write(events.localHandshake().toMessage());
        }
        phase = Phase.OPEN;
        handshakeTimer.cancel(false);
        established.complete(peerId);
        if (outbound) {
            write(new net.dig.wire.RequestPeers().toMessage());
        }
    }

    private void onMessage(ChannelHandlerContext ctx, Message message) {
        if (message.type() == ChiaMessageType.HANDSHAKE.code()) {
            events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION, "second handshake");
            closeWith(ctx, CLOSE_PROTOCOL_ERROR, Integer.toString(ERR_INVALID_PROTOCOL_MESSAGE));
            return;
        }
        RateLimiter.RateVerdict verdict = inboundLimits.check(message.type(), message.data().length, clock.millis());
        switch (verdict.action()) {
            case ALLOW -> { }
            case VIOLATION -> {
                events.misbehaved(this, Misbehaviour.RATE_LIMIT_EXCEEDED, verdict.reason());
                closeWith(ctx, 1008, "rate limited");
                return;
            }
            default -> {
                return;
            }
        }
        OptionalInt id = message.id();
        if (id.isPresent() && ids.isOurs(id.getAsInt())) {
            Pending waiter = pending.remove(id.getAsInt());
            if (waiter != null) {
                waiter.timeout.cancel(false);
                if (MessageRules.isValidReply(waiter.requestType, message.type())) {
                    waiter.reply.complete(message);
                } else {
                    events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION,
                            "type " + message.type() + " does not answer a request of type " + waiter.requestType);
                    waiter.reply.completeExceptionally(new GossipException(new GossipError.UnexpectedReply(peerId, message.type(),
                            "not an answer to type " + waiter.requestType)));
                }
                return;
            }
        }
        Handshake remote = remoteHandshake;
        Optional<NodeType> sender = NodeType.of(remote.nodeType());
        if (sender.isPresent() && !MessageRules.senderAllowed(message.type(), sender.get())) {
            events.misbehaved(this, Misbehaviour.PROTOCOL_VIOLATION,
                    "a " + sender.get() + " may not send type " + message.type());
            closeWith(ctx, CLOSE_PROTOCOL_ERROR, CloseReason.INVALID_PROTOCOL_MESSAGE.closePayload());
            return;
        }
        events.received(this, message);
    }

    private void onPong(PongWebSocketFrame pong) {
        if (pong.content().readableBytes() == Long.BYTES) {
            long sent = pong.content().getLong(pong.content().readerIndex());
            long rttMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(clock.nanos() - sent));
            avgRttMillis = avgRttMillis < 0 ? rttMillis : (avgRttMillis * 9 + rttMillis) / 10;
            events.rttSample(this, rttMillis);
        }
    }

    // ---- keepalive -------------------------------------------------------------------------

    /**
     * Runs one keepalive step; call on the event loop. Sends a Ping when {@code pingInterval} has
     * passed since the last one, closes the connection when nothing was heard for {@code timeout}.
     */
    void onKeepaliveTick(java.time.Duration pingInterval, java.time.Duration timeout) {
        if (phase != Phase.OPEN) {
            return;
        }
        long now = clock.nanos();
        if (now - lastHeardNanos >= timeout.toNanos()) {
            events.misbehaved(this, Misbehaviour.KEEPALIVE_TIMEOUT, "silent for " + timeout);
            channel.close();
            return;
        }
        if (now - lastPingNanos >= pingInterval.toNanos()) {
            lastPingNanos = now;
            channel.writeAndFlush(new PingWebSocketFrame(Unpooled.buffer(Long.BYTES).writeLong(now)));
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
        RateLimiter.RateVerdict verdict = outboundLimits.check(message.type(), message.data().length, clock.millis());
        switch (verdict.action()) {
            case ALLOW -> enqueue(message, done);
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
            RateLimiter.RateVerdict verdict = outboundLimits.check(message.type(), message.data().length, clock.millis());
            if (!verdict.allowed()) {
                reply.completeExceptionally(new GossipException(new GossipError.MessageRejected("outbound rate limit: " + verdict.reason())));
                return;
            }
            int id = ids.allocate(pending::containsKey);
            if (id < 0) {
                reply.completeExceptionally(new GossipException(new GossipError.MessageRejected("no free request id")));
                return;
            }
            ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> {
                if (pending.remove(id) != null) {
                    reply.completeExceptionally(new GossipException(new GossipError.RequestTimeout(peerId, message.type())));
                }
            }, settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            pending.put(id, new Pending(message.type(), reply, timeout));
            CompletableFuture<Void> written = new CompletableFuture<>();
            written.whenComplete((ok, error) -> {
                Pending p = error == null ? null : pending.remove(id);
                if (p != null) {
                    p.timeout.cancel(false);
                    p.reply.completeExceptionally(error);
                }
            });
            enqueue(new Message(message.type(), OptionalInt.of(id), message.data()), written);
        });
        return reply;
    }

    /** Closes with a normal close frame. Thread-safe. */
    void disconnect() {
        channel.eventLoop().execute(() -> {
            if (channel.isActive()) {
                closeWith(null, 1000, "");
            }
        });
    }

    /** Puts {@code message} into its lane and drains; {@code done} completes when it is written. On the loop. */
    private void enqueue(Message message, CompletableFuture<Void> done) {
        LaneAdmission admission = lanes.offer(message, clock.millis());
        switch (admission) {
            case QUEUED, DELAYED -> queued.computeIfAbsent(message, m -> new java.util.ArrayDeque<>(1)).add(done);
            case CRITICAL_OVERFLOW -> {
                done.completeExceptionally(new GossipException(new GossipError.MessageRejected(
                        "critical lane full: the peer reads too slowly, closing")));
                closeWith(null, 1008, "send queue full");
            }
            default -> done.completeExceptionally(new GossipException(new GossipError.MessageRejected(
                    "outbound lanes: " + admission.name().toLowerCase(java.util.Locale.ROOT))));
        }
        drain();
    }

    /** Writes from the lanes while the channel is writable; schedules the release of delayed messages. */
    private void drain() {
        boolean wrote = false;
        long now = clock.millis();
        Message next;
        while (channel.isWritable() && (next = lanes.poll(now)) != null) {
            java.util.ArrayDeque<CompletableFuture<Void>> waiting = queued.get(next);
            CompletableFuture<Void> done = waiting == null ? null : waiting.poll();
            if (waiting != null && waiting.isEmpty()) {
                queued.remove(next);
            }
            io.netty.channel.ChannelFuture written = writeUnflushed(next);
            if (done != null) {
                completeWhenWritten(written, done);
            }
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        long release = lanes.nextReleaseMillis();
        if (release != Long.MAX_VALUE && delayedRelease == null && phase != Phase.CLOSED) {
            delayedRelease = channel.eventLoop().schedule(() -> {
                delayedRelease = null;
                drain();
            }, Math.max(0, release - now), TimeUnit.MILLISECONDS);
        }
        laneStats = lanes.stats();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && phase == Phase.OPEN) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void failQueued() {
        if (delayedRelease != null) {
            delayedRelease.cancel(false);
            delayedRelease = null;
        }
        lanes.clear(); // plain byte arrays; their futures fail below
        for (java.util.ArrayDeque<CompletableFuture<Void>> waiting : queued.values()) {
            waiting.forEach(done -> done.completeExceptionally(new GossipException(new GossipError.ChannelClosed())));
        }
        queued.clear();
        laneStats = lanes.stats();
    }

    private static void completeWhenWritten(io.netty.channel.ChannelFuture written, CompletableFuture<Void> done) {
        written.addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(new GossipException(new GossipError.ChannelClosed()));
            }
        });
    }

    /** Queue depths and drops of this connection's lanes (a snapshot taken after the last change). */
    LaneStats laneStats() {
        return laneStats;
    }

    private io.netty.channel.ChannelFuture writeUnflushed(Message message) {
        return channel.write(frame(message));
    }

    private io.netty.channel.ChannelFuture write(Message message) {
        return channel.writeAndFlush(frame(message));
    }

    /** Header and payload side by side, never copied into one array (a bulk payload can be MiBs). */
    private BinaryWebSocketFrame frame(Message message) {
        messagesSent.increment();
        bytesSent.add(message.encodedSize());
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.encodeHeader(), message.data()));
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        fail(refusal.error());
        if (remoteAddress != null) {
            events.handshakeRefused(remoteAddress, refusal);
        }
        closeWith(ctx, CLOSE_PROTOCOL_ERROR, Integer.toString(refusal.chiaErrorCode()));
    }

    private void closeWith(ChannelHandlerContext ctx, int code, String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        Channel ch = ctx != null ? ctx.channel() : channel;
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

    Handshake remoteHandshake() {
        return remoteHandshake;
    }

    InetSocketAddress remoteAddress() {
        return remoteAddress;
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
        return new PeerConnection(peerId, remoteAddress, outbound,
                h == null ? 0 : h.nodeType(), h == null ? "" : h.protocolVersion(), h == null ? "" : h.softwareVersion(),
                h == null ? 0 : h.serverPort(), createdMillis, messagesSent.sum(), messagesReceived.sum(),
                bytesSent.sum(), bytesReceived.sum(), avgRttMillis < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(avgRttMillis));
    }

}
