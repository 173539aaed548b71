package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.dig.gossip.PeerId;
import net.dig.gossip.RelayBackoff;
import net.dig.wire.Message;
import net.dig.wire.RelayFrame;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the relay (docs/decisions.md D50r): this node's registration with its relay, and every
 * session relayed through a relay, in either direction.
 *
 * <h2>What</h2>
 * A link to a relay is an ordinary dialled connection ({@link Purpose#RELAY}: mTLS, WebSocket, Chia
 * handshake) whose frames are {@link RelayFrame}s. With a {@link RelayConfig}, the node keeps one link to its
 * relay, sends {@code REGISTER}, and once {@code REGISTERED} advertises {@link RelayAddress}. Each relayed
 * session becomes a pair of in-process channels: one end copies bytes to and from {@code DATA} frames, the
 * other runs the same pipeline as a TCP connection ({@link PeerChannels}: TLS 1.3 with mutual
 * authentication, WebSocket, handshake, {@link PeerConnectionHandler}). So the peers' TLS runs end to end
 * inside the relay's; the PeerId a relayed connection is admitted under is the one its own certificate
 * proves, never one the relay names. An incoming {@code OPEN} is accepted like an inbound TCP connection
 * (admission, handshake rules, table caps); a dial through a relay completes when that handshake is
 * admitted.
 *
 * <h2>Concurrency</h2>
 * A link's sessions belong to the link's event loop; the session channels run on a small local event loop
 * group of their own and hand bytes to the link with its thread-safe send, which keeps their order. Counters
 * are atomics.
 *
 * <h2>Failure modes</h2>
 * A relay refusal is a {@link GossipError.RelayError} naming the reason ({@link RelayFrame.Reason}); a
 * frame that does not decode closes the link. When the registered link drops, its sessions close and the
 * link is dialled again after {@link RelayBackoff}'s delay, until {@code max_reconnect_attempts} failures
 * in a row. Bytes arriving for a session whose channel is not open yet wait in its queue, bounded by the
 * relay's per-peer byte budget.
 */
final class RelayTunnels {
    private static final Logger LOG = LoggerFactory.getLogger(RelayTunnels.class);
    /** The relay a relayed session's channel came through; its presence marks the connection as relayed. */
    static final AttributeKey<InetSocketAddress> VIA = AttributeKey.valueOf("dig.relay.via");
    /** Session ids this side picks; the relay picks those with the high bit set. */
    private static final int OWN_ID_LIMIT = 0x8000_0000;
    private static final AtomicLong LOCAL_NAMES = new AtomicLong();

    private final ServiceContext ctx;
    private final Dialer dialer;
    private final Dialer.ConnectionFactory factory;
    private final TlsCredentials tls;
    private final Admission admission;
    private final Optional<RelayConfig> config;
    private final Map<PeerConnectionHandler, Link> links = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Link>> dialLinks = new ConcurrentHashMap<>();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final AtomicInteger reconnectAttempts = new AtomicInteger();
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final AtomicInteger openSessions = new AtomicInteger();
    private volatile EventLoopGroup local;
    private volatile Link home;
    private volatile RelayAddress advertised;
    private final java.util.List<java.util.function.Consumer<RelayAddress>> onRegistered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long lastConnectedAt = -1;
    private volatile CompletableFuture<RelayAddress> registered = new CompletableFuture<>();

    RelayTunnels(ServiceContext ctx, Dialer dialer, Dialer.ConnectionFactory factory, TlsCredentials tls,
            Admission admission, Optional<RelayConfig> config) {
        this.ctx = ctx;
        this.dialer = dialer;
        this.factory = factory;
        this.tls = tls;
        this.admission = admission;
        this.config = config.filter(RelayConfig::enabled);
        ctx.relayInbound(this::received);
    }

    void start() {
        config.ifPresent(c -> connectHome());
    }

    void stop() {
        EventLoopGroup group = local;
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Present when a relay is configured. */
    Optional<RelayStats> stats() {
        if (config.isEmpty()) {
            return Optional.empty();
        }
        Link h = home;
        Optional<Long> rtt = h == null ? Optional.empty() : (h.connection.snapshot().avgRttMillis().isPresent() ? Optional.of(h.connection.snapshot().avgRttMillis().getAsLong()) : Optional.<Long>empty());
        return Optional.of(new RelayStats(advertised != null, messagesSent.sum(), messagesReceived.sum(), bytesSent.sum(),
                bytesReceived.sum(), reconnectAttempts.get(), lastConnectedAt < 0 ? Optional.empty() : Optional.of(lastConnectedAt),
                openSessions.get(), rtt, Optional.ofNullable(advertised)));
    }

    /**
     * Completes when this node is registered with its relay; after a drop, a fresh future for the next
     * registration. Fails with a {@link GossipError.RelayError} when the relay refuses (until the next attempt)
     * or when the attempts are exhausted.
     */
    CompletableFuture<RelayAddress> registration() {
        return registered;
    }

    /** Where this node is reached through its relay now: present while it is registered. */
    Optional<RelayAddress> advertised() {
        return Optional.ofNullable(advertised);
    }

    /** Calls {@code listener} on the link's event loop each time this node registers with its relay. */
    void onRegistered(java.util.function.Consumer<RelayAddress> listener) {
        onRegistered.add(listener);
    }

    /** Dials {@code target.peer()} through {@code target.relay()}; completes when the handshake inside is admitted. */
    CompletableFuture<PeerConnectionHandler> dial(RelayAddress target) {
        if (target.peer().equals(ctx.ownPeerId)) {
            return CompletableFuture.failedFuture(new GossipException(new GossipError.SelfConnection()));
        }
        String key = target.relay().getHostString() + ":" + target.relay().getPort();
        Link registeredLink = home;
        if (registeredLink != null && config.isPresent()
                && key.equals(config.get().address().getHostString() + ":" + config.get().address().getPort())) {
            return registeredLink.open(target.peer()); // the relay refuses a second link under our PeerId
        }
        CompletableFuture<Link> link = dialLinks.compute(key, (k, existing) ->
                existing != null && !existing.isCompletedExceptionally() && (!existing.isDone() || existing.join().connection.channel().isActive())
                        ? existing : dialer.dial(target.relay(), Purpose.RELAY).thenApply(this::linkUp));
        return link.thenCompose(l -> l.open(target.peer()));
    }

    private void connectHome() {
        RelayConfig c = config.get();
        if (registered.isCompletedExceptionally()) {
            registered = new CompletableFuture<>(); // a refusal stays visible until the next attempt
        }
        dialer.dial(c.address(), Purpose.RELAY).whenComplete((connection, error) -> {
            if (error != null) {
                LOG.warn("relay_connect_failed: cannot reach relay {}: {}", c.endpoint(), error.getMessage());
                retryHome();
                return;
            }
            Link link = linkUp(connection);
            home = link;
            connection.channel().closeFuture().addListener(f -> {
                if (home == link) {
                    if (registered.isDone() && !registered.isCompletedExceptionally()) {
                        registered = new CompletableFuture<>();
                    }
                    home = null;
                    advertised = null;
                    LOG.warn("relay_disconnected: lost relay {}", c.endpoint());
                    retryHome();
                }
            });
            send(link, new RelayFrame.Register());
        });
    }

    private void retryHome() {
        int failures = failuresInARow.incrementAndGet();
        RelayBackoff backoff = config.get().backoff();
        if (backoff.exhausted(failures) || !ctx.isRunning()) {
            if (ctx.isRunning()) {
                LOG.error("relay_given_up: {} attempts to reach relay {} failed", failures, config.get().endpoint());
                registered.completeExceptionally(new GossipException(new GossipError.RelayError(
                        "gave up after " + failures + " attempts to reach " + config.get().endpoint())));
            }
            return;
        }
        long delay = backoff.delay(failures - 1, ctx.random).toMillis();
        ctx.control().schedule(() -> {
            if (ctx.isRunning()) {
                reconnectAttempts.incrementAndGet();
                connectHome();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private Link linkUp(PeerConnectionHandler connection) {
        Link link = new Link(connection);
        links.put(connection, link);
        connection.channel().closeFuture().addListener(f -> connection.channel().eventLoop().execute(() -> {
            links.remove(connection);
            link.closeAll();
        }));
        return link;
    }

    /** A frame from a relay, on the link's event loop. */
    private void received(PeerConnectionHandler connection, Message message) {
        Link link = links.get(connection);
        if (link == null || message.type() != RelayFrame.OPCODE) {
            return;
        }
        RelayFrame frame;
        try {
            frame = RelayFrame.decode(message.data());
        } catch (WireException e) {
            LOG.warn("relay_frame_malformed: relay {} sent a bad frame: {}", link.relay, e.getMessage());
            connection.disconnect();
            return;
        }
        messagesReceived.increment();
        bytesReceived.add(message.data().length);
        switch (frame) {
            case RelayFrame.Registered r -> link.registered(r);
            case RelayFrame.Open o -> link.incoming(o);
            case RelayFrame.Data d -> link.data(d);
            case RelayFrame.Close c -> link.closed(c);
            case RelayFrame.Register r -> connection.disconnect();
        }
    }

    private CompletableFuture<Void> send(Link link, RelayFrame frame) {
        Message m = frame.toMessage();
        messagesSent.increment();
        bytesSent.add(m.data().length);
        return link.connection.send(m);
    }

    private EventLoopGroup local() {
        EventLoopGroup group = local;
        if (group == null) {
            synchronized (this) {
                if (local == null) {
                    local = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("dig-relay-sessions", true), LocalIoHandler.newFactory());
                }
                group = local;
            }
        }
        return group;
    }

    /** One connection to a relay; its state belongs to the connection's event loop. */
    private final class Link {
        final PeerConnectionHandler connection;
        final InetSocketAddress relay;
        final Map<Integer, Session> sessions = new HashMap<>();
        int nextOwn = 1;

        Link(PeerConnectionHandler connection) {
            this.connection = connection;
            this.relay = connection.remoteAddress();
        }

        void registered(RelayFrame.Registered r) {
            if (this != home) {
                return;
            }
            if (!r.accepted()) {
                LOG.warn("relay_refused_registration: relay {} refused registration: {}", relay, r.refusal());
                registered.completeExceptionally(new GossipException(new GossipError.RelayError(
                        "relay " + relay + " refused the registration: " + r.refusal())));
                connection.disconnect();
                return;
            }
            failuresInARow.set(0);
            lastConnectedAt = ctx.clock.epochSeconds();
            advertised = new RelayAddress(InetSocketAddress.createUnresolved(config.get().address().getHostString(),
                    config.get().address().getPort()), ctx.ownPeerId);
            LOG.info("relay_registered: reachable at {}", advertised);
            registered.complete(advertised);
            onRegistered.forEach(listener -> listener.accept(advertised));
        }

        CompletableFuture<PeerConnectionHandler> open(PeerId target) {
            CompletableFuture<PeerConnectionHandler> result = new CompletableFuture<>();
            connection.channel().eventLoop().execute(() -> {
                int id = nextOwn;
                nextOwn = nextOwn + 1 == OWN_ID_LIMIT ? 1 : nextOwn + 1;
                Session s = new Session(this, id, result);
                sessions.put(id, s);
                PeerConnectionHandler handler = factory.open(true, Purpose.PEER);
                handler.established().whenComplete((peer, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(handler);
                    }
                });
                s.start(ch -> PeerChannels.dialing(ch, tls.client(), ctx.config.transport(), ctx.clock, relay, handler));
                send(this, new RelayFrame.Open(id, target.value().toArray()));
            });
            return result;
        }

        void incoming(RelayFrame.Open o) {
            if (Integer.compareUnsigned(o.session(), OWN_ID_LIMIT) < 0 || sessions.containsKey(o.session())) {
                send(this, new RelayFrame.Close(o.session(), RelayFrame.Reason.UNKNOWN_SESSION));
                return;
            }
            Session s = new Session(this, o.session(), null);
            sessions.put(o.session(), s);
            s.start(ch -> PeerChannels.accepting(ch, tls.server(), ctx.config.transport(), ctx.clock, admission,
                    () -> factory.open(false, Purpose.PEER)));
        }

        void data(RelayFrame.Data d) {
            Session s = sessions.get(d.session());
            if (s != null) {
                s.deliver(d.bytes());
            }
        }

        void closed(RelayFrame.Close c) {
            Session s = sessions.remove(c.session());
            if (s != null) {
                s.end(c.reason());
            }
        }

        void closeAll() {
            for (Session s : sessions.values()) {
                s.end(RelayFrame.Reason.TARGET_GONE);
            }
            sessions.clear();
        }
    }

    /** One relayed session: its queue until the tunnel end is open, then the tunnel end itself. */
    private final class Session {
        final Link link;
        final int id;
        final CompletableFuture<PeerConnectionHandler> dialled;
        final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        Channel tunnel;
        boolean ended;

        Session(Link link, int id, CompletableFuture<PeerConnectionHandler> dialled) {
            this.link = link;
            this.id = id;
            this.dialled = dialled;
            openSessions.incrementAndGet();
        }

        /** Makes the channel pair: the peer side gets {@code peerSide}'s pipeline, this side the tunnel end. */
        void start(java.util.function.Consumer<Channel> peerSide) {
            LocalAddress address = new LocalAddress("dig-relay-" + LOCAL_NAMES.incrementAndGet());
            EventLoopGroup group = local();
            ChannelFuture bound = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            ch.attr(VIA).set(link.relay);
                            peerSide.accept(ch);
                        }
                    }).bind(address);
            bound.addListener(b -> {
                if (!b.isSuccess()) {
                    link.connection.channel().eventLoop().execute(() -> fail("cannot open a local channel: " + b.cause()));
                    return;
                }
                new Bootstrap().group(group).channel(LocalChannel.class).handler(new TunnelEnd(this)).connect(address)
                        .addListener(c -> {
                            bound.channel().close();
                            if (!c.isSuccess()) {
                                link.connection.channel().eventLoop().execute(() -> fail("cannot open a local channel: " + c.cause()));
                            }
                        });
            });
        }

        void opened(Channel ch) {
            if (ended) {
                ch.close();
                return;
            }
            tunnel = ch;
            while (!pending.isEmpty()) {
                ch.write(Unpooled.wrappedBuffer(pending.poll()));
            }
            ch.flush();
        }

        void deliver(byte[] bytes) {
            if (tunnel == null) {
                pending.add(bytes);
            } else {
                tunnel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
            }
        }

        /** The relay or the link ended the session. */
        void end(RelayFrame.Reason reason) {
            if (ended) {
                return;
            }
            ended = true;
            openSessions.decrementAndGet();
            pending.clear();
            if (dialled != null && !dialled.isDone()) {
                dialled.completeExceptionally(new GossipException(new GossipError.RelayError(
                        "relay " + link.relay + " closed the session: " + reason)));
            }
            if (tunnel != null) {
                tunnel.close();
            }
        }

        /** This side ended the session (its channel closed). */
        void tunnelClosed() {
            if (link.sessions.remove(id) != null) {
                send(link, new RelayFrame.Close(id, RelayFrame.Reason.NORMAL));
            }
            end(RelayFrame.Reason.NORMAL);
        }

        private void fail(String detail) {
            link.sessions.remove(id);
            send(link, new RelayFrame.Close(id, RelayFrame.Reason.NORMAL));
            end(RelayFrame.Reason.NORMAL);
            LOG.warn("relay_session_failed: {}", detail);
        }
    }

    /** The tunnel end of a session's channel pair: bytes to DATA frames, and the channel's life to the session. */
    private final class TunnelEnd extends ChannelInboundHandlerAdapter {
        private final Session session;

        TunnelEnd(Session session) {
            this.session = session;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            session.link.connection.channel().eventLoop().execute(() -> session.opened(ch));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (buf.isReadable()) {
                    byte[] chunk = new byte[Math.min(buf.readableBytes(), RelayFrame.MAX_DATA)];
                    buf.readBytes(chunk);
                    send(session.link, new RelayFrame.Data(session.id, chunk)).whenComplete((ok, error) -> {
                        if (error != null) {
                            ctx.close(); // a lost chunk would corrupt the TLS stream inside: end the session
                        }
                    });
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            session.link.connection.channel().eventLoop().execute(session::tunnelClosed);
            ctx.fireChannelInactive();
        }
    }
}
