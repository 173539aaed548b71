package net.dig.gossip;

import java.time.Duration;
import java.util.Set;

/**
 * Reputation settings.
 *
 * @param banThreshold points at which a peer is banned (seed {@code PENALTY_BAN_THRESHOLD} = 100)
 * @param banDuration how long a penalty ban lasts (seed {@code BAN_DURATION_SECS} = 3600 s)
 * @param ipBanExempt hosts whose IP is never banned (Chia never bans localhost); their PeerIds still are
 * @param rttWindow how many RTT samples the rolling average keeps (dig-gossip: 10)
 */
public record BanPolicy(int banThreshold, Duration banDuration, Set<String> ipBanExempt, int rttWindow) {
    public static final BanPolicy DEFAULT =
            new BanPolicy(100, Duration.ofSeconds(3600), Set.of("127.0.0.1", "::1", "0:0:0:0:0:0:0:1"), 10);

    public BanPolicy {
        if (banThreshold <= 0) {
            throw new IllegalArgumentException("banThreshold must be > 0 but was " + banThreshold);
        }
        if (banDuration.isNegative() || banDuration.isZero()) {
            throw new IllegalArgumentException("banDuration must be positive but was " + banDuration);
        }
        ipBanExempt = Set.copyOf(ipBanExempt);
        if (rttWindow <= 0) {
            throw new IllegalArgumentException("rttWindow must be > 0 but was " + rttWindow);
        }
    }
}
