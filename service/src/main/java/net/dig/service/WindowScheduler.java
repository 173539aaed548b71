package net.dig.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.random.RandomGenerator;

/**
 * Which provider of a {@link FetchSession} is asked for the next window, and which outstanding window is
 * asked of a second provider at the tail of a fetch. Sans-I/O: the session reports what it sent and what
 * came back, with the injected clock's time.
 *
 * <h2>Observed rate</h2>
 * Each answer gives a sample: its bytes over the time since the later of its request and the provider's
 * previous answer (with requests pipelined, the time the provider spent on it alone). The samples are
 * smoothed (exponentially weighted); a provider has no rate until an answer took measurable time.
 *
 * <h2>Choosing a provider</h2>
 * Pull-based: a provider is asked only while below {@link FetchConfig#inFlightPerPeer()} and not paused,
 * so each one takes new windows as fast as it answers them, in proportion to its rate. Among those with a
 * free slot the one with the fewest requests outstanding wins, so that while the session's total bound
 * binds every provider stays busy (giving the free slots to the fastest alone would leave slower ones
 * idle and lower the sum); among those the fastest (a provider without a rate yet counts as fast as the
 * fastest known, so it gets tried), then the injected random.
 *
 * <h2>The tail</h2>
 * Once every remaining window is asked for, a provider with a free slot and a rate takes over
 * ({@link #hedge}) the last window of the provider that looks slowest, if it is at least
 * {@link #HEDGE_FACTOR} times faster than that one looks now: the slower one's rate, lowered to what its
 * oldest outstanding window shows if that one is taking longer than its rate predicts (a provider that
 * slowed down or stalls below the timeout). Whichever answer comes first is used; the other one is
 * ignored when it arrives, and only frees its slot.
 *
 * <p>Not thread-safe: the session calls it under its own lock.
 */
final class WindowScheduler<P> {
    /** How much faster an idle provider must be than the busy one before it asks for the same window. */
    static final double HEDGE_FACTOR = 2.0;
    private static final double SMOOTHING = 0.3;

    /** A window to ask {@code to} for again: the request {@code requestId} outstanding elsewhere. */
    record Hedge<P>(P to, long requestId) {
    }

    private record Sent(long at, long bytes) {
    }

    private static final class Peer {
        /** Outstanding requests in the order they were sent. */
        final LinkedHashMap<Long, Sent> outstanding = new LinkedHashMap<>();
        long outstandingBytes;
        long notBefore;
        long lastAnswer = Long.MIN_VALUE;
        /** Smoothed bytes per nanosecond; 0 until known. */
        double rate;
    }

    private final Map<P, Peer> peers = new LinkedHashMap<>();
    private final int perPeer;
    private final RandomGenerator random;

    WindowScheduler(int perPeer, RandomGenerator random) {
        this.perPeer = perPeer;
        this.random = Objects.requireNonNull(random, "random");
    }

    void add(P peer) {
        peers.putIfAbsent(peer, new Peer());
    }

    void remove(P peer) {
        peers.remove(peer);
    }

    boolean contains(P peer) {
        return peers.containsKey(peer);
    }

    boolean isEmpty() {
        return peers.isEmpty();
    }

    /** No new request to {@code peer} before {@code until}. */
    void pause(P peer, long until) {
        Peer p = peers.get(peer);
        if (p != null) {
            p.notBefore = until;
        }
    }

    /** Request {@code id} of {@code bytes} went to {@code peer}. */
    void sent(P peer, long id, long bytes, long now) {
        Peer p = peers.get(peer);
        p.outstanding.put(id, new Sent(now, bytes));
        p.outstandingBytes += bytes;
    }

    /** {@code peer} answered request {@code id} with {@code bytes} of data (0 for a refusal, which gives no sample). */
    void answered(P peer, long id, long bytes, long now) {
        Peer p = peers.get(peer);
        if (p == null) {
            return;
        }
        Sent s = p.outstanding.remove(id);
        if (s == null) {
            return;
        }
        p.outstandingBytes -= s.bytes();
        long elapsed = now - Math.max(s.at(), p.lastAnswer);
        p.lastAnswer = now;
        if (bytes > 0 && elapsed > 0) {
            double sample = (double) bytes / elapsed;
            p.rate = p.rate == 0 ? sample : p.rate + SMOOTHING * (sample - p.rate);
        }
    }

    /** The observed rate of {@code peer} in bytes per second; 0 while unknown. */
    double bytesPerSecond(P peer) {
        Peer p = peers.get(peer);
        return p == null ? 0 : p.rate * 1e9;
    }

    /** The provider to ask for a new window; null when none has a free slot. */
    P pick(long now) {
        double fastest = 0;
        for (Peer p : peers.values()) {
            fastest = Math.max(fastest, p.rate);
        }
        List<P> best = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        double fastestFree = -1;
        for (Map.Entry<P, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            if (!free(p, now)) {
                continue;
            }
            int n = p.outstanding.size();
            double rate = p.rate == 0 ? fastest : p.rate;
            if (n < fewest || n == fewest && rate > fastestFree) {
                fewest = n;
                fastestFree = rate;
                best.clear();
            }
            if (n == fewest && rate == fastestFree) {
                best.add(e.getKey());
            }
        }
        return best.isEmpty() ? null : best.get(random.nextInt(best.size()));
    }

    /**
     * A window to ask again of an idle provider, as in the class note; null if none is worth it.
     * {@code may} says whether request {@code id} may be asked of provider {@code to} (a window, not yet
     * asked twice).
     */
    Hedge<P> hedge(long now, BiPredicate<P, Long> may) {
        P to = null;
        double fastest = 0;
        for (Map.Entry<P, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            if (free(p, now) && p.rate > fastest) {
                fastest = p.rate;
                to = e.getKey();
            }
        }
        if (to == null) {
            return null;
        }
        P slowest = null;
        double slowestRate = fastest / HEDGE_FACTOR;
        for (Map.Entry<P, Peer> e : peers.entrySet()) {
            if (e.getKey().equals(to) || e.getValue().outstanding.isEmpty()) {
                continue;
            }
            double r = apparentRate(e.getValue(), now);
            if (r < slowestRate) {
                slowestRate = r;
                slowest = e.getKey();
            }
        }
        if (slowest == null) {
            return null;
        }
        List<Long> ids = new ArrayList<>(peers.get(slowest).outstanding.keySet());
        for (int i = ids.size() - 1; i >= 0; i--) {
            if (may.test(to, ids.get(i))) {
                return new Hedge<>(to, ids.get(i));
            }
        }
        return null;
    }

    private boolean free(Peer p, long now) {
        return p.outstanding.size() < perPeer && now - p.notBefore >= 0;
    }

    /** The peer's rate, lowered to what its oldest outstanding window shows so far; infinite if nothing shows. */
    private static double apparentRate(Peer p, long now) {
        Sent head = p.outstanding.firstEntry().getValue();
        long since = now - Math.max(head.at(), p.lastAnswer);
        double shown = since > 0 && head.bytes() > 0 ? (double) head.bytes() / since : Double.POSITIVE_INFINITY;
        return p.rate == 0 ? shown : Math.min(p.rate, shown);
    }
}
