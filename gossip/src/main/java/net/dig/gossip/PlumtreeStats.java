package net.dig.gossip;

/** A snapshot of one router's state and counters (for {@code stats()} and metrics). */
public record PlumtreeStats(
        int eagerPeers,
        int lazyPeers,
        int seenMessages,
        int cachedMessages,
        int missingMessages,
        long delivered,
        long duplicates,
        long payloadsSent,
        long prunesSent,
        long graftsSent,
        long announcementsSent,
        long requestsServed,
        long requestsRefused,
        long penalties) {
    public static final PlumtreeStats NONE = new PlumtreeStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
