package net.dig.gossip;

/**
 * Counters of one {@link CompactBlockRelay} since it started.
 *
 * @param compactBlocksReceived    compact blocks taken up for reconstruction
 * @param reconstructedFromMempool blocks rebuilt with no transaction asked for
 * @param extraRoundTrips          GetBlockTransactions sent (each one round trip more)
 * @param fullBlockFallbacks       GetFullBlock sent: too many missing, a short-id collision or a timeout
 * @param collisions               reconstructions whose transactions did not match the block's root
 */
public record CompactBlockStats(long compactBlocksReceived, long reconstructedFromMempool, long extraRoundTrips,
                                long fullBlockFallbacks, long collisions) {
    public static final CompactBlockStats NONE = new CompactBlockStats(0, 0, 0, 0, 0);
}
