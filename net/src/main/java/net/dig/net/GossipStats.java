package net.dig.net;

/**
 * Aggregate network metrics (the seed's {@code GossipStats}, plus ban and admission counters).
 * Message and byte counters include connections that have closed since start. {@code lanes} sums the
 * outbound priority lanes of the open connections (queue depths, bytes queued, sends per lane, drops).
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
        net.dig.gossip.LaneStats lanes) {}
