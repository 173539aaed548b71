package net.dig.net;

import java.net.InetSocketAddress;
import java.util.OptionalLong;
import net.dig.gossip.PeerId;

/**
 * A snapshot of one live connection (the seed's {@code PeerConnection}).
 *
 * @param nodeType        the remote handshake's raw node type (1 = full node ...)
 * @param peerServerPort  the port the remote says it listens on (0 = does not accept)
 * @param avgRttMillis    moving average of keepalive round trips, once one was measured
 * @param lastReceivedMillis clock millis of the last message received (the creation time until one arrived)
 */
public record PeerConnection(
        PeerId peerId,
        InetSocketAddress address,
        boolean isOutbound,
        int nodeType,
        String protocolVersion,
        String softwareVersion,
        int peerServerPort,
        long creationTimeMillis,
        long messagesSent,
        long messagesReceived,
        long bytesSent,
        long bytesReceived,
        OptionalLong avgRttMillis,
        long lastReceivedMillis) {}
