package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.gossip.IntroducerBook;
import net.dig.gossip.PeerAddress;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.DigMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.RegisterAck;
import net.dig.wire.RegisterPeer;
import net.dig.wire.RespondPeersIntroducer;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * The introducer: a P2P listener that tells new nodes where other nodes are (docs/formats/wire.md).
 *
 * <h2>What</h2>
 * A {@link GossipService} (same TLS, WebSocket, handshake, bans, rate limits) that makes no outbound
 * connections, plus dig-gossip's {@link IntroducerBook}, which holds the policy: who is remembered
 * (inbound full nodes' {@code (ip, server_port)}, and {@code RegisterPeer} (218) registrations),
 * who is due for vetting, and what {@code RequestPeersIntroducer} (63) is answered with (at most 20
 * recent, vetted peers other than the asker, timestamps 0). This class does the I/O: it answers 63
 * with {@code RespondPeersIntroducer} (64) and 218 with {@code RegisterAck} (219), echoing the
 * request id, and vets each due peer with a plain TCP connect (3 s timeout) every
 * {@code vetInterval} (Chia: 60 s) and right after a new peer arrives.
 *
 * <p>A registration with an empty or unspecified {@code ip} means "the address you see me at".
 * The introducer answers the handshake as a FULL_NODE: dig-gossip's introducer client refuses any
 * other node type (§2.6); Chia's full node does not check it.
 *
 * <h2>Concurrency</h2>
 * The book is not thread-safe; it lives on the service's control loop, and connection loops reach
 * it with {@code execute}. Vetting connects are asynchronous. Nothing blocks.
 */
public final class IntroducerServer implements AutoCloseable {
    private static final int VET_TIMEOUT_MILLIS = 3000;

    private final GossipService service;
    private final Clock clock;
    private final Duration vetInterval;
    private final IntroducerBook book;
    private volatile int known;

    /**
     * @param config      listener, network id, TLS; {@code target_outbound_count} is forced to 0.
     *                    Loopback and private addresses are accepted only on {@link GossipConfig.Network#LOCAL}.
     * @param vetInterval how often due peers are vetted (Chia: 60 s)
     */
    public IntroducerServer(GossipConfig config, Duration vetInterval, Clock clock, RandomGenerator random) {
        this.service = new GossipService(config.toBuilder().targetOutboundCount(0).build(), clock, random);
        this.clock = clock;
        this.vetInterval = vetInterval;
        this.book = new IntroducerBook(IntroducerBook.Settings.defaults(config.network() == GossipConfig.Network.LOCAL), random);
        service.setHook(new Hook());
    }

    /** Binds the listener and starts vetting. */
    public void start() {
        service.start();
        service.every(vetInterval, this::vetDue);
    }

    public InetSocketAddress listenAddress() {
        return service.listenAddress();
    }

    /** The underlying service (stats, bans). */
    public GossipService service() {
        return service;
    }

    /** Peers currently remembered, vetted or not. */
    public int knownCount() {
        return known;
    }

    @Override
    public void close() {
        service.stop();
    }

    /** Vets every peer the book says is due. Runs on the control loop. */
    private void vetDue() {
        for (PeerAddress address : book.peersToVet(clock.epochSeconds())) {
            vet(address);
        }
        known = book.size();
    }

    private void vet(PeerAddress address) {
        if (!service.isRunning()) {
            return;
        }
        new Bootstrap().group(service.ioGroup()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, VET_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress(address.ip(), address.port()))
                .addListener((io.netty.channel.ChannelFutureListener) f -> {
                    boolean reachable = f.isSuccess();
                    if (reachable) {
                        f.channel().close();
                    }
                    service.onControl(() -> {
                        book.onVetResult(address, reachable, clock.epochSeconds());
                        known = book.size();
                    });
                });
    }

    private final class Hook implements GossipService.MessageHook {
        @Override
        public void onAdmitted(PeerConnectionHandler connection) {
            Handshake h = connection.remoteHandshake();
            if (!connection.isOutbound() && h.nodeType() == NodeType.FULL_NODE.code() && h.serverPort() > 0) {
                PeerAddress listening = new PeerAddress(connection.remoteAddress().getAddress(), h.serverPort());
                service.onControl(() -> {
                    if (book.onFullNodeConnected(listening, clock.epochSeconds())) {
                        vetDue();
                    }
                });
            }
        }

        @Override
        public boolean handle(PeerConnectionHandler connection, Message message) {
            if (message.type() == ChiaMessageType.REQUEST_PEERS_INTRODUCER.code()) {
                PeerAddress asker = new PeerAddress(connection.remoteAddress().getAddress(), connection.remoteHandshake().serverPort());
                service.onControl(() -> {
                    RespondPeersIntroducer answer = new RespondPeersIntroducer(book.answer(asker, clock.epochSeconds()));
                    connection.send(message.id().isPresent() ? answer.toMessage(message.id().getAsInt()) : answer.toMessage());
                });
                return true;
            }
            if (message.type() == DigMessageType.REGISTER_PEER.code()) {
                java.util.Optional<PeerAddress> address = registeredAddress(connection, message);
                service.onControl(() -> {
                    RegisterAck ack = address.map(a -> book.onRegister(a, clock.epochSeconds())).orElse(new RegisterAck(false));
                    if (ack.success()) {
                        vetDue();
                    }
                    connection.send(message.id().isPresent() ? ack.toMessage(message.id().getAsInt()) : ack.toMessage());
                });
                return true;
            }
            return false;
        }

        private java.util.Optional<PeerAddress> registeredAddress(PeerConnectionHandler connection, Message message) {
            RegisterPeer registration;
            try {
                registration = message.body(WireLimits.DEFAULT, RegisterPeer::decode);
            } catch (WireException e) {
                return java.util.Optional.empty();
            }
            if (registration.port() == 0 || registration.nodeType() != NodeType.FULL_NODE.code()) {
                return java.util.Optional.empty();
            }
            InetAddress ip = connection.remoteAddress().getAddress();
            if (!registration.ip().isEmpty()) {
                InetAddress claimed;
                try {
                    claimed = InetAddress.ofLiteral(registration.ip());
                } catch (IllegalArgumentException e) {
                    return java.util.Optional.empty();
                }
                if (!claimed.isAnyLocalAddress()) {
                    ip = claimed;
                }
            }
            return java.util.Optional.of(new PeerAddress(ip, registration.port()));
        }
    }
}
