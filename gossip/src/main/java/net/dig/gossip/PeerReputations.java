package net.dig.gossip;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Penalty points, bans and RTT for every peer this node has seen, keyed by {@link PeerId}, with a
 * parallel ban list keyed by IP so a banned peer cannot come back under a fresh certificate.
 *
 * <p>Rules (seed, dig-gossip {@code reputation.rs}): each {@link PenaltyReason} adds its points; at
 * {@link BanPolicy#banThreshold()} the PeerId and its IP are banned for {@link BanPolicy#banDuration()};
 * when the ban expires the points reset to 0. Short protocol bans (Chia's 10 s for a bad handshake,
 * 300 s for a rate-limit violation) are IP-only, via {@link #banIp}. IPs in
 * {@link BanPolicy#ipBanExempt()} are never IP-banned (Chia's localhost rule), only their PeerIds.
 *
 * <p>Sans-I/O: time is an argument. Not thread-safe: one owner (the net layer's control loop).
 * Memory: one entry per PeerId ever penalised or measured; {@link #expire} drops entries that are
 * back to zero points, unbanned and without RTT samples.
 */
public final class PeerReputations {
    private final BanPolicy policy;
    private final Map<PeerId, Entry> peers = new HashMap<>();
    private final Map<String, Long> ipBans = new HashMap<>();

    private static final class Entry {
        int points;
        long banUntil;
        int banCount;
        final ArrayDeque<Long> rtts = new ArrayDeque<>();
    }

    public PeerReputations(BanPolicy policy) {
        this.policy = policy;
    }

    /** What a penalty did. */
    public record PenaltyOutcome(int pointsNow, boolean bannedNow, long banUntilMillis) {}

    /** Adds the reason's points; bans PeerId and IP (unless exempt) when the threshold is reached. */
    public PenaltyOutcome penalize(PeerId peer, String ip, PenaltyReason reason, long nowMillis) {
        Entry e = entry(peer, nowMillis);
        if (e.banUntil > nowMillis) {
            return new PenaltyOutcome(e.points, true, e.banUntil);
        }
        e.points += reason.points();
        if (e.points >= policy.banThreshold()) {
            e.banUntil = nowMillis + policy.banDuration().toMillis();
            e.banCount++;
            if (ip != null) {
                banIp(ip, policy.banDuration().toMillis(), nowMillis);
            }
            return new PenaltyOutcome(e.points, true, e.banUntil);
        }
        return new PenaltyOutcome(e.points, false, 0);
    }

    /** Bans a PeerId (and its IP unless exempt) right away, whatever its points (seed {@code ban_peer}). */
    public PenaltyOutcome ban(PeerId peer, String ip, long nowMillis) {
        Entry e = entry(peer, nowMillis);
        e.points = Math.max(e.points, policy.banThreshold());
        if (e.banUntil <= nowMillis) {
            e.banCount++;
        }
        e.banUntil = Math.max(e.banUntil, nowMillis + policy.banDuration().toMillis());
        if (ip != null) {
            banIp(ip, policy.banDuration().toMillis(), nowMillis);
        }
        return new PenaltyOutcome(e.points, true, e.banUntil);
    }

    /** Bans an IP for {@code durationMillis} (no-op for exempt IPs); a longer existing ban is kept. */
    public void banIp(String ip, long durationMillis, long nowMillis) {
        if (policy.ipBanExempt().contains(ip)) {
            return;
        }
        ipBans.merge(ip, nowMillis + durationMillis, Math::max);
    }

    public boolean isBanned(PeerId peer, long nowMillis) {
        Entry e = peers.get(peer);
        return e != null && e.banUntil > nowMillis;
    }

    public boolean isIpBanned(String ip, long nowMillis) {
        Long until = ipBans.get(ip);
        return until != null && until > nowMillis;
    }

    /** Records one keepalive round trip. */
    public void recordRtt(PeerId peer, long rttMillis, long nowMillis) {
        Entry e = entry(peer, nowMillis);
        e.rtts.addLast(Math.max(0, rttMillis));
        while (e.rtts.size() > policy.rttWindow()) {
            e.rtts.removeFirst();
        }
    }

    public PeerReputation reputation(PeerId peer, long nowMillis) {
        Entry e = peers.get(peer);
        if (e == null) {
            return new PeerReputation(0, false, OptionalLong.empty(), 0, OptionalLong.empty(), 1.0 / 1000);
        }
        expireOne(e, nowMillis);
        boolean banned = e.banUntil > nowMillis;
        OptionalLong avg = e.rtts.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(Math.round(e.rtts.stream().mapToLong(Long::longValue).average().orElse(0)));
        double trust = Math.max(0.0, 1.0 - (double) e.points / policy.banThreshold());
        double score = trust / Math.max(1, avg.orElse(1000));
        return new PeerReputation(e.points, banned, banned ? OptionalLong.of(e.banUntil) : OptionalLong.empty(),
                e.banCount, avg, score);
    }

    /** Ends expired bans (points reset to 0) and forgets entries that carry no information. */
    public void expire(long nowMillis) {
        for (Iterator<Entry> it = peers.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            expireOne(e, nowMillis);
            if (e.points == 0 && e.banUntil == 0 && e.rtts.isEmpty() && e.banCount == 0) {
                it.remove();
            }
        }
        ipBans.values().removeIf(until -> until <= nowMillis);
    }

    /** Number of currently banned PeerIds and IPs, for stats. */
    public int bannedPeerCount(long nowMillis) {
        return (int) peers.values().stream().filter(e -> e.banUntil > nowMillis).count();
    }

    public int bannedIpCount(long nowMillis) {
        return (int) ipBans.values().stream().filter(u -> u > nowMillis).count();
    }

    private Entry entry(PeerId peer, long nowMillis) {
        Entry e = peers.computeIfAbsent(peer, p -> new Entry());
        expireOne(e, nowMillis);
        return e;
    }

    private static void expireOne(Entry e, long nowMillis) {
        if (e.banUntil != 0 && e.banUntil <= nowMillis) {
            e.banUntil = 0;
            e.points = 0;
        }
    }
}
