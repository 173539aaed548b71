package net.dig.gossip;

/** What {@link LaneScheduler#offer} did with a message. */
public enum LaneAdmission {
    /** Queued in its lane. */
    QUEUED,
    /** Held by backpressure; released with the next normal batch. */
    DELAYED,
    /** A NewTransaction already queued, dropped under backpressure. */
    DROPPED_DUPLICATE_TRANSACTION,
    /** A bulk message dropped under backpressure. */
    DROPPED_BULK,
    /** A normal or bulk message dropped because its lane hit its hard bound. */
    DROPPED_LANE_FULL,
    /**
     * A critical message that does not fit its lane's hard bound: it is not queued and must not be
     * dropped silently, so the caller closes the connection (the peer reads too slowly).
     */
    CRITICAL_OVERFLOW
}
