package net.dig.gossip;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Penalty points, bans and RTT for every peer this node has seen, keyed by {@link PeerId}, with a
 * parallel ban list keyed by IP so a banned peer cannot come back under a fresh certificate.
 *
 * <p>Rules (seed, dig-gossip {@code reputation.rs}): each {@link PenaltyReason} adds its points; at
 * {@link BanPolicy#banThreshold()} the PeerId and its IP are banned for {@link BanPolicy#banDuration()};
 * when the ban expires the points reset to 0. Short protocol bans (Chia's 10 s for a bad handshake,
 * 300 s for a rate-limit violation) are by IP, via {@link #banIp}, and may also hold the PeerId, via
 * {@link #banFor}, so the peer cannot come straight back on a fresh connection. IPs in
 * {@link BanPolicy#ipBanExempt()} are never IP-banned (Chia's localhost rule), only their PeerIds.
 *
 * <p>Points are also kept per address (outside loopback), so a peer that changes its certificate after
 * every penalty still reaches the threshold: at {@link BanPolicy#banThreshold()} points from one address the
 * address is banned for the ban duration. An address's points are forgotten a ban duration after its last
 * penalty. Loopback addresses ({@code 127.0.0.0/8}, {@code ::1}) collect no address points: everything on
 * one machine shares them, and local networks and tests run many peers there.
 *
 * <h2>Concurrency</h2>
 * Sans-I/O (time is an argument) and safe for any number of threads without a lock of its own: each
 * peer's state is an immutable {@code State} value behind an {@link AtomicReference}, and every change is
 * a compare-and-set of a new value computed from the old one (retried on contention), so a penalty is
 * never lost and a ban is decided exactly once per crossing of the threshold. IP bans are a
 * {@link ConcurrentHashMap} whose merges keep the later expiry. A reader sees each peer's state as of one
 * change, never half of one; counts over all peers are not a snapshot of one instant. {@link #expire}
 * retires an empty entry by swapping in a tombstone first, so a concurrent writer that still holds it
 * starts over on a fresh entry instead of writing into a removed one.
 *
 * <p>Memory: one entry per PeerId ever penalised or measured; {@link #expire} drops entries that are
 * back to zero points, unbanned, never banned and without RTT samples.
 */
public final class PeerReputations {
    private final BanPolicy policy;
    private final ConcurrentHashMap<PeerId, AtomicReference<State>> peers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> ipBans = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AddressPoints> addressPoints = new ConcurrentHashMap<>();

    /** Penalty points charged to one address, and when the last was. */
    private record AddressPoints(int points, long lastMillis) {}

    /** One peer's reputation at one change; {@link #RETIRED} marks an entry removed by {@link #expire}. */
    private record State(int points, long banUntil, int banCount, long[] rtts) {
        static final State EMPTY = new State(0, 0, 0, new long[0]);
        static final State RETIRED = new State(0, 0, 0, new long[0]);

        State expired(long nowMillis) {
            return banUntil != 0 && banUntil <= nowMillis ? new State(0, 0, banCount, rtts) : this;
        }

        boolean carriesNothing() {
            return points == 0 && banUntil == 0 && banCount == 0 && rtts.length == 0;
        }
    }

    public PeerReputations(BanPolicy policy) {
        this.policy = policy;
    }

    /** What a penalty did. */
    public record PenaltyOutcome(int pointsNow, boolean bannedNow, long banUntilMillis) {}

    /** Adds the reason's points; bans PeerId and IP (unless exempt) when the threshold is reached. */
    public PenaltyOutcome penalize(PeerId peer, String ip, PenaltyReason reason, long nowMillis) {
        while (true) {
            AtomicReference<State> ref = entry(peer);
            State old = ref.get();
            if (old == State.RETIRED) {
                continue;
            }
            State s = old.expired(nowMillis);
            if (s.banUntil > nowMillis) {
                return new PenaltyOutcome(s.points, true, s.banUntil);
            }
            int points = s.points + reason.points();
            boolean bans = points >= policy.banThreshold();
            State next = bans ? new State(points, nowMillis + policy.banDuration().toMillis(), s.banCount + 1, s.rtts)
                    : new State(points, s.banUntil, s.banCount, s.rtts);
            if (ref.compareAndSet(old, next)) {
                if (bans && ip != null) {
                    banIp(ip, policy.banDuration().toMillis(), nowMillis);
                } else if (ip != null) {
                    chargeAddress(ip, reason.points(), nowMillis);
                }
                return new PenaltyOutcome(points, bans, bans ? next.banUntil : 0);
            }
        }
    }

    /**
     * A node now speaks under PeerId {@code to} where it spoke under {@code from} (its node key's announcement
     * re-bound, e.g. after a PeerId rotation): {@code to} takes the worse of the two standings (points, ban
     * end, ban count), so a fresh certificate neither sheds penalties nor escapes a ban. {@code from} keeps
     * its own. Returns whether {@code to} is banned now.
     */
    public boolean carryOver(PeerId from, PeerId to, long nowMillis) {
        AtomicReference<State> source = peers.get(from);
        if (source == null || from.equals(to)) {
            return isBanned(to, nowMillis);
        }
        State old = source.get().expired(nowMillis);
        State next = update(to, nowMillis, s -> new State(Math.max(s.points, old.points), Math.max(s.banUntil, old.banUntil),
                Math.max(s.banCount, old.banCount), s.rtts));
        return next.banUntil > nowMillis;
    }

    /** Bans a PeerId (and its IP unless exempt) right away, whatever its points (seed {@code ban_peer}). */
    public PenaltyOutcome ban(PeerId peer, String ip, long nowMillis) {
        State next = update(peer, nowMillis, s -> new State(Math.max(s.points, policy.banThreshold()),
                Math.max(s.banUntil, nowMillis + policy.banDuration().toMillis()),
                s.banUntil <= nowMillis ? s.banCount + 1 : s.banCount, s.rtts));
        if (ip != null) {
            banIp(ip, policy.banDuration().toMillis(), nowMillis);
        }
        return new PenaltyOutcome(next.points, true, next.banUntil);
    }

    /**
     * Bans a PeerId for {@code durationMillis} (a longer ban in force is kept), and its IP unless exempt: a
     * short protocol ban that also outlasts a reconnect under the same certificate.
     */
    public void banFor(PeerId peer, String ip, long durationMillis, long nowMillis) {
        update(peer, nowMillis, s -> new State(s.points, Math.max(s.banUntil, nowMillis + durationMillis),
                s.banUntil <= nowMillis ? s.banCount + 1 : s.banCount, s.rtts));
        if (ip != null) {
            banIp(ip, durationMillis, nowMillis);
        }
    }

    private void chargeAddress(String ip, int points, long nowMillis) {
        if (isLoopback(ip)) {
            return;
        }
        AddressPoints now = addressPoints.merge(ip, new AddressPoints(points, nowMillis),
                (a, b) -> new AddressPoints(a.points + b.points, b.lastMillis));
        if (now.points >= policy.banThreshold() && addressPoints.remove(ip, now)) {
            banIp(ip, policy.banDuration().toMillis(), nowMillis);
        }
    }

    /** Points charged to {@code ip} and not yet forgotten (0 for loopback, which is never charged). */
    public int addressPoints(String ip) {
        AddressPoints p = addressPoints.get(ip);
        return p == null ? 0 : p.points;
    }

    /** Addresses with points, for stats and leak checks. */
    public int addressesWithPoints() {
        return addressPoints.size();
    }

    private static boolean isLoopback(String ip) {
        try {
            return java.net.InetAddress.ofLiteral(ip).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Bans an IP for {@code durationMillis} (no-op for exempt IPs); a longer existing ban is kept. */
    public void banIp(String ip, long durationMillis, long nowMillis) {
        if (policy.ipBanExempt().contains(ip)) {
            return;
        }
        ipBans.merge(ip, nowMillis + durationMillis, Math::max);
    }

    public boolean isBanned(PeerId peer, long nowMillis) {
        AtomicReference<State> ref = peers.get(peer);
        return ref != null && ref.get().banUntil > nowMillis;
    }

    public boolean isIpBanned(String ip, long nowMillis) {
        Long until = ipBans.get(ip);
        return until != null && until > nowMillis;
    }

    /** Records one keepalive round trip. */
    public void recordRtt(PeerId peer, long rttMillis, long nowMillis) {
        long sample = Math.max(0, rttMillis);
        update(peer, nowMillis, s -> {
            long[] rtts = s.rtts.length < policy.rttWindow() ? Arrays.copyOf(s.rtts, s.rtts.length + 1)
                    : Arrays.copyOfRange(s.rtts, 1, s.rtts.length + 1);
            rtts[rtts.length - 1] = sample;
            return new State(s.points, s.banUntil, s.banCount, rtts);
        });
    }

    public PeerReputation reputation(PeerId peer, long nowMillis) {
        AtomicReference<State> ref = peers.get(peer);
        State e = ref == null ? State.EMPTY : ref.get().expired(nowMillis);
        if (ref == null || e == State.RETIRED) {
            return new PeerReputation(0, false, OptionalLong.empty(), 0, OptionalLong.empty(), 1.0 / 1000);
        }
        boolean banned = e.banUntil > nowMillis;
        OptionalLong avg = e.rtts.length == 0 ? OptionalLong.empty()
                : OptionalLong.of(Math.round(Arrays.stream(e.rtts).average().orElse(0)));
        double trust = Math.max(0.0, 1.0 - (double) e.points / policy.banThreshold());
        double score = trust / Math.max(1, avg.orElse(1000));
        return new PeerReputation(e.points, banned, banned ? OptionalLong.of(e.banUntil) : OptionalLong.empty(),
                e.banCount, avg, score);
    }

    /** Ends expired bans (points reset to 0) and forgets entries that carry no information. */
    public void expire(long nowMillis) {
        for (Map.Entry<PeerId, AtomicReference<State>> entry : peers.entrySet()) {
            AtomicReference<State> ref = entry.getValue();
            State old = ref.get();
            State s = old.expired(nowMillis);
            if (s.carriesNothing()) {
                if (ref.compareAndSet(old, State.RETIRED)) {
                    peers.remove(entry.getKey(), ref);
                }
            } else if (s != old) {
                ref.compareAndSet(old, s);
            }
        }
        ipBans.values().removeIf(until -> until <= nowMillis);
        addressPoints.values().removeIf(p -> p.lastMillis + policy.banDuration().toMillis() <= nowMillis);
    }

    /** Number of currently banned PeerIds and IPs, for stats. */
    public int bannedPeerCount(long nowMillis) {
        return (int) peers.values().stream().filter(r -> r.get().banUntil > nowMillis).count();
    }

    public int bannedIpCount(long nowMillis) {
        return (int) ipBans.values().stream().filter(u -> u > nowMillis).count();
    }

    private AtomicReference<State> entry(PeerId peer) {
        return peers.computeIfAbsent(peer, p -> new AtomicReference<>(State.EMPTY));
    }

    /** Applies {@code change} to the peer's state (with an expired ban ended first) by compare-and-set. */
    private State update(PeerId peer, long nowMillis, java.util.function.UnaryOperator<State> change) {
        while (true) {
            AtomicReference<State> ref = entry(peer);
            State old = ref.get();
            if (old == State.RETIRED) {
                continue;
            }
            State next = change.apply(old.expired(nowMillis));
            if (ref.compareAndSet(old, next)) {
                return next;
            }
        }
    }
}
