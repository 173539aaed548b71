package net.dig.net;

import java.time.Duration;
import net.dig.core.Clock;
import net.dig.gossip.BanPolicy;
import net.dig.gossip.PeerId;
import net.dig.gossip.PeerReputation;
import net.dig.gossip.PeerReputations;
import net.dig.gossip.PenaltyReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one holder of this node's {@link PeerReputations}: every penalty, ban, RTT sample and ban check of
 * the service goes through here, with the injected clock's time, the peer's IP looked up in the peer table,
 * and the disconnect that follows a ban.
 *
 * <h2>Concurrency</h2>
 * Called from every event loop at once. There is no lock: {@link PeerReputations} is a lock-free structure
 * (each peer's state swapped by compare-and-set), so a ban decided on one loop is visible to the next
 * check on any other, and no loop waits for another. Disconnecting is a hop onto the connection's own loop.
 *
 * <h2>Failure modes</h2>
 * A penalty for a peer that is gone still counts (the PeerId and, if known, its IP are banned at the
 * threshold). Penalties of a banned peer do not extend its ban.
 */
final class Reputations {
    private static final Logger LOG = LoggerFactory.getLogger(Reputations.class);
    /** A rate-limit violation bans the IP for 300 s (Chia). */
    static final Duration RATE_LIMIT_BAN = Duration.ofSeconds(300);

    private final PeerReputations table;
    private final Clock clock;
    private final PeerTable peers;
    private final int threshold;

    Reputations(BanPolicy policy, Clock clock, PeerTable peers) {
        this.table = new PeerReputations(policy);
        this.threshold = policy.banThreshold();
        this.clock = clock;
        this.peers = peers;
    }

    /** Charges {@code reason}; a peer banned by it is disconnected. */
    void penalize(PeerId peer, PenaltyReason reason) {
        penalize(peer, peers.ipOf(peer), reason);
    }

    void penalize(PeerId peer, String ip, PenaltyReason reason) {
        if (table.penalize(peer, ip, reason, clock.millis()).bannedNow()) {
            peers.get(peer).ifPresent(PeerConnectionHandler::disconnect);
        }
    }

    /**
     * A connection misbehaved: its penalty, and for a rate-limit violation a 300 s ban of its address (Chia)
     * and of its PeerId, so a flooder that reconnects at once under the same certificate is refused.
     */
    void misbehaved(PeerConnectionHandler connection, Misbehaviour kind, String detail) {
        PenaltyReason reason = switch (kind) {
            case MALFORMED_MESSAGE -> PenaltyReason.MALFORMED_MESSAGE;
            case OVERSIZE_FRAME, PROTOCOL_VIOLATION -> PenaltyReason.PROTOCOL_VIOLATION;
            case RATE_LIMIT_EXCEEDED -> PenaltyReason.RATE_LIMIT_EXCEEDED;
            case KEEPALIVE_TIMEOUT -> PenaltyReason.CONNECTION_ISSUE;
        };
        LOG.debug("peer_misbehaved: peer {} misbehaved ({}): {}", connection.peerId(), kind, detail);
        String ip = connection.remoteHost();
        if (connection.peerId() != null) {
            penalize(connection.peerId(), ip, reason);
        }
        if (kind == Misbehaviour.RATE_LIMIT_EXCEEDED) {
            if (connection.peerId() != null) {
                table.banFor(connection.peerId(), ip, RATE_LIMIT_BAN.toMillis(), clock.millis());
            } else if (ip != null) {
                banIp(ip, RATE_LIMIT_BAN);
            }
        }
    }

    /** Bans the PeerId and its IP for the ban duration at once, and disconnects it. */
    void ban(PeerId peer) {
        table.ban(peer, peers.ipOf(peer), clock.millis());
        peers.get(peer).ifPresent(PeerConnectionHandler::disconnect);
    }

    void banIp(String ip, Duration duration) {
        table.banIp(ip, duration.toMillis(), clock.millis());
    }

    /**
     * A node's announcement re-bound it from PeerId {@code from} to {@code to}: its standing follows
     * ({@link PeerReputations#carryOver}); if that bans {@code to}, its connection is closed.
     */
    void nodeRebound(PeerId from, PeerId to) {
        if (table.carryOver(from, to, clock.millis())) {
            LOG.info("rebound_peer_banned: node moved from banned PeerId {} to {}; disconnecting", from.shortHex(), to.shortHex());
            peers.get(to).ifPresent(PeerConnectionHandler::disconnect);
        }
    }

    boolean isBanned(PeerId peer) {
        return table.isBanned(peer, clock.millis());
    }

    boolean isIpBanned(String ip) {
        return table.isIpBanned(ip, clock.millis());
    }

    void recordRtt(PeerId peer, long rttMillis) {
        table.recordRtt(peer, rttMillis, clock.millis());
    }

    void expire() {
        table.expire(clock.millis());
    }

    PeerReputation reputationOf(PeerId peer) {
        return table.reputation(peer, clock.millis());
    }

    /** 0..1: {@code 1 - penalty points / ban threshold}, 0 while banned. */
    double standing(PeerId peer) {
        PeerReputation r = reputationOf(peer);
        return r.banned() ? 0.0 : Math.max(0.0, 1.0 - (double) r.penaltyPoints() / threshold);
    }

    int bannedPeers() {
        return table.bannedPeerCount(clock.millis());
    }

    /** Addresses carrying penalty points (outside loopback). */
    int addressesWithPoints() {
        return table.addressesWithPoints();
    }

    int bannedIps() {
        return table.bannedIpCount(clock.millis());
    }
}
