package net.dig.net;

import java.net.InetSocketAddress;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.dig.core.Bytes32;
import net.dig.gossip.HoldingsBook;
import net.dig.gossip.HoldingsConfig;
import net.dig.gossip.MessageBus;
import net.dig.wire.HoldingsAnnounce;
import net.dig.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of holdings (opcode 222, docs/formats/wire.md "Holdings (222)", docs/decisions.md D40d1):
 * the {@link HoldingsBook} registered as the bus's 222 validator (what peers hold), and this node's own
 * announcements, signed with its TLS leaf key and sent one hop, directly to each peer:
 * <ul>
 *   <li>everything it holds ({@code ownHoldings}) to a peer right after its handshake, so a node that had
 *       no peers re-announces all once it has one, and a later peer learns all too;</li>
 *   <li>{@link #added}/{@link #removed} deltas to every peer when storage changes;</li>
 *   <li>everything again to every peer every half {@code ttl} ({@link #refreshAll}), before the adds expire.</li>
 * </ul>
 * A batch goes in frames of at most 256 changes. Sequence numbers are {@code max(previous + 1, millis × 1000)}
 * as for node messages, so they keep rising across restarts.
 *
 * <h2>Concurrency and failure modes</h2>
 * Thread-safe. Signing (ECDSA draws randomness) and reading {@code ownHoldings} run on the service's
 * blocking executor, never an event loop. A send to a peer that is gone fails quietly; the peer learns all
 * on its next handshake. A leaf key that is not P-256 (an RSA certificate loaded from files) cannot sign the
 * 222 body: the node then only listens, and says so once.
 */
public final class HoldingsExchange {
    private static final Logger LOG = LoggerFactory.getLogger(HoldingsExchange.class);

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final HoldingsBook book;
    private final TlsCredentials tls;
    private final boolean canSign;
    private final Supplier<Collection<Bytes32>> ownHoldings;
    private final long ttlSeconds;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong sentFrames = new AtomicLong();

    HoldingsExchange(ServiceContext ctx, PeerTable peers, MessageBus bus, TlsCredentials tls, HoldingsConfig config,
            long ttlSeconds, Supplier<Collection<Bytes32>> ownHoldings) {
        this.ctx = ctx;
        this.peers = peers;
        this.book = new HoldingsBook(ctx.clock, config);
        this.ownHoldings = Objects.requireNonNull(ownHoldings, "ownHoldings");
        if (ttlSeconds < 60) {
            throw new IllegalArgumentException("a holdings ttl is at least 60 s, not " + ttlSeconds);
        }
        this.ttlSeconds = ttlSeconds;
        this.tls = tls;
        java.security.PublicKey leaf = tls.identity().certificate().getPublicKey();
        this.canSign = leaf instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256;
        if (!canSign) {
            LOG.warn("holdings_signing_unavailable: the TLS leaf key is {}, not P-256: this node cannot sign holdings"
                    + " announcements and only listens to them",
                    leaf.getAlgorithm());
        }
        bus.registerValidator(HoldingsAnnounce.OPCODE, book);
        ctx.onAdmitted.add(c -> sendAllTo(List.of(c)));
    }

    /** What peers said they hold. */
    public HoldingsBook book() {
        return book;
    }

    /** The peers currently connected that hold {@code contentKey}. */
    public List<HoldingsBook.Holder> connectedHolders(Bytes32 contentKey) {
        return book.holders(contentKey).stream().filter(h -> peers.contains(h.peer())).toList();
    }

    /** Whether {@code peer} is connected now. */
    public boolean connected(net.dig.gossip.PeerId peer) {
        return peers.contains(peer);
    }

    /** Frames of this node's announcements handed to connections. */
    public long sentFrames() {
        return sentFrames.get();
    }

    /** Announces to every peer that this node now holds {@code contentKey}. */
    public void added(Bytes32 contentKey) {
        toEveryPeer(() -> List.<HoldingsAnnounce.Change>of(add(contentKey)));
    }

    /** Announces to every peer that this node no longer holds {@code contentKey}. */
    public void removed(Bytes32 contentKey) {
        toEveryPeer(() -> List.<HoldingsAnnounce.Change>of(new HoldingsAnnounce.Remove(contentKey)));
    }

    /** Announces everything this node holds to every peer. */
    public void refreshAll() {
        if (ctx.isRunning()) {
            sendAllTo(peers.live());
        }
    }

    long ttlSeconds() {
        return ttlSeconds;
    }

    private void sendAllTo(List<PeerConnectionHandler> to) {
        send(to, () -> ownHoldings.get().stream().<HoldingsAnnounce.Change>map(this::add).toList());
    }

    private void toEveryPeer(Supplier<List<HoldingsAnnounce.Change>> changes) {
        if (ctx.isRunning()) {
            send(peers.live(), changes);
        }
    }

    private void send(List<PeerConnectionHandler> to, Supplier<List<HoldingsAnnounce.Change>> changes) {
        if (!canSign || to.isEmpty()) {
            return;
        }
        ctx.blocking.execute(() -> {
            List<HoldingsAnnounce.Change> all;
            try {
                all = changes.get();
            } catch (RuntimeException e) {
                LOG.warn("holdings_listing_failed: cannot list this node's holdings; nothing announced: {}", e.toString());
                return;
            }
            for (int from = 0; from < all.size(); from += HoldingsAnnounce.MAX_CHANGES) {
                List<HoldingsAnnounce.Change> batch = all.subList(from, Math.min(all.size(), from + HoldingsAnnounce.MAX_CHANGES));
                Message frame = sign(batch).toMessage();
                for (PeerConnectionHandler c : to) {
                    sendOn(c, frame);
                }
            }
        });
    }

    private HoldingsAnnounce sign(List<HoldingsAnnounce.Change> batch) {
        long now = ctx.clock.millis();
        long seq = sequence.updateAndGet(previous -> Math.max(previous + 1, Math.multiplyExact(now, 1000L)));
        TlsIdentity signer = tls.identity();
        return HoldingsAnnounce.sign(signer.leafKey(), signer.subjectPublicKeyInfo(), seq, Math.floorDiv(now, 1000L),
                new ArrayList<>(batch));
    }

    private HoldingsAnnounce.Add add(Bytes32 contentKey) {
        return new HoldingsAnnounce.Add(contentKey, addresses(), ctx.clock.epochSeconds() + ttlSeconds);
    }

    private List<HoldingsAnnounce.Address> addresses() {
        InetSocketAddress listen = ctx.config.listenAddr();
        int port = ctx.listenPort();
        if (listen == null || listen.getAddress() == null || listen.getAddress().isAnyLocalAddress() || port <= 0) {
            return List.of();
        }
        return List.of(new HoldingsAnnounce.Address(listen.getAddress().getHostAddress(), port));
    }

    private void sendOn(PeerConnectionHandler connection, Message frame) {
        GossipError refused = PlumtreeBridge.digGate(connection, frame);
        CompletableFuture<Void> sent = refused == null ? connection.send(frame) : CompletableFuture.failedFuture(new GossipException(refused));
        sent.whenComplete((ok, e) -> {
            if (e == null) {
                sentFrames.incrementAndGet();
            } else {
                LOG.debug("holdings_send_failed: holdings to {} not sent: {}", connection.peerId().shortHex(), e.toString());
            }
        });
    }
}
