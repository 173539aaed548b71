package net.dig.net;

import java.util.Optional;

/**
 * The seed's {@code RelayStats}: this node's link to its relay ({@link GossipService#relayStats()}).
 * Message and byte counters are relay frames on the link, across reconnects; {@code relayPeerCount} is the
 * sessions open through the relay now; {@code advertised} is the address others dial this node at
 * ({@link RelayAddress}), present while registered.
 */
public record RelayStats(
        boolean connected,
        long messagesSent,
        long messagesReceived,
        long bytesSent,
        long bytesReceived,
        int reconnectAttempts,
        Optional<Long> lastConnectedAt,
        int relayPeerCount,
        Optional<Long> latencyMs,
        Optional<RelayAddress> advertised) {}
