package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.gossip.LaneConfig;
import net.dig.testkit.ManualClock;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Message;
import net.dig.wire.RequestPeers;
import net.dig.wire.WireLimits;
import org.junit.jupiter.api.Test;

/** The small handlers of a connection's pipeline, each on its own {@link EmbeddedChannel}. */
class ConnectionHandlersTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void frameCodecTurnsBinaryFramesIntoMessagesAndBack() {
        FrameCodec codec = new FrameCodec(WireLimits.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        Message m = new Message(205, OptionalInt.of(7), new byte[] {1, 2, 3});
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(m.encode())));
        assertThat((Object) ch.readInbound()).isEqualTo(m);
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, 0x09})));
        assertThat((Object) ch.readInbound()).isInstanceOf(FrameCodec.MalformedFrame.class);
        TextWebSocketFrame text = new TextWebSocketFrame("hello");
        ch.writeInbound(text);
        TextWebSocketFrame passed = ch.readInbound();
        assertThat(passed.text()).isEqualTo("hello");
        passed.release();

        ch.writeOutbound(m);
        BinaryWebSocketFrame out = ch.readOutbound();
        assertThat(ByteBufUtil.getBytes(out.content())).containsExactly(m.encode());
        out.release();
        assertThat(codec.messagesReceived.sum()).isEqualTo(1);
        assertThat(codec.messagesSent.sum()).isEqualTo(1);
        assertThat(codec.bytesSent.sum()).isEqualTo(m.encodedSize());
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void keepaliveRunsOnTheInjectedClock() {
        List<Long> rtts = new ArrayList<>();
        List<Duration> silent = new ArrayList<>();
        KeepaliveHandler keepalive = new KeepaliveHandler(clock, new KeepaliveHandler.Listener() {
            @Override
            public void rtt(long rttMillis) {
                rtts.add(rttMillis);
            }

            @Override
            public void silent(Duration timeout) {
                silent.add(timeout);
            }
        });
        EmbeddedChannel ch = new EmbeddedChannel(keepalive);
        Duration interval = Duration.ofSeconds(30);
        Duration timeout = Duration.ofSeconds(90);
        keepalive.tick(interval, timeout);
        assertThat((Object) ch.readOutbound()).as("not started: no ping").isNull();
        keepalive.start();
        clock.advance(interval);
        keepalive.tick(interval, timeout);
        PingWebSocketFrame ping = ch.readOutbound();
        clock.advance(Duration.ofMillis(7));
        ch.writeInbound(new PongWebSocketFrame(ping.content()));
        assertThat(rtts).containsExactly(7L);
        assertThat(keepalive.avgRttMillis()).isEqualTo(7);
        assertThat((Object) ch.readInbound()).as("the pong is consumed").isNull();

        ch.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {4})));
        PongWebSocketFrame pong = ch.readOutbound();
        assertThat(ByteBufUtil.getBytes(pong.content())).containsExactly(4);
        pong.release();

        clock.advance(timeout);
        keepalive.tick(interval, timeout);
        assertThat(silent).containsExactly(timeout);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void inboundRateLimitsPassAllowedMessagesAndReportAViolation() {
        List<String> violations = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new InboundRateLimitHandler(clock, violations::add));
        Message requestPeers = new RequestPeers().toMessage();
        int passed = 0;
        for (int i = 0; i < 12; i++) {
            ch.writeInbound(requestPeers);
            if (ch.readInbound() != null) {
                passed++;
            }
        }
        assertThat(passed).as("RequestPeers: 10 per minute").isEqualTo(10);
        assertThat(violations).as("the first violation is reported; what follows it is dropped unseen").hasSize(1);
        ch.writeInbound("not a message");
        assertThat((Object) ch.readInbound()).isEqualTo("not a message");
    }

    @Test
    void theCorrelatorMatchesRepliesChecksTheirTypeAndTimesOut() {
        List<String> wrong = new ArrayList<>();
        RequestCorrelator requests = new RequestCorrelator(true, Duration.ofSeconds(30), wrong::add);
        EmbeddedChannel ch = new EmbeddedChannel(requests);
        requests.peer(PeerConnectionHandlerTest.REMOTE);
        CompletableFuture<Message> peers = new CompletableFuture<>();
        Message sent = requests.open(new RequestPeers().toMessage(), peers);
        int id = sent.id().getAsInt();
        ch.writeInbound(new Message(ChiaMessageType.RESPOND_PEERS_INTRODUCER.code(), OptionalInt.of(id), new byte[0]));
        assertThat(peers).isCompletedExceptionally();
        assertThat(peers.exceptionNow()).isInstanceOfSatisfying(GossipException.class,
                e -> assertThat(e.error()).isInstanceOf(GossipError.UnexpectedReply.class));
        assertThat(wrong).hasSize(1);

        CompletableFuture<Message> status = new CompletableFuture<>();
        int id2 = requests.open(Message.of(205, new byte[0]), status).id().getAsInt();
        ch.writeInbound(new Message(206, OptionalInt.of(id2 + 1), new byte[0]));
        assertThat(((Message) ch.readInbound()).type()).as("no waiter: passed on").isEqualTo(206);
        ch.writeInbound(new Message(206, OptionalInt.of(id2), new byte[0]));
        assertThat(status).isCompletedWithValue(new Message(206, OptionalInt.of(id2), new byte[0]));

        CompletableFuture<Message> slow = new CompletableFuture<>();
        requests.open(Message.of(205, new byte[0]), slow);
        ch.advanceTimeBy(31, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(slow.exceptionNow()).isInstanceOfSatisfying(GossipException.class,
                e -> assertThat(e.error()).isInstanceOf(GossipError.RequestTimeout.class));

        CompletableFuture<Message> open = new CompletableFuture<>();
        requests.open(Message.of(205, new byte[0]), open);
        ch.close();
        assertThat(open.exceptionNow()).isInstanceOfSatisfying(GossipException.class,
                e -> assertThat(e.error()).isInstanceOf(GossipError.ChannelClosed.class));
    }

    @Test
    void theLaneWriterHoldsMessagesWhileUnwritableAndCompletesEachPromiseWhenWritten() {
        List<Boolean> overflows = new ArrayList<>();
        LaneWriter lanes = new LaneWriter(clock, LaneConfig.defaults(), () -> overflows.add(true));
        EmbeddedChannel ch = new EmbeddedChannel(lanes);
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        Message bulk = Message.of(ChiaMessageType.RESPOND_BLOCKS.code(), new byte[100]);
        Message critical = Message.of(ChiaMessageType.RESPOND_BLOCK.code(), new byte[] {1});
        ChannelPromise bulkWritten = ch.newPromise();
        ChannelPromise criticalWritten = ch.newPromise();
        ch.write(bulk, bulkWritten);
        ch.write(critical, criticalWritten);
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(lanes.stats().depth()).isEqualTo(2);
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).isEqualTo(critical);
        assertThat((Object) ch.readOutbound()).isEqualTo(bulk);
        assertThat(bulkWritten.isSuccess() && criticalWritten.isSuccess()).isTrue();
        assertThat(overflows).isEmpty();

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ChannelPromise queued = ch.newPromise();
        ch.write(bulk, queued);
        ch.close();
        assertThat(queued.cause()).isInstanceOfSatisfying(GossipException.class,
                e -> assertThat(e.error()).isInstanceOf(GossipError.ChannelClosed.class));
    }

    @Test
    void theHandshakeHandlerRemovesItselfOnceTheConnectionIsAdmitted() {
        PeerConnectionHandler connection = new PeerConnectionHandler(true, new PeerConnectionHandlerTest.RecordingEvents(),
                TransportSettings.defaults(), clock, net.dig.gossip.RateLimiter.outbound(), c -> PeerConnectionHandlerTest.REMOTE);
        EmbeddedChannel ch = new EmbeddedChannel(connection);
        assertThat(ch.pipeline().names()).containsSubsequence("frame-codec", "keepalive", "lanes", "handshake", "rate-limit", "requests");
        ch.pipeline().fireUserEventTriggered(
                io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        release(ch.readOutbound());
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(RawPeer.handshake(PeerConnectionHandlerTest.NETWORK).toMessage().encode())));
        assertThat(connection.phase()).isEqualTo(PeerConnectionHandler.Phase.OPEN);
        assertThat(ch.pipeline().get(HandshakeHandler.class)).isNull();
        assertThat(ch.pipeline().names()).contains("rate-limit", "requests");
        release(ch.readOutbound());
        ch.finishAndReleaseAll();
    }

    private static void release(Object frame) {
        io.netty.util.ReferenceCountUtil.release(frame);
    }
}
