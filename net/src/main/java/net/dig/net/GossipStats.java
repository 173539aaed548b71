package net.dig.net;

/**
 * Aggregate network metrics (the seed's {@code GossipStats}, plus ban and admission counters).
 * Message and byte counters include connections that have closed since start. {@code lanes} sums the
 * outbound priority lanes: queue depths and bytes queued of the open connections, sends per lane and
 * drops of every connection since start;
 * {@code plumtree} is the broadcast router's counters (eager/lazy peers, duplicates, PRUNEs, GRAFTs),
 * refreshed at every router tick (50 ms); {@code erlay} (zeros when ERLAY is off), {@code compactBlocks} and
 * {@code dandelion} are those relays' counters since start, refreshed at each of their ticks.
 */
public record GossipStats(
        int totalConnections,
        int connectedPeers,
        int inboundConnections,
        int outboundConnections,
        long messagesSent,
        long messagesReceived,
        long bytesSent,
        long bytesReceived,
        int knownAddresses,
        int seenMessages,
        boolean relayConnected,
        int relayPeerCount,
        int bannedPeers,
        int bannedAddresses,
        int refusedConnections,
        int handshakesInFlight,
        net.dig.gossip.LaneStats lanes,
        net.dig.gossip.PlumtreeStats plumtree,
        net.dig.gossip.ErlayReconciler.Stats erlay,
        net.dig.gossip.CompactBlockStats compactBlocks,
        net.dig.gossip.DandelionStats dandelion) {}
