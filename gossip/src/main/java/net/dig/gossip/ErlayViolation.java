package net.dig.gossip;

/** An ERLAY message out of protocol, reported by {@link ErlayReconciler} to its driver for a penalty. */
public enum ErlayViolation {
    /** A sketch to the connection's initiator, an extension nobody asked for, or a sketch before the peer's salt. */
    UNEXPECTED_SKETCH,
    /** A response for a round not in flight, or a second request for an extension. */
    UNEXPECTED_RESPONSE,
    /** A salt from a peer the reconciler does not know as connected. */
    UNEXPECTED_SALT,
    /** A second salt on the same connection. */
    SECOND_SALT
}
