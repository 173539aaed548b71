package net.dig.gossip;

/**
 * Why a peer is penalised, with the points each reason costs (dig-gossip {@code src/types/reputation.rs};
 * the seed lists all but {@link #MALFORMED_MESSAGE} and the four node-message reasons, docs/decisions.md D31a). 100 points ban the peer.
 */
public enum PenaltyReason {
    INVALID_BLOCK(100),
    INVALID_ATTESTATION(50),
    MALFORMED_MESSAGE(20),
    SPAM(25),
    CONNECTION_ISSUE(10),
    PROTOCOL_VIOLATION(50),
    RATE_LIMIT_EXCEEDED(15),
    CONSENSUS_ERROR(100),
    /** A node message whose Ed25519 signature, or whose announcement's TLS binding signature, does not hold. */
    INVALID_SIGNATURE(50),
    /** A node message signed more than the freshness window away from this node's clock (may be clock skew). */
    STALE_MESSAGE(5),
    /** A node message whose (sender, sequence) was seen already, or is too far behind the sender's latest. */
    REPLAYED_MESSAGE(20),
    /** A node message not bound to the connection: an announcement for another PeerId, or a sender key its peer never announced. */
    UNBOUND_SENDER(50);

    private final int points;

    PenaltyReason(int points) {
        this.points = points;
    }

    public int points() {
        return points;
    }
}
