package net.dig.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.DigMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.RegisterAck;
import net.dig.wire.RegisterPeer;
import net.dig.wire.RespondPeersIntroducer;
import net.dig.wire.TimestampedPeerInfo;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * The introducer: a P2P listener that tells new nodes where other nodes are (research
 * chia-protocol.md §1.8, §2.6).
 *
 * <h2>What</h2>
 * Built on a {@link GossipService} (same TLS, WebSocket, handshake, bans, rate limits) that makes no
 * outbound connections. It remembers:
 * <ul>
 * <li>every inbound full node's {@code (ip, handshake.server_port)} (Chia's {@code IntroducerPeers.add}),</li>
 * <li>every {@code RegisterPeer} (DIG 218): an empty or unspecified {@code ip} means "the address you
 *     see me at"; only full nodes with a non-zero port are accepted. The answer is {@code RegisterAck}
 *     (219) with the request's id; {@code success=false} is a policy refusal, not an error.</li>
 * </ul>
 * Each remembered address is <em>vetted</em> by a plain TCP connect with a 3 s timeout, right
 * after it is learned and again every {@code vetInterval} (Chia vets every 60 s and re-vets after an
 * hour). Vetted counts consecutive successes (positive) or failures (negative); an entry below -6
 * is dropped. {@code RequestPeersIntroducer} (63) is answered with {@code RespondPeersIntroducer}
 * (64): at most 20 addresses seen within the last 6000 s whose vetted count is positive, excluding
 * the asker, chosen at random (injected generator), timestamps forced to 0, as Chia does.
 *
 * <p>The introducer answers the handshake as a FULL_NODE: dig-gossip's introducer client refuses
 * any other node type (§2.6); Chia's full node does not check it.
 *
 * <h2>Concurrency</h2>
 * The registry is a concurrent map; message handling runs on connection event loops, vetting on
 * the service's event loops. Nothing blocks.
 */
public final class IntroducerServer implements AutoCloseable {
    static final Duration RECENT_PEER_THRESHOLD = Duration.ofSeconds(6000);
    private static final int VET_TIMEOUT_MILLIS = 3000;
    private static final int DROP_BELOW = -6;

    private record Entry(long seenMillis, int vetted) {}

    private final GossipService service;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration vetInterval;
    private final Map<InetSocketAddress, Entry> known = new ConcurrentHashMap<>();

    /**
     * @param config      listener, network id, TLS; {@code target_outbound_count} is forced to 0
     * @param vetInterval how often every known address is vetted again (Chia: 60 s)
     */
    public IntroducerServer(GossipConfig config, Duration vetInterval, Clock clock, RandomGenerator random) {
        this.service = new GossipService(config.toBuilder().targetOutboundCount(0).build(), clock, random);
        this.clock = clock;
        this.random = random;
        this.vetInterval = vetInterval;
        service.setHook(new Hook());
    }

    /** Binds the listener and starts vetting. */
    public void start() {
        service.start();
        long every = vetInterval.toMillis();
        service.control().scheduleWithFixedDelay(this::vetAll, every, every, TimeUnit.MILLISECONDS);
    }

    public InetSocketAddress listenAddress() {
        return service.listenAddress();
    }

    /** The underlying service (stats, bans). */
    public GossipService service() {
        return service;
    }

    /** Addresses currently known, vetted or not. */
    public int knownCount() {
        return known.size();
    }

    @Override
    public void close() {
        service.stop();
    }

    /** Vets every known address now; completes when all attempts have finished. */
    CompletableFuture<Void> vetAll() {
        List<CompletableFuture<Void>> rounds = new ArrayList<>();
        for (InetSocketAddress address : known.keySet()) {
            rounds.add(vet(address));
        }
        return CompletableFuture.allOf(rounds.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> vet(InetSocketAddress address) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!service.isRunning()) {
            done.complete(null);
            return done;
        }
        new Bootstrap().group(service.ioGroup()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, VET_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address)
                .addListener((io.netty.channel.ChannelFutureListener) f -> {
                    boolean ok = f.isSuccess();
                    if (ok) {
                        f.channel().close();
                    }
                    known.computeIfPresent(address, (a, e) -> {
                        int vetted = ok ? Math.max(1, e.vetted() + 1) : Math.min(-1, e.vetted() - 1);
                        return vetted < DROP_BELOW ? null : new Entry(e.seenMillis(), vetted);
                    });
                    done.complete(null);
                });
        return done;
    }

    private void remember(InetSocketAddress address) {
        Entry previous = known.put(address, new Entry(clock.millis(),
                known.containsKey(address) ? known.get(address).vetted() : 0));
        if (previous == null || previous.vetted() <= 0) {
            vet(address);
        }
    }

    /** Up to 20 recent, vetted addresses other than {@code asker}, in random order, timestamps 0. */
    List<TimestampedPeerInfo> answerFor(InetSocketAddress asker) {
        long now = clock.millis();
        List<InetSocketAddress> eligible = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Entry> e : known.entrySet()) {
            if (e.getValue().vetted() > 0 && now - e.getValue().seenMillis() <= RECENT_PEER_THRESHOLD.toMillis()
                    && !e.getKey().equals(asker)) {
                eligible.add(e.getKey());
            }
        }
        Collections.shuffle(eligible, java.util.Random.from(random));
        return eligible.stream().limit(GossipConstants.INTRODUCER_MAX_PEERS_TO_SEND)
                .map(a -> new TimestampedPeerInfo(a.getAddress().getHostAddress(), a.getPort(), 0)).toList();
    }

    private final class Hook implements GossipService.MessageHook {
        @Override
        public void onAdmitted(PeerConnectionHandler connection) {
            Handshake h = connection.remoteHandshake();
            if (!connection.isOutbound() && h.nodeType() == NodeType.FULL_NODE.code() && h.serverPort() > 0) {
                remember(new InetSocketAddress(connection.remoteAddress().getAddress(), h.serverPort()));
            }
        }

        @Override
        public boolean handle(PeerConnectionHandler connection, Message message) {
            if (message.type() == ChiaMessageType.REQUEST_PEERS_INTRODUCER.code()) {
                Handshake h = connection.remoteHandshake();
                InetSocketAddress asker = new InetSocketAddress(connection.remoteAddress().getAddress(), h.serverPort());
                RespondPeersIntroducer answer = new RespondPeersIntroducer(answerFor(asker));
                connection.send(message.id().isPresent() ? answer.toMessage(message.id().getAsInt()) : answer.toMessage());
                return true;
            }
            if (message.type() == DigMessageType.REGISTER_PEER.code()) {
                boolean accepted;
                try {
                    RegisterPeer registration = message.body(WireLimits.DEFAULT, RegisterPeer::decode);
                    accepted = register(connection, registration);
                } catch (WireException e) {
                    accepted = false;
                }
                RegisterAck ack = new RegisterAck(accepted);
                connection.send(message.id().isPresent() ? ack.toMessage(message.id().getAsInt()) : ack.toMessage());
                return true;
            }
            return false;
        }

        private boolean register(PeerConnectionHandler connection, RegisterPeer registration) {
            if (registration.port() == 0 || registration.nodeType() != NodeType.FULL_NODE.code()) {
                return false;
            }
            InetAddress ip = connection.remoteAddress().getAddress();
            String claimed = registration.ip();
            if (!claimed.isEmpty()) {
                InetAddress parsed;
                try {
                    parsed = InetAddress.ofLiteral(claimed);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                if (!parsed.isAnyLocalAddress()) {
                    ip = parsed;
                }
            }
            remember(new InetSocketAddress(ip, registration.port()));
            return true;
        }
    }
}
