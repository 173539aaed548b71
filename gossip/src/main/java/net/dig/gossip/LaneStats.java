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

    public int depth() {
        return criticalDepth + normalDepth + delayedNormalDepth + bulkDepth;
    }

    public long dropped() {
        return droppedDuplicateTransactions + droppedBulk + droppedLaneFull;
    }
}
