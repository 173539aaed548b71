package net.dig.net;

/**
 * What a peer did wrong, as seen by the transport. The service maps each to a penalty of the
 * reputation table (dig-gossip {@code PenaltyReason}).
 */
enum Misbehaviour {
    /** A frame that does not decode as a Message or its body. */
    MALFORMED_MESSAGE,
    /** A WebSocket frame or message over the frame cap, or a WebSocket protocol violation. */
    OVERSIZE_FRAME,
    /** A message over the inbound rate limit. */
    RATE_LIMIT_EXCEEDED,
    /** No frame and no pong for longer than the keepalive timeout. */
    KEEPALIVE_TIMEOUT,
    /** A frame the protocol does not allow here (text frame, second handshake, ...). */
    PROTOCOL_VIOLATION
}
