package net.dig.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import net.dig.wire.Message;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * One binary WebSocket frame is one Chia {@link Message} (docs/formats/wire.md):
 * <pre>
 *  inbound   BinaryWebSocketFrame --decode--> Message, or MalformedFrame(detail) when the envelope is bad
 *            any other frame (ping, pong, close, text) --> passed on unchanged
 *  outbound  Message --encode--> BinaryWebSocketFrame(header ++ data), the payload never copied
 * </pre>
 * Decoding copies the payload once, from the frame's buffer into the message's array. Counts messages and
 * bytes in each direction for the connection's statistics. Belongs to one channel's event loop; the
 * counters are readable from any thread.
 */
final class FrameCodec extends MessageToMessageCodec<WebSocketFrame, Message> {
    /** A binary frame whose envelope does not decode; the next handlers decide what it costs. */
    record MalformedFrame(String detail) {}

    private final WireLimits limits;
    final LongAdder messagesSent = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();

    FrameCodec(WireLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (!(frame instanceof BinaryWebSocketFrame)) {
            out.add(frame.retain());
            return;
        }
        ByteBuf content = frame.content();
        int length = content.readableBytes();
        try {
            byte[] prefix = new byte[Math.min(length, Message.MAX_HEADER)];
            content.getBytes(content.readerIndex(), prefix);
            Message.Header header = Message.decodeHeader(prefix, length, limits);
            byte[] data = new byte[header.dataLength()];
            content.getBytes(content.readerIndex() + header.size(), data);
            messagesReceived.increment();
            bytesReceived.add(length);
            out.add(new Message(header.type(), header.id(), data));
        } catch (WireException e) {
            out.add(new MalformedFrame(e.getMessage()));
        }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
        messagesSent.increment();
        bytesSent.add(message.encodedSize());
        out.add(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.encodeHeader(), message.data())));
    }
}
