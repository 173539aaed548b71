package net.dig.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntPredicate;
import net.dig.gossip.MessageBus;
import net.dig.gossip.MessageHandler;
import net.dig.gossip.MessageValidator;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.wire.Message;
import net.dig.wire.ProtocolMessage;
import net.dig.wire.RegisterAck;
import net.dig.wire.RespondPeers;
import net.dig.wire.StreamableReader;
import net.dig.wire.TimestampedPeerInfo;

/**
 * The live gossip service (the seed's {@code GossipHandle}): thread-safe, cheap to share.
 *
 * <p>Every operation returns a {@link CompletableFuture} and never blocks the caller; failures
 * complete it exceptionally with a {@link GossipException} whose {@link GossipException#error()} is
 * one of the {@link GossipError} variants. After {@link GossipService#stop()} every call fails with
 * {@link GossipError.ServiceNotStarted}.
 */
public interface GossipHandle {
    /** Completes normally while the service runs and its listener is bound. */
    CompletableFuture<Void> healthCheck();

    CompletableFuture<GossipStats> stats();

    /**
     * A new, independent polling subscription to every inbound message (throws if the service is stopped),
     * built on {@link #subscribe}: it holds at most the bus's bound of unread messages per type, and counts
     * what the bus refused it in {@link InboundReceiver#lagged()}.
     */
    InboundReceiver inboundReceiver();

    /**
     * Sets the validator of a gossiped message type: the Plumtree router asks it about the first copy of
     * every such payload and delivers and forwards only what it ACCEPTs; REJECT penalises the peer that
     * sent it. Types without one are accepted ({@link MessageValidator#ACCEPT_ALL}). A type with a validator
     * has its direct messages (no Plumtree routing) validated the same way before any handler sees them.
     */
    void registerValidator(int type, MessageValidator validator);

    /**
     * Registers {@code handler} for the inbound messages of the types {@code types} selects: accepted
     * gossip and every message that is not a reply to one of our requests. The handler's stage is its
     * backpressure: at most {@code MessageBusConfig.maxUndeliveredPerType} of its messages per type may be
     * unfinished; at that bound a connection sending such messages directly stops being read until there
     * is room, and accepted gossip beyond it is refused and counted. Close the subscription to end it.
     */
    MessageBus.Subscription subscribe(IntPredicate types, MessageHandler handler);

    /** Counters of the message bus and of the router's validation step. */
    MessageBusStats messageBusStats();

    /**
     * Broadcasts a message originated here by Plumtree (dig-gossip {@code PlumtreeRouter}): the payload
     * goes to the eager peers (at most {@code gossip_fanout}), an announcement to the lazy ones, and
     * every node forwards it along the tree. Completes with the number of peers the payload was sent
     * to. The message must carry no id and must not be a Plumtree control opcode (214-217).
     */
    CompletableFuture<Integer> broadcast(Message message, Optional<PeerId> excludePeer);

    /** {@link #broadcast} of a typed body (sent with id None). */
    CompletableFuture<Integer> broadcastTyped(ProtocolMessage body, Optional<PeerId> excludePeer);

    /** Sends a typed body to one peer. */
    CompletableFuture<Void> sendTo(PeerId peer, ProtocolMessage body);

    /** Sends a raw message to one peer. */
    CompletableFuture<Void> sendTo(PeerId peer, Message message);

    /**
     * Sends {@code body} with a fresh request id and decodes the reply carrying that id with
     * {@code replyDecoder} (e.g. {@code RespondPeers::decode}). A reply that does not decode fails
     * with {@link GossipError.UnexpectedReply}; none in time, {@link GossipError.RequestTimeout}.
     */
    <T> CompletableFuture<T> request(PeerId peer, ProtocolMessage body, Function<StreamableReader, T> replyDecoder);

    /** Raw form of {@link #request}: completes with the reply envelope. */
    CompletableFuture<Message> request(PeerId peer, Message message);

    /** Dials {@code address}: mTLS, WebSocket, handshake, then RequestPeers. Completes with the peer's PeerId. */
    CompletableFuture<PeerId> connectTo(InetSocketAddress address);

    CompletableFuture<Void> disconnect(PeerId peer);

    /** Bans the peer (PeerId and IP) for the ban duration at once and disconnects it. */
    CompletableFuture<Void> banPeer(PeerId peer, PenaltyReason reason);

    /** Adds the reason's points; at 100 the peer is banned and disconnected. */
    CompletableFuture<Void> penalizePeer(PeerId peer, PenaltyReason reason);

    CompletableFuture<List<PeerConnection>> connectedPeers();

    /**
     * The peer's standing now, 0..1: {@code 1 - penalty points / ban threshold}, 0 while it is banned, 1 for
     * a peer with no penalty (or unknown). Cheap and thread-safe (reads the lock-free reputation table).
     */
    double standing(PeerId peer);

    CompletableFuture<Integer> peerCount();

    /** Asks the configured introducer for peers (Chia 63 -> 64) and adds them to the address book. */
    CompletableFuture<List<TimestampedPeerInfo>> discoverFromIntroducer();

    /** Registers this node's listen address with the configured introducer (DIG 218 -> 219). */
    CompletableFuture<RegisterAck> registerWithIntroducer();

    /** Sends RequestPeers to one peer and returns its answer. */
    CompletableFuture<RespondPeers> requestPeersFrom(PeerId peer);
}
