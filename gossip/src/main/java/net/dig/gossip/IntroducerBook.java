package net.dig.gossip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import net.dig.wire.RegisterAck;
import net.dig.wire.TimestampedPeerInfo;

/**
 * The state of a {@code dig-node introducer} server (Chia {@code chia/introducer/introducer.py},
 * {@code introducer_api.py}, {@code server/introducer_peers.py}; docs/formats/wire.md).
 *
 * <p>Peers arrive by registering (DIG 218, answered with {@link RegisterAck}) or by connecting to
 * the introducer as full nodes. Every vetting round (60 s) the server probes at most 100 random peers
 * with a plain TCP connect: a peer is due when it never succeeded or its last success is over 1 h old,
 * and at least 500 s have passed since its last probe. {@code vetted} counts consecutive successes
 * (positive) or failures (negative); a peer below −6 is forgotten. An answer to RequestPeersIntroducer
 * (63) holds at most 20 random peers seen within the last 6000 s with {@code vetted > 0}, excluding
 * the asker, timestamps set to 0.
 *
 * <p>Sans-I/O: time (epoch seconds) is an argument, randomness injected. Not thread-safe; one owner.
 * Memory is capped at {@link Settings#maxPeers()} entries; when full, new registrations are refused
 * ({@code RegisterAck(false)}) rather than evicting vetted peers.
 */
public final class IntroducerBook {
    /**
     * @param maxPeersToSend answer size (Chia {@code max_peers_to_send}, 20)
     * @param recentPeerThresholdSeconds how recently a peer must have been seen (Chia 6000 s)
     * @param vetBatch probes per round (Chia 100)
     * @param revetAfterSeconds re-probe a vetted peer after (Chia 3600 s)
     * @param minSecondsBetweenProbes (Chia 500 s)
     * @param forgetBelow drop a peer whose vetted score goes below this (Chia −6)
     * @param maxPeers entries kept at most
     * @param allowPrivate accept private/loopback addresses (local networks, tests)
     */
    public record Settings(int maxPeersToSend, long recentPeerThresholdSeconds, int vetBatch, long revetAfterSeconds,
            long minSecondsBetweenProbes, int forgetBelow, int maxPeers, boolean allowPrivate) {
        public static Settings defaults(boolean allowPrivate) {
            return new Settings(20, 6000, 100, 3600, 500, -6, 100_000, allowPrivate);
        }
    }

    /** A known peer, as the introducer sees it. Times in epoch seconds; 0 = never. */
    public record IntroducedPeer(PeerAddress address, long lastSeen, long lastAttempt, long lastSuccess, int vetted) {}

    private static final class Entry {
        final PeerAddress address;
        long lastSeen;
        long lastAttempt;
        long lastSuccess;
        int vetted;

        Entry(PeerAddress address) {
            this.address = address;
        }

        IntroducedPeer snapshot() {
            return new IntroducedPeer(address, lastSeen, lastAttempt, lastSuccess, vetted);
        }
    }

    private final Settings settings;
    private final RandomGenerator random;
    private final Map<PeerAddress, Entry> peers = new LinkedHashMap<>();

    public IntroducerBook(Settings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    /**
     * A RegisterPeer arrived. {@code address} is the sender's socket IP with the port it registered
     * (the net layer must not trust the ip field of the body). Refused: port 0, private addresses unless
     * allowed, a full book.
     */
    public RegisterAck onRegister(PeerAddress address, long nowSeconds) {
        return new RegisterAck(remember(address, nowSeconds));
    }

    /** A full node connected to the introducer: remember its listening address. */
    public boolean onFullNodeConnected(PeerAddress listening, long nowSeconds) {
        return remember(listening, nowSeconds);
    }

    private boolean remember(PeerAddress address, long nowSeconds) {
        if (address.port() == 0 || (!settings.allowPrivate() && (address.isPrivate() || address.isLoopback()))) {
            return false;
        }
        Entry e = peers.get(address);
        if (e == null) {
            if (peers.size() >= settings.maxPeers()) {
                return false;
            }
            e = new Entry(address);
            peers.put(address, e);
        }
        e.lastSeen = Math.max(e.lastSeen, nowSeconds);
        return true;
    }

    /** Peers to probe this round (at most {@code vetBatch}, chosen at random among those due). */
    public List<PeerAddress> peersToVet(long nowSeconds) {
        List<PeerAddress> due = new ArrayList<>();
        for (Entry e : peers.values()) {
            boolean needs = e.lastSuccess == 0 || nowSeconds - e.lastSuccess > settings.revetAfterSeconds();
            boolean rested = e.lastAttempt == 0 || nowSeconds - e.lastAttempt >= settings.minSecondsBetweenProbes();
            if (needs && rested) {
                due.add(e.address);
            }
        }
        shuffle(due);
        List<PeerAddress> batch = due.size() > settings.vetBatch() ? due.subList(0, settings.vetBatch()) : due;
        for (PeerAddress p : batch) {
            peers.get(p).lastAttempt = nowSeconds;
        }
        return List.copyOf(batch);
    }

    /** The outcome of one probe. */
    public void onVetResult(PeerAddress address, boolean reachable, long nowSeconds) {
        Entry e = peers.get(address);
        if (e == null) {
            return;
        }
        if (reachable) {
            e.vetted = Math.max(e.vetted, 0) + 1;
            e.lastSuccess = nowSeconds;
            e.lastSeen = Math.max(e.lastSeen, nowSeconds);
        } else {
            e.vetted = Math.min(e.vetted, 0) - 1;
            if (e.vetted < settings.forgetBelow()) {
                peers.remove(address);
            }
        }
    }

    /** The answer to RequestPeersIntroducer from {@code asker} (its listening address). */
    public List<TimestampedPeerInfo> answer(PeerAddress asker, long nowSeconds) {
        List<Entry> eligible = new ArrayList<>();
        for (Entry e : peers.values()) {
            if (e.vetted > 0 && nowSeconds - e.lastSeen <= settings.recentPeerThresholdSeconds() && !e.address.equals(asker)) {
                eligible.add(e);
            }
        }
        shuffle(eligible);
        return eligible.stream().limit(settings.maxPeersToSend())
                .map(e -> new TimestampedPeerInfo(e.address.host(), e.address.port(), 0)).toList();
    }

    public int size() {
        return peers.size();
    }

    public List<IntroducedPeer> peers() {
        return peers.values().stream().map(Entry::snapshot).toList();
    }

    private <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}
