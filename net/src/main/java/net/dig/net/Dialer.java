package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
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
 * <h2>Tor</h2>
 * With {@link GossipConfig#tor()} set, a dial the {@link TorConfig} routes (every dial, or only onions) goes
 * through its SOCKS5 proxy ({@code socks} first in the pipeline, before TLS): the target is passed to the
 * proxy unresolved when it is a name (SOCKS5 domain-name address), and Netty's resolver is disabled for the
 * channel, so neither the JDK nor Netty looks the name up locally. The connection's remote address is then
 * the target, not the proxy. Without a proxy an onion target is refused.
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
 * {@link GossipError.ConnectionFiltered}, an onion without a proxy {@link GossipError.ConnectionFiltered}, a full
 * table {@link GossipError.MaxConnectionsReached}; a proxy that refuses or cannot reach the target a
 * {@link GossipError.ClientError} naming the proxy's reply.
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
    private final TlsCredentials tls;
    private final ConnectionFactory factory;

    Dialer(ServiceContext ctx, PeerTable peers, Reputations reputations, TlsCredentials tls, ConnectionFactory factory) {
        this.ctx = ctx;
        this.peers = peers;
        this.reputations = reputations;
        this.tls = tls;
        this.factory = factory;
    }

    CompletableFuture<PeerConnectionHandler> dial(InetSocketAddress target, Purpose purpose) {
        if (!ctx.isRunning()) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.ServiceNotStarted()));
        }
        java.util.Optional<TorConfig> tor = ctx.config.tor();
        if (tor.isEmpty() && TorConfig.isOnion(target)) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.ConnectionFiltered(
                    target.getHostString() + " is an onion service and network.tor is not configured")));
        }
        if (tor.isPresent() && tor.get().proxies(target)) {
            return proxyAddress(tor.get()).thenCompose(proxy -> dialChecked(target, purpose, proxy));
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

    /** The proxy's socket address; a proxy given by name is resolved off the loops (it is local, not a peer). */
    private CompletableFuture<InetSocketAddress> proxyAddress(TorConfig tor) {
        InetSocketAddress proxy = tor.socksProxy();
        if (!proxy.isUnresolved()) {
            return CompletableFuture.completedFuture(proxy);
        }
        return CompletableFuture.supplyAsync(() -> resolve(proxy), ctx.blocking)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    private CompletableFuture<PeerConnectionHandler> dialResolved(InetSocketAddress resolved, Purpose purpose) {
        return dialChecked(resolved, purpose, null);
    }

    /**
     * Dials {@code target} directly ({@code proxy} null; {@code target} resolved) or through the SOCKS5 proxy,
     * which gets {@code target} as it is: a name stays a name, resolved by the proxy (no local DNS).
     */
    private CompletableFuture<PeerConnectionHandler> dialChecked(InetSocketAddress target, Purpose purpose,
            InetSocketAddress proxy) {
        CompletableFuture<PeerConnectionHandler> result = new CompletableFuture<>();
        InetSocketAddress resolved = target;
        if (!target.isUnresolved() && isOwnAddress(target)) {
            result.completeExceptionally(new GossipException(new GossipError.SelfConnection()));
            return result;
        }
        String host = target.isUnresolved() ? target.getHostString() : target.getAddress().getHostAddress();
        if (reputations.isIpBanned(host)) {
            result.completeExceptionally(new GossipException(new GossipError.ConnectionFiltered(host + " is banned")));
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
        Socks5ProxyHandler[] socksHandler = new Socks5ProxyHandler[1];
        Bootstrap bootstrap = new Bootstrap().group(ctx.ioGroup()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) transport.tlsHandshakeTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (proxy != null) {
                            Socks5ProxyHandler socks = new Socks5ProxyHandler(proxy);
                            socks.setConnectTimeoutMillis(transport.tlsHandshakeTimeout().toMillis());
                            socksHandler[0] = socks;
                            ch.pipeline().addLast("socks", socks);
                        }
                        PeerChannels.dialing(ch, tls.client(), transport, ctx.clock, resolved, handler);
                    }
                });
        if (proxy != null) {
            bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
            handler.proxiedTo(target);
        }
        ChannelFuture connect = bootstrap.connect(resolved);
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
            if (error != null && socksHandler[0] != null) {
                // the TLS handshake's writes fail first when the proxy gives up; its reason follows
                socksHandler[0].connectFuture().addListener(f -> result.completeExceptionally(
                        proxyFailure(socksHandler[0], target).orElse(error)));
            } else if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(handler);
            }
        });
        return result;
    }

    /** The proxy's refusal, when the connection failed because the proxy did not reach {@code target}. */
    private static java.util.Optional<Throwable> proxyFailure(Socks5ProxyHandler socks, InetSocketAddress target) {
        if (socks == null || !socks.connectFuture().isDone() || socks.connectFuture().isSuccess()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new GossipException(new GossipError.ClientError("SOCKS5 proxy " + socks.proxyAddress()
                + " did not connect to " + target.getHostString() + ":" + target.getPort() + ": "
                + socks.connectFuture().cause().getMessage())));
    }

    /** True when {@code target} is this node's own listener. */
    boolean isOwnAddress(InetSocketAddress target) {
        if (target.getPort() != ctx.listenPort() || target.isUnresolved()) {
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
