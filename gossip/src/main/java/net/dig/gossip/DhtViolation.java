package net.dig.gossip;

/**
 * Why the DHT asks for a peer to be penalised. The transport maps each to a {@link PenaltyReason}: INVALID_RECORD
 * and UNEXPECTED_RESPONSE to a protocol violation, REQUEST_RATE_EXCEEDED to a rate-limit violation.
 */
public enum DhtViolation {
    /** A provider record whose signature does not verify, whose provider is not the sender of an ADD_PROVIDER, whose
     * content key is not the one asked for, or whose expiry is in the past or beyond the allowed lifetime. */
    INVALID_RECORD,
    /** A response of the wrong kind for the request id it answers. */
    UNEXPECTED_RESPONSE,
    /** More requests than the per-peer inbound budget allows. */
    REQUEST_RATE_EXCEEDED
}
