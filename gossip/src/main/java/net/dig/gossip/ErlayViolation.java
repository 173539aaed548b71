package net.dig.gossip;

/** An ERLAY message out of protocol, reported by {@link ErlayReconciler} to its driver for a penalty. */
public enum ErlayViolation {
    /** A sketch to the connection's initiator, or an extension nobody asked for. */
    UNEXPECTED_SKETCH,
    /** A response for a round not in flight, or a second request for an extension. */
    UNEXPECTED_RESPONSE
}
