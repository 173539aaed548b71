package net.dig.net;

/**
 * Aggregate network metrics (the seed's {@code GossipStats}, plus ban and admission counters).
 * Message and byte counters include connections that have closed since start.
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
        int handshakesInFlight) {}
