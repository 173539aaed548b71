package net.dig.net;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.gossip.MessageBus;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.NodeMessageValidator;
import net.dig.gossip.PeerId;
import net.dig.gossip.Verdict;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the signed node messages (opcode 240, docs/formats/wire.md "Node messages"): it
 * signs with the node's Ed25519 key, registers {@link NodeMessageValidator} on the message bus (so every
 * inbound 240 is checked before any handler sees it and a refused one penalises its sender), keeps the
 * {@link NodeDirectory} of what peers announced, and sends this node's announcement to each peer right
 * after its handshake and to every peer when the {@link NodeProfile} changes meaningfully. When a peer's
 * node key is announced over a new PeerId, its reputation follows the node to the new PeerId
 * ({@link Reputations#nodeRebound}): a banned node that comes back with a fresh certificate is disconnected.
 *
 * <h2>Sequence numbers</h2>
 * Each signed message takes {@code max(previous + 1, clock millis × 1000)}: strictly increasing for the
 * life of the process and, as long as the clock does not step back by more than the time since the last
 * message, across restarts without persisting anything.
 *
 * <h2>Concurrency and failure modes</h2>
 * Thread-safe. A message is signed and handed to its connection under one lock, so each peer receives a
 * sender's messages in sequence order (the replay window counts sequence numbers, which jump by the
 * clock). Announcements to a new peer are signed on its event loop from the last profile read; the
 * profile supplier (which may touch the disk) is only called on the service's blocking executor by
 * {@link #refresh}. A reply to a request is checked on the blocking executor, not on the event loop that
 * received it (a capsule window's signature covers a megabyte). A send that fails (peer gone) completes its
 * future exceptionally and changes nothing.
 * Only peers whose handshake shows this implementation ({@code dig-node/}) are sent opcode 240.
 */
public final class NodeMessaging {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMessaging.class);

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final NodeIdentity key;
    private final Supplier<NodeProfile> profile;
    private final NodeMessageValidator validator;
    private final TlsCredentials tls;
    private volatile TlsBinding binding;
    private final AtomicLong sequence = new AtomicLong();
    private final Object sendOrder = new Object();
    private volatile NodeProfile current;
    private final java.util.List<java.util.function.Consumer<PeerId>> announced = new java.util.concurrent.CopyOnWriteArrayList<>();

    NodeMessaging(ServiceContext ctx, PeerTable peers, Reputations reputations, MessageBus bus, TlsCredentials tls, NodeIdentity key,
            NodeMessageConfig config, Supplier<NodeProfile> profile) {
        this.ctx = ctx;
        this.peers = peers;
        this.key = Objects.requireNonNull(key, "key");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.current = Objects.requireNonNull(profile.get(), "profile");
        this.tls = tls;
        this.binding = bind(tls.identity());
        this.validator = new NodeMessageValidator(ctx.clock, config, ctx.config.networkId(), NodeMessageLimits.DEFAULT,
                new NodeDirectory(config.maxDirectoryPeers()));
        validator.directory().onRebind(reputations::nodeRebound);
        bus.registerValidator(NodeMessage.OPCODE, validator);
        ctx.onAdmitted.add(this::admitted);
    }

    /**
     * {@code listener} is told of each newly admitted peer once this node's announcement to it has been
     * handed to its connection, so what the listener sends from then on reaches a peer that can check this
     * node's key (the handle namespace's digest exchange). It runs on the connection's event loop and must
     * not block.
     */
    public void onAnnounced(java.util.function.Consumer<PeerId> listener) {
        announced.add(Objects.requireNonNull(listener, "listener"));
    }

    private void admitted(PeerConnectionHandler connection) {
        announceTo(connection);
        for (java.util.function.Consumer<PeerId> l : announced) {
            try {
                l.accept(connection.peerId());
            } catch (RuntimeException e) {
                LOG.warn("announced_listener_failed: a listener of admitted peers failed: {}", e.toString());
            }
        }
    }

    /** What peers announced (filled by the validator with the announcements it accepted). */
    public NodeDirectory directory() {
        return validator.directory();
    }

    /** The validator, also for replies to this node's requests, which the bus does not see ({@link NodeMessageValidator#check}). */
    public NodeMessageValidator validator() {
        return validator;
    }

    /** This node's raw Ed25519 public key, the one its messages are signed by. */
    public byte[] nodeKey() {
        return key.publicKey();
    }

    /** Signs {@code payload} as this node, with the next sequence number and the clock's time. */
    public NodeMessage sign(NodePayload payload) {
        long now = ctx.clock.millis();
        long seq = sequence.updateAndGet(previous -> Math.max(previous + 1, Math.multiplyExact(now, 1000L)));
        return NodeMessageCodec.sign(payload, key, Math.floorDiv(now, 1000L), seq, ctx.config.networkId());
    }

    /** This node's announcement as the profile stands, binding the node key to the certificate in use now. */
    public NodePayload.NodeAnnouncement announcement() {
        NodeProfile p = current;
        TlsBinding b = binding;
        TlsIdentity identity = tls.identity();
        if (!b.peerId().equals(identity.peerId())) {
            b = bind(identity);
            binding = b;
        }
        return new NodePayload.NodeAnnouncement(b.peerId(), b.publicKey(), b.signature(), p.http(), p.capabilities(),
                p.capacityTotalBytes(), p.capacityFreeBytes(), p.mode());
    }

    private TlsBinding bind(TlsIdentity identity) {
        return new TlsBinding(identity.peerId(), identity.subjectPublicKeyInfo(), identity.bindingSignature(key.publicKey()));
    }

    /** The node key's binding to one TLS leaf: its PeerId, its SubjectPublicKeyInfo, the leaf key's signature. */
    private record TlsBinding(Bytes32 peerId, byte[] publicKey, byte[] signature) {}

    /** Signs {@code payload} and sends it to {@code peer} without a request id. */
    public CompletableFuture<Void> send(PeerId peer, NodePayload payload) {
        return peers.get(peer).map(c -> signAndSend(c, payload, OptionalInt.empty()))
                .orElseGet(() -> CompletableFuture.failedFuture(new GossipException(new GossipError.PeerNotConnected(peer))));
    }

    /**
     * Signs {@code payload} and sends it to {@code peer} as a request (a fresh Chia request id); completes
     * with the reply checked by {@link #validator()} as the bus would check it: a reply that is not a node
     * message, or one the validator does not accept, completes with that verdict and no message. Fails
     * as {@link GossipHandle#request} does (peer gone, no reply in time).
     */
    public CompletableFuture<NodeMessageValidator.Checked> request(PeerId peer, NodePayload payload) {
        return peers.get(peer).map(c -> {
            CompletableFuture<Message> reply;
            synchronized (sendOrder) {
                Message frame = NodeMessageCodec.toMessage(sign(payload));
                GossipError refused = PlumtreeBridge.digGate(c, frame);
                reply = refused == null ? c.request(frame) : CompletableFuture.failedFuture(new GossipException(refused));
            }
            return reply.thenApplyAsync(r -> r.type() == NodeMessage.OPCODE
                    ? validator.check(peer, r) : new NodeMessageValidator.Checked(Verdict.IGNORE, null), ctx.blocking);
        }).orElseGet(() -> CompletableFuture.failedFuture(new GossipException(new GossipError.PeerNotConnected(peer))));
    }

    /** Signs {@code payload} and sends it to {@code peer} as the answer to its request {@code id}. */
    public CompletableFuture<Void> reply(PeerId peer, int id, NodePayload payload) {
        return peers.get(peer).map(c -> signAndSend(c, payload, OptionalInt.of(id)))
                .orElseGet(() -> CompletableFuture.failedFuture(new GossipException(new GossipError.PeerNotConnected(peer))));
    }

    /**
     * Reads the profile (on the blocking executor) and, if it changed meaningfully
     * ({@link NodeProfile#differsMeaningfully}), announces it to every peer.
     */
    public void refresh() {
        if (!ctx.isRunning()) {
            return;
        }
        ctx.blocking.execute(() -> {
            NodeProfile next;
            try {
                next = profile.get();
            } catch (RuntimeException e) {
                LOG.warn("profile_unreadable: cannot read this node's profile; the last announcement stands: {}", e.toString());
                return;
            }
            if (next != null && current.differsMeaningfully(next)) {
                current = next;
                peers.live().forEach(this::announceTo);
            }
        });
    }

    private void announceTo(PeerConnectionHandler connection) {
        signAndSend(connection, announcement(), OptionalInt.empty()).exceptionally(e -> {
            LOG.debug("announcement_send_failed: announcement to {} not sent: {}", connection.peerId().shortHex(), e.toString());
            return null;
        });
    }

    /**
     * Signs and hands the frame to the connection under one lock, so frames leave in the order of their
     * sequence numbers: concurrent senders (workers answering requests) would otherwise reorder them by
     * more than the receiver's replay window.
     */
    private CompletableFuture<Void> signAndSend(PeerConnectionHandler connection, NodePayload payload, OptionalInt id) {
        synchronized (sendOrder) {
            return sendOn(connection, sign(payload), id);
        }
    }

    private CompletableFuture<Void> sendOn(PeerConnectionHandler connection, NodeMessage m, OptionalInt id) {
        Message frame = NodeMessageCodec.toMessage(m, id);
        GossipError refused = PlumtreeBridge.digGate(connection, frame);
        return refused == null ? connection.send(frame) : CompletableFuture.failedFuture(new GossipException(refused));
    }
}
