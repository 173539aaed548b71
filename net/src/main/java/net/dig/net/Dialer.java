package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Opens outbound connections: resolves a name off the event loops, refuses ourselves, banned addresses
 * and a full table, then connects and completes when the connection's handshake is admitted.
 *
 * <h2>Concurrency</h2>
 * Callable from any thread, including event loops: a target given by name (an introducer URL, a DNS
 * seed) is resolved on {@link ServiceContext#blocking}, never on the calling thread, and the connect
 * continues from there. A resolved target is dialled from the calling thread (Netty's connect does not
 * block).
 *
 * <h2>Failure modes</h2>
 * Every refusal is a failed future with a {@link GossipError}: a name that does not resolve is a
 * {@link GossipError.ClientError}, ourselves {@link GossipError.SelfConnection}, a banned IP
 * {@link GossipError.ConnectionFiltered}, a full table {@link GossipError.MaxConnectionsReached}.
 */
final class Dialer {
    /** Makes the connection handler of a new link (and tracks it in the peer table). */
    @FunctionalInterface
    interface ConnectionFactory {
        PeerConnectionHandler open(boolean outbound, Purpose purpose);
    }

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final Reputations reputations;
    private final SslContext clientTls;
    private final ConnectionFactory factory;

    Dialer(ServiceContext ctx, PeerTable peers, Reputations reputations, SslContext clientTls, ConnectionFactory factory) {
        this.ctx = ctx;
        this.peers = peers;
        this.reputations = reputations;
        this.clientTls = clientTls;
        this.factory = factory;
    }

    CompletableFuture<PeerConnectionHandler> dial(InetSocketAddress target, Purpose purpose) {
        if (!ctx.isRunning()) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.ServiceNotStarted()));
        }
        if (!target.isUnresolved()) {
            return dialResolved(target, purpose);
        }
        return CompletableFuture.supplyAsync(() -> resolve(target), ctx.blocking)
                .thenCompose(resolved -> dialResolved(resolved, purpose))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    /** Blocking name resolution; runs on the blocking executor. */
    static InetSocketAddress resolve(InetSocketAddress target) {
        EventLoopBlocking.check("resolve " + target.getHostString());
        try {
            return new InetSocketAddress(InetAddress.getByName(target.getHostString()), target.getPort());
        } catch (UnknownHostException e) {
            throw new GossipException(new GossipError.ClientError("cannot resolve " + target.getHostString()));
        }
    }

    private CompletableFuture<PeerConnectionHandler> dialResolved(InetSocketAddress resolved, Purpose purpose) {
        CompletableFuture<PeerConnectionHandler> result = new CompletableFuture<>();
        if (isOwnAddress(resolved)) {
            result.completeExceptionally(new GossipException(new GossipError.SelfConnection()));
            return result;
        }
        if (reputations.isIpBanned(resolved.getAddress().getHostAddress())) {
            result.completeExceptionally(new GossipException(new GossipError.ConnectionFiltered(
                    resolved.getAddress().getHostAddress() + " is banned")));
            return result;
        }
        int max = ctx.config.maxConnections();
        if (purpose == Purpose.PEER && peers.size() + peers.pendingDials() >= max) {
            result.completeExceptionally(new GossipException(new GossipError.MaxConnectionsReached(max)));
            return result;
        }
        if (purpose == Purpose.PEER) {
            peers.dialStarted();
        }
        PeerConnectionHandler handler = factory.open(true, purpose);
        TransportSettings transport = ctx.config.transport();
        ChannelFuture connect = new Bootstrap().group(ctx.ioGroup()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) transport.tlsHandshakeTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PeerChannels.dialing(ch, clientTls, transport, ctx.clock, resolved, handler);
                    }
                })
                .connect(resolved);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                handler.release();
                if (purpose == Purpose.PEER) {
                    peers.dialEnded();
                }
                result.completeExceptionally(new GossipException(new GossipError.ClientError(
                        "cannot connect to " + resolved + ": " + f.cause().getMessage())));
            }
        });
        handler.established().whenComplete((peer, error) -> {
            if (connect.isSuccess() && purpose == Purpose.PEER) {
                peers.dialEnded();
            }
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(handler);
            }
        });
        return result;
    }

    /** True when {@code target} is this node's own listener. */
    boolean isOwnAddress(InetSocketAddress target) {
        if (target.getPort() != ctx.listenPort()) {
            return false;
        }
        InetAddress bound = ctx.config.listenAddr().getAddress();
        InetAddress address = target.getAddress();
        return address.equals(bound) || (bound.isAnyLocalAddress() && (address.isLoopbackAddress() || isLocalInterface(address)));
    }

    private static boolean isLocalInterface(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
