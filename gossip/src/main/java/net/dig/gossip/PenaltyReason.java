package net.dig.gossip;

/**
 * Why a peer is penalised, with the points each reason costs (dig-gossip {@code src/types/reputation.rs};
 * the seed lists all but {@link #MALFORMED_MESSAGE}). 100 points ban the peer.
 */
public enum PenaltyReason {
    INVALID_BLOCK(100),
    INVALID_ATTESTATION(50),
    MALFORMED_MESSAGE(20),
    SPAM(25),
    CONNECTION_ISSUE(10),
    PROTOCOL_VIOLATION(50),
    RATE_LIMIT_EXCEEDED(15),
    CONSENSUS_ERROR(100);

    private final int points;

    PenaltyReason(int points) {
        this.points = points;
    }

    public int points() {
        return points;
    }
}
