package net.dig.net;

import net.dig.gossip.PeerId;

/**
 * Every way a {@link GossipHandle} call can fail: the dig-gossip seed's {@code GossipError}
 * variants, plus the ones its "// ..." leaves open, as a sealed hierarchy so callers can switch
 * exhaustively. Futures returned by the handle complete exceptionally with a {@link GossipException}
 * carrying one of these.
 */
public sealed interface GossipError {
    /** One line for logs and CLI output. */
    String describe();

    /** A transport-level failure of one connection (the seed's {@code ClientError(chia-sdk-client)}). */
    record ClientError(String detail) implements GossipError {
        public String describe() { return "connection error: " + detail; }
    }

    /** The handle was used before {@code start()} or after {@code stop()}. */
    record ServiceNotStarted() implements GossipError {
        public String describe() { return "the gossip service is not running"; }
    }

    record AlreadyStarted() implements GossipError {
        public String describe() { return "the gossip service is already started"; }
    }

    /** The peer (or its address) is banned. */
    record PeerBanned(PeerId peer) implements GossipError {
        public String describe() { return "peer " + peer.toHex() + " is banned"; }
    }

    record DuplicateConnection(PeerId peer) implements GossipError {
        public String describe() { return "already connected to " + peer.toHex(); }
    }

    record MaxConnectionsReached(int max) implements GossipError {
        public String describe() { return "max_connections (" + max + ") reached"; }
    }

    record SelfConnection() implements GossipError {
        public String describe() { return "refused a connection to this node itself"; }
    }

    /** A /16 or AS-diversity filter refused the address. */
    record ConnectionFiltered(String reason) implements GossipError {
        public String describe() { return "connection filtered: " + reason; }
    }

    record DiscoveryError(String detail) implements GossipError {
        public String describe() { return "discovery failed: " + detail; }
    }

    record RelayError(String detail) implements GossipError {
        public String describe() { return "relay: " + detail; }
    }

    /** The connection or the service went away while the call was in flight. */
    record ChannelClosed() implements GossipError {
        public String describe() { return "the connection closed"; }
    }

    record Io(java.io.IOException cause) implements GossipError {
        public String describe() { return "I/O error: " + cause.getMessage(); }
    }

    /** No live connection to that peer. */
    record PeerNotConnected(PeerId peer) implements GossipError {
        public String describe() { return "not connected to " + peer.toHex(); }
    }

    /** The Chia handshake was refused; {@code chiaErrorCode} is Chia's {@code Err} code (e.g. 110 wrong network). */
    record HandshakeFailed(int chiaErrorCode, String reason) implements GossipError {
        public String describe() { return "handshake failed (" + chiaErrorCode + "): " + reason; }
    }

    /** No reply with the request's id arrived in time. */
    record RequestTimeout(PeerId peer, int messageType) implements GossipError {
        public String describe() { return "no reply from " + peer.toHex() + " to message type " + messageType; }
    }

    /** The peer answered with bytes that do not decode as the expected reply. */
    record UnexpectedReply(PeerId peer, int messageType, String detail) implements GossipError {
        public String describe() { return "bad reply of type " + messageType + " from " + peer.toHex() + ": " + detail; }
    }

    /** The message is larger than the frame cap, or a request could get no free id. */
    record MessageRejected(String reason) implements GossipError {
        public String describe() { return "message rejected: " + reason; }
    }

    /** The operation needs configuration that is absent (e.g. no introducer configured). */
    record NotConfigured(String what) implements GossipError {
        public String describe() { return what + " is not configured"; }
    }
}
