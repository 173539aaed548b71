package net.dig.gossip;

/**
 * Why the router asks for a peer to be penalised. The transport maps these to the seed's
 * {@code PenaltyReason}: MALFORMED_CONTROL and INVALID_ANNOUNCEMENT to ProtocolViolation, BROKEN_PROMISE to
 * Spam, REQUEST_RATE_EXCEEDED to RateLimitExceeded.
 */
public enum PlumtreeViolation {
    /** A 214-217 body that does not decode. */
    MALFORMED_CONTROL,
    /** A LazyAnnounce entry naming a Plumtree control opcode as the announced message's type. */
    INVALID_ANNOUNCEMENT,
    /** The peer announced a message id, was asked for it, and did not deliver it within the retry timeout. */
    BROKEN_PROMISE,
    /** More RequestByHash ids than the per-peer rate allows. */
    REQUEST_RATE_EXCEEDED
}
