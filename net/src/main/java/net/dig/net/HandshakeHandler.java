package net.dig.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Optional;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * The Chia handshake of one connection (docs/formats/wire.md), and nothing after it: it takes the
 * first message after the WebSocket upgrade, which must be a {@link Handshake}; checks it through
 * {@link PeerConnectionHandler.Events#checkHandshake} and offers the connection to
 * {@link PeerConnectionHandler.Events#admit}; the listener answers with its own Handshake only after
 * admission. Then it removes itself from the pipeline, so later messages never pass it.
 *
 * <p>A refusal (not a handshake, does not decode, rejected by the rules) closes with 1002 and Chia's error
 * code and gives the address a short ban; a refused admission closes with 1000 (1002 for ourselves). A
 * message before the upgrade finished is dropped.
 *
 * <p>Belongs to the channel's event loop.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private final PeerConnectionHandler connection;
    private final WireLimits limits;

    HandshakeHandler(PeerConnectionHandler connection, WireLimits limits) {
        this.connection = connection;
        this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Message) && !(msg instanceof FrameCodec.MalformedFrame)) {
            ctx.fireChannelRead(msg); // WebSocket control frames, for the connection handler
            return;
        }
        if (connection.phase() != PeerConnectionHandler.Phase.HANDSHAKING) {
            return;
        }
        switch (msg) {
            case Message message -> onFirstMessage(ctx, message);
            case FrameCodec.MalformedFrame bad -> connection.refuse(new PeerConnectionHandler.Refusal(
                    PeerConnectionHandler.ERR_INVALID_HANDSHAKE, "undecodable first frame: " + bad.detail(),
                    PeerConnectionHandler.INVALID_PROTOCOL_BAN_SECONDS));
            default -> throw new IllegalStateException("unreachable");
        }
    }

    private void onFirstMessage(ChannelHandlerContext ctx, Message message) {
        if (message.type() != ChiaMessageType.HANDSHAKE.code()) {
            connection.refuse(new PeerConnectionHandler.Refusal(PeerConnectionHandler.ERR_INVALID_HANDSHAKE,
                    "first message has type " + message.type() + ", not a handshake", PeerConnectionHandler.INVALID_PROTOCOL_BAN_SECONDS));
            return;
        }
        Handshake remote;
        try {
            remote = message.body(limits, Handshake::decode);
        } catch (WireException e) {
            connection.refuse(new PeerConnectionHandler.Refusal(PeerConnectionHandler.ERR_INVALID_HANDSHAKE,
                    "handshake does not decode: " + e.getMessage(), PeerConnectionHandler.INVALID_PROTOCOL_BAN_SECONDS));
            return;
        }
        Optional<PeerConnectionHandler.Refusal> refusal = connection.events().checkHandshake(connection, remote);
        if (refusal.isPresent()) {
            connection.refuse(refusal.get());
            return;
        }
        connection.remoteHandshake(remote);
        Optional<GossipError> refused = connection.events().admit(connection);
        if (refused.isPresent()) {
            connection.refuseAdmission(refused.get());
            return;
        }
        if (!connection.isOutbound()) {
            connection.writeDirect(connection.events().localHandshake().toMessage());
        }
        ctx.pipeline().remove(this);
        connection.opened();
    }
}
