package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import net.dig.core.Bytes32;
import net.dig.gossip.PeerId;
import net.dig.gossip.RateLimiter;
import net.dig.testkit.ManualClock;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.RequestPeers;
import net.dig.wire.WireLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection handler on an {@link EmbeddedChannel}: no sockets, manual time, every ByteBuf accounted for. */
class PeerConnectionHandlerTest {
    static final PeerId REMOTE = new PeerId(Bytes32.fromHex("ab".repeat(32)));
    static final String NETWORK = "11".repeat(32);

    private final ManualClock clock = new ManualClock();
    private final RecordingEvents events = new RecordingEvents();
    private final List<ByteBuf> inboundBuffers = new ArrayList<>();
    private EmbeddedChannel channel;
    private PeerConnectionHandler handler;

    @BeforeEach
    void open() {
        handler = new PeerConnectionHandler(true, events, TransportSettings.defaults(), clock, RateLimiter.outbound(), ch -> REMOTE);
        channel = new EmbeddedChannel(handler);
    }

    @AfterEach
    void allBuffersReleased() {
        channel.finishAndReleaseAll();
        for (ByteBuf buf : inboundBuffers) {
            assertThat(buf.refCnt()).as("inbound frame released").isZero();
        }
    }

    private void writeInbound(WebSocketFrame frame) {
        inboundBuffers.add(frame.content());
        channel.writeInbound(frame);
    }

    private void writeInbound(Message message) {
        writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.encode())));
    }

    private Message readOutboundMessage() {
        WebSocketFrame frame = channel.readOutbound();
        assertThat(frame).isInstanceOf(BinaryWebSocketFrame.class);
        try {
            return Message.decode(ByteBufUtil.getBytes(frame.content()), WireLimits.DEFAULT);
        } finally {
            frame.release();
            assertThat(frame.refCnt()).isZero();
        }
    }

    private void completeHandshake() {
        channel.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        Message ours = readOutboundMessage();
        assertThat(ours.type()).isEqualTo(ChiaMessageType.HANDSHAKE.code());
        assertThat(ours.id()).isEmpty();
        writeInbound(RawPeer.handshake(NETWORK).toMessage());
        assertThat(readOutboundMessage()).as("dialer sends RequestPeers right after the handshake")
                .isEqualTo(new RequestPeers().toMessage());
        assertThat(handler.established()).isCompletedWithValue(REMOTE);
    }

    @Test
    void dialerHandshakesThenRequestsPeers() {
        completeHandshake();
        assertThat(handler.phase()).isEqualTo(PeerConnectionHandler.Phase.OPEN);
        assertThat(events.admitted).containsExactly(REMOTE);
    }

    @Test
    void refusedHandshakeClosesWith1002AndTheChiaCode() {
        events.refusal = Optional.of(new PeerConnectionHandler.Refusal(110, "wrong network", 10));
        channel.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        readOutboundMessage();
        writeInbound(RawPeer.handshake("ff".repeat(32)).toMessage());
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1002);
        assertThat(close.reasonText()).isEqualTo("110");
        close.release();
        assertThat(handler.established()).isCompletedExceptionally();
        assertThat(events.admitted).isEmpty();
    }

    @Test
    void repliesAreMatchedByIdAndUnmatchedIdsGoToTheApplication() {
        completeHandshake();
        CompletableFuture<Message> reply = handler.request(Message.of(205, new byte[] {1}));
        channel.runPendingTasks();
        Message sent = readOutboundMessage();
        int id = sent.id().orElseThrow();
        assertThat(id).isBetween(0, RequestIds.HALF - 1);

        writeInbound(new Message(206, OptionalInt.of(40_000), new byte[] {2}));
        assertThat(reply).isNotDone();
        assertThat(events.received).extracting(Message::type).containsExactly(206);

        writeInbound(new Message(206, OptionalInt.of(id), new byte[] {3}));
        assertThat(reply).isCompletedWithValue(new Message(206, OptionalInt.of(id), new byte[] {3}));
        assertThat(events.received).hasSize(1);
    }

    @Test
    void requestTimesOutOnTheEventLoopClock() throws Exception {
        completeHandshake();
        CompletableFuture<Message> reply = handler.request(Message.of(205, new byte[0]));
        channel.runPendingTasks();
        readOutboundMessage();
        channel.advanceTimeBy(31, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(reply).isCompletedExceptionally();
        assertThat(reply.exceptionNow()).isInstanceOfSatisfying(GossipException.class,
                e -> assertThat(e.error()).isInstanceOf(GossipError.RequestTimeout.class));
    }

    @Test
    void garbageAfterTheHandshakeIsPenalisedAndCloses() {
        completeHandshake();
        writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, 0x09})));
        assertThat(events.misbehaviour).containsExactly(Misbehaviour.MALFORMED_MESSAGE);
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1002);
        close.release();
    }

    @Test
    void keepalivePingsOnScheduleMeasuresRttAndDropsSilentPeers() {
        completeHandshake();
        Duration interval = Duration.ofSeconds(30);
        Duration timeout = Duration.ofSeconds(90);

        handler.onKeepaliveTick(interval, timeout);
        assertThat((Object) channel.readOutbound()).as("nothing due yet").isNull();

        clock.advance(Duration.ofSeconds(30));
        handler.onKeepaliveTick(interval, timeout);
        PingWebSocketFrame ping = channel.readOutbound();
        long sentAt = ping.content().getLong(0);
        clock.advance(Duration.ofMillis(42));
        writeInbound(new PongWebSocketFrame(ping.content()));
        assertThat(events.rtts).containsExactly(42L);
        assertThat(handler.snapshot().avgRttMillis()).hasValue(42);
        assertThat(sentAt).isEqualTo(clock.nanos() - Duration.ofMillis(42).toNanos());

        clock.advance(Duration.ofSeconds(90));
        handler.onKeepaliveTick(interval, timeout);
        assertThat(events.misbehaviour).containsExactly(Misbehaviour.KEEPALIVE_TIMEOUT);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void oversizeSendIsRefusedWithoutWriting() {
        completeHandshake();
        CompletableFuture<Void> sent = handler.send(Message.of(200, new byte[TransportSettings.DEFAULT_MAX_FRAME_BYTES]));
        assertThat(sent).isCompletedExceptionally();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    private void setWritable(boolean writable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        channel.runPendingTasks();
    }

    @Test
    void nothingIsWrittenWhileUnwritableThenCriticalGoesBeforeNormalBeforeBulk() {
        completeHandshake();
        setWritable(false);
        Message bulk = Message.of(ChiaMessageType.RESPOND_BLOCKS.code(), new byte[200_000]);
        Message normal = Message.of(ChiaMessageType.NEW_TRANSACTION.code(), new byte[] {7});
        Message critical = Message.of(ChiaMessageType.RESPOND_BLOCK.code(), new byte[] {9});
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(handler.send(bulk));
        }
        sent.add(handler.send(normal));
        sent.add(handler.send(critical));
        channel.runPendingTasks();
        assertThat((Object) channel.readOutbound()).as("nothing below Netty while unwritable").isNull();
        assertThat(handler.laneStats().criticalDepth()).isEqualTo(1);
        assertThat(handler.laneStats().normalDepth()).isEqualTo(1);
        assertThat(handler.laneStats().bulkDepth()).isEqualTo(5);
        assertThat(sent).noneMatch(CompletableFuture::isDone);

        setWritable(true);
        assertThat(readOutboundMessage()).isEqualTo(critical);
        assertThat(readOutboundMessage()).isEqualTo(normal);
        for (int i = 0; i < 5; i++) {
            assertThat(readOutboundMessage()).isEqualTo(bulk);
        }
        assertThat(sent).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(handler.laneStats().depth()).isZero();
        assertThat(handler.laneStats().sentBulk()).isEqualTo(5);
    }

    @Test
    void aDrainStopsWhenTheChannelTurnsUnwritableAndResumesOnWritabilityChange() {
        completeHandshake();
        Message bulk = Message.of(ChiaMessageType.RESPOND_BLOCKS.code(), new byte[40_000]);
        Message critical = Message.of(ChiaMessageType.RESPOND_BLOCK.code(), new byte[] {9});
        setWritable(false);
        for (int i = 0; i < 3; i++) {
            handler.send(bulk);
        }
        channel.runPendingTasks();
        // The peer drains one bulk message, then the socket backs up again while a critical one arrives.
        channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                ctx.write(msg, promise);
                ctx.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            }
        });
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();
        channel.flushOutbound();
        assertThat(readOutboundMessage()).isEqualTo(bulk);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(handler.laneStats().bulkDepth()).isEqualTo(2);
        handler.send(critical);
        channel.runPendingTasks();
        setWritable(true);
        channel.flushOutbound();
        assertThat(readOutboundMessage()).as("the critical message overtakes the waiting bulk").isEqualTo(critical);
    }

    @Test
    void queuedMessagesFailWhenTheConnectionClosesAndLeakNothing() {
        completeHandshake();
        setWritable(false);
        CompletableFuture<Void> sent = handler.send(Message.of(ChiaMessageType.RESPOND_BLOCKS.code(), new byte[1000]));
        CompletableFuture<Message> reply = handler.request(Message.of(ChiaMessageType.REQUEST_TRANSACTION.code(), new byte[32]));
        channel.runPendingTasks();
        channel.close();
        channel.runPendingTasks();
        assertThat(sent).isCompletedExceptionally();
        assertThat(reply).isCompletedExceptionally();
        assertThat(handler.laneStats().depth()).isZero();
    }

    @Test
    void criticalOverflowClosesTheConnection() {
        completeHandshake();
        setWritable(false);
        Message critical = Message.of(ChiaMessageType.RESPOND_BLOCK.code(), new byte[] {9});
        CompletableFuture<Void> last = null;
        for (int i = 0; i <= net.dig.gossip.LaneConfig.defaults().maxMessagesPerLane(); i++) {
            last = handler.send(critical);
        }
        channel.runPendingTasks();
        assertThat(last).isCompletedExceptionally();
        assertThat(handler.laneStats().criticalOverflows()).isEqualTo(1);
        channel.runPendingTasks();
        assertThat(channel.isActive()).isFalse();
    }

    static final class RecordingEvents implements PeerConnectionHandler.Events {
        final List<PeerId> admitted = new ArrayList<>();
        final List<Message> received = new ArrayList<>();
        final List<Misbehaviour> misbehaviour = new ArrayList<>();
        final List<Long> rtts = new ArrayList<>();
        Optional<PeerConnectionHandler.Refusal> refusal = Optional.empty();

        @Override
        public Handshake localHandshake() {
            return RawPeer.handshake(NETWORK);
        }

        @Override
        public Optional<PeerConnectionHandler.Refusal> checkHandshake(PeerConnectionHandler connection, Handshake remote) {
            return refusal;
        }

        @Override
        public Optional<GossipError> precheck(PeerConnectionHandler connection) {
            return Optional.empty();
        }

        @Override
        public void rttSample(PeerConnectionHandler connection, long rttMillis) {
            rtts.add(rttMillis);
        }

        @Override
        public Optional<GossipError> admit(PeerConnectionHandler connection) {
            admitted.add(connection.peerId());
            return Optional.empty();
        }

        @Override
        public void removed(PeerConnectionHandler connection) {}

        @Override
        public void received(PeerConnectionHandler connection, Message message) {
            received.add(message);
        }

        @Override
        public void misbehaved(PeerConnectionHandler connection, Misbehaviour kind, String detail) {
            misbehaviour.add(kind);
        }

        @Override
        public void handshakeRefused(InetSocketAddress remote, PeerConnectionHandler.Refusal refusal) {}
    }
}
