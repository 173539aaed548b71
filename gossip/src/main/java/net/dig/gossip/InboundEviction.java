package net.dig.gossip;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which inbound connection to drop when a new one arrives and there is no room, after Bitcoin Core's
 * inbound eviction ({@code SelectNodeToEvict}). An attacker can open many connections, but it cannot
 * easily be in many network groups at once, be the fastest peers, be the peers that delivered useful
 * messages lately and be the longest connected, all at the same time; whoever is all of none of these
 * is the one to go, taken from the network group that holds the most connections.
 *
 * <h2>Established peers ({@link #established})</h2>
 * <pre>
 *  candidates = every inbound peer
 *  protect  byNetgroup   one peer (the longest connected) of each of that many groups, groups ordered by a
 *                        keyed hash of their key (the key is this node's secret: an attacker cannot know
 *                        which groups are protected)
 *  protect  byLatency    the lowest round-trip times (peers without a sample last)
 *  protect  byUseful     the most recent useful messages (peers that never sent one are not protected)
 *  protect  longevity%   of what remains, the longest connected
 *  evict    from the group with the most remaining candidates (tie: the group whose youngest member is
 *           youngest), its youngest member; no candidate left: evict nobody (the newcomer is refused)
 * </pre>
 *
 * <h2>Connections still handshaking ({@link #pending})</h2>
 * A newcomer may displace a handshaking connection only from a group that holds more handshakes than the
 * newcomer's own group: one source cannot displace itself (its surplus is refused), while a peer from a
 * group that is not flooding always finds room. Of the candidates in the most represented groups, the one
 * that got least far (TCP only, then TLS done, then upgraded) and then the oldest goes.
 *
 * <p>Sans-I/O and stateless: time and addresses are values in the arguments, the secret comes from the
 * caller's random source. Thread-safe.
 */
public final class InboundEviction {
    /**
     * How many peers each rule protects.
     *
     * @param byNetgroup       peers protected for their network group (Bitcoin Core: 4)
     * @param byLatency        peers protected for the lowest RTT (8)
     * @param byUseful         peers protected for the most recent useful message (4 + 4 in Bitcoin Core, for
     *                         transactions and blocks; one kind here)
     * @param longevityPercent share of the remaining candidates protected for the longest connection (50)
     */
    public record Settings(int byNetgroup, int byLatency, int byUseful, int longevityPercent) {
        public static final Settings DEFAULT = new Settings(4, 8, 4, 50);

        public Settings {
            if (byNetgroup < 0 || byLatency < 0 || byUseful < 0 || longevityPercent < 0 || longevityPercent > 100) {
                throw new IllegalArgumentException("eviction protections must be >= 0 (longevity a percentage), got "
                        + byNetgroup + "/" + byLatency + "/" + byUseful + "/" + longevityPercent);
            }
        }
    }

    /**
     * An established inbound peer.
     *
     * @param rttMillis        smoothed round-trip time, or -1 without a sample
     * @param lastUsefulMillis when it last delivered a useful message, or 0 if never
     */
    public record Peer<K>(K key, Netgroup netgroup, long connectedMillis, long rttMillis, long lastUsefulMillis) {}

    /**
     * A connection still handshaking.
     *
     * @param stage    how far it got (larger = further)
     * @param sequence order of acceptance (smaller = older)
     */
    public record Pending<K>(K key, Netgroup netgroup, int stage, long sequence) {}

    private final Settings settings;
    private final long secret;

    public InboundEviction(Settings settings, long secret) {
        this.settings = settings;
        this.secret = secret;
    }

    /** The peer to disconnect so a new inbound peer fits, or empty if every candidate is protected. */
    public <K> Optional<K> established(List<Peer<K>> inbound) {
        List<Peer<K>> left = new ArrayList<>(inbound);
        protectByNetgroup(left);
        protect(left, Comparator.comparingLong(p -> p.rttMillis() < 0 ? Long.MAX_VALUE : p.rttMillis()), settings.byLatency());
        List<Peer<K>> useful = new ArrayList<>(left.stream().filter(p -> p.lastUsefulMillis() > 0).toList());
        useful.sort(Comparator.comparingLong((Peer<K> p) -> p.lastUsefulMillis()).reversed());
        left.removeAll(useful.subList(0, Math.min(settings.byUseful(), useful.size())));
        protect(left, Comparator.comparingLong(Peer::connectedMillis), left.size() * settings.longevityPercent() / 100);
        if (left.isEmpty()) {
            return Optional.empty();
        }
        Map<Netgroup, List<Peer<K>>> groups = new LinkedHashMap<>();
        for (Peer<K> p : left) {
            groups.computeIfAbsent(p.netgroup(), g -> new ArrayList<>()).add(p);
        }
        List<Peer<K>> biggest = null;
        long biggestYoungest = Long.MIN_VALUE;
        for (List<Peer<K>> members : groups.values()) {
            long youngest = members.stream().mapToLong(Peer::connectedMillis).max().orElseThrow();
            if (biggest == null || members.size() > biggest.size() || (members.size() == biggest.size() && youngest > biggestYoungest)) {
                biggest = members;
                biggestYoungest = youngest;
            }
        }
        return biggest.stream().max(Comparator.comparingLong(Peer::connectedMillis)).map(Peer::key);
    }

    /** The handshaking connection a newcomer from {@code newcomer} displaces, or empty if it is refused. */
    public static <K> Optional<K> pending(List<Pending<K>> pending, Netgroup newcomer) {
        Map<Netgroup, Integer> counts = new HashMap<>();
        for (Pending<K> p : pending) {
            counts.merge(p.netgroup(), 1, Integer::sum);
        }
        int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (most <= counts.getOrDefault(newcomer, 0)) {
            return Optional.empty();
        }
        return pending.stream().filter(p -> counts.get(p.netgroup()) == most)
                .min(Comparator.comparingInt((Pending<K> p) -> p.stage()).thenComparingLong(Pending::sequence))
                .map(Pending::key);
    }

    private <K> void protectByNetgroup(List<Peer<K>> left) {
        Map<Netgroup, Peer<K>> oldestOfGroup = new HashMap<>();
        for (Peer<K> p : left) {
            oldestOfGroup.merge(p.netgroup(), p, (a, b) -> a.connectedMillis() <= b.connectedMillis() ? a : b);
        }
        List<Netgroup> order = new ArrayList<>(oldestOfGroup.keySet());
        order.sort(Comparator.comparingLong(this::keyed).thenComparing(Netgroup::key));
        for (Netgroup g : order.subList(0, Math.min(settings.byNetgroup(), order.size()))) {
            left.remove(oldestOfGroup.get(g));
        }
    }

    private static <K> void protect(List<Peer<K>> left, Comparator<Peer<K>> best, int count) {
        List<Peer<K>> sorted = new ArrayList<>(left);
        sorted.sort(best);
        left.removeAll(sorted.subList(0, Math.min(count, sorted.size())));
    }

    /** SplitMix64 of the secret and the group's key: an order of groups the remote side cannot predict. */
    private long keyed(Netgroup g) {
        long z = secret + 0x9E3779B97F4A7C15L * (g.key().hashCode() + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
