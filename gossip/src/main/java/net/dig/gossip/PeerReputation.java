package net.dig.gossip;

import java.util.OptionalLong;

/**
 * A snapshot of one peer's standing, as the seed's {@code PeerReputation}.
 *
 * @param penaltyPoints points accumulated since the last ban expired
 * @param banned whether the peer is banned at the snapshot's time
 * @param banExpiryMillis when the current ban ends (epoch millis), if banned
 * @param banCount how many times the peer has been banned
 * @param avgRttMillis rolling average of keepalive round trips, if any were measured
 * @param score {@code max(0, 1 - points/threshold) / avgRtt}; higher is better (RTT unknown counts as 1000 ms)
 */
public record PeerReputation(int penaltyPoints, boolean banned, OptionalLong banExpiryMillis, int banCount,
        OptionalLong avgRttMillis, double score) {}
