package net.dig.gossip;

/** Queue depths and counters of one connection's lanes, for {@code stats()} and metrics. */
public record LaneStats(
        int criticalDepth,
        int normalDepth,
        int delayedNormalDepth,
        int bulkDepth,
        long queuedBytes,
        long sentCritical,
        long sentNormal,
        long sentBulk,
        long bulkSentByStarvationGuard,
        long delayedNormal,
        long droppedDuplicateTransactions,
        long droppedBulk,
        long droppedLaneFull,
        long criticalOverflows) {

    /** All zero: the sum of no connections. */
    public static final LaneStats NONE = new LaneStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Field-wise sum (aggregating the connections of a node). */
    public LaneStats plus(LaneStats o) {
        return new LaneStats(criticalDepth + o.criticalDepth, normalDepth + o.normalDepth,
                delayedNormalDepth + o.delayedNormalDepth, bulkDepth + o.bulkDepth, queuedBytes + o.queuedBytes,
                sentCritical + o.sentCritical, sentNormal + o.sentNormal, sentBulk + o.sentBulk,
                bulkSentByStarvationGuard + o.bulkSentByStarvationGuard, delayedNormal + o.delayedNormal,
                droppedDuplicateTransactions + o.droppedDuplicateTransactions, droppedBulk + o.droppedBulk,
                droppedLaneFull + o.droppedLaneFull, criticalOverflows + o.criticalOverflows);
    }

    /** The counters alone (depths and queued bytes zero): what a closed connection leaves to the totals. */
    public LaneStats counters() {
        return new LaneStats(0, 0, 0, 0, 0, sentCritical, sentNormal, sentBulk, bulkSentByStarvationGuard, delayedNormal,
                droppedDuplicateTransactions, droppedBulk, droppedLaneFull, criticalOverflows);
    }

    public int depth() {
        return criticalDepth + normalDepth + delayedNormalDepth + bulkDepth;
    }

    public long dropped() {
        return droppedDuplicateTransactions + droppedBulk + droppedLaneFull;
    }
}
