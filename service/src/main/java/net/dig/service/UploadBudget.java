package net.dig.service;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How many capsule bytes this node uploads to peers: a token bucket per peer and one for all peers
 * together, in bytes per second, filled by an injected monotonic time ({@code nowNanos}).
 *
 * <p>{@link #tryAcquire} takes {@code bytes} from the peer's bucket and the global one only when both
 * hold them, so a refused window costs nothing; a refusal says how long until both would. A peer's
 * bucket holds at most {@code burstBytes}, which must cover one window and its prologue (checked by
 * {@link CapsuleWindows}); the global one a second of the global rate, or the burst if that is more. Buckets of at most {@code maxPeers} peers are kept: when a new peer would
 * exceed that, full buckets (indistinguishable from new ones) are dropped first, then the oldest.
 *
 * <p>Thread-safe (one lock; a few arithmetic operations under it).
 */
public final class UploadBudget {
    /**
     * @param perPeerBytesPerSecond the rate one peer is served at, at most
     * @param globalBytesPerSecond  the rate all peers together are served at, at most
     * @param burstBytes            what a bucket holds when full (at least one window and its prologue)
     * @param maxPeers              peers whose buckets are remembered
     */
    public record Settings(long perPeerBytesPerSecond, long globalBytesPerSecond, long burstBytes, int maxPeers) {
        public Settings {
            if (perPeerBytesPerSecond <= 0 || globalBytesPerSecond <= 0) {
                throw new IllegalArgumentException("upload rates must be positive bytes per second, got " + perPeerBytesPerSecond
                        + " per peer and " + globalBytesPerSecond + " in all");
            }
            if (burstBytes <= 0 || maxPeers < 1) {
                throw new IllegalArgumentException("upload burst_bytes and max_peers must be positive, got " + burstBytes + " and "
                        + maxPeers);
            }
        }

        /** 8 MiB/s per peer, 32 MiB/s in all, a 6 MiB burst, 4096 peers remembered. */
        public static Settings defaults() {
            return new Settings(8L << 20, 32L << 20, 6L << 20, 4096);
        }
    }

    /** The verdict: granted, or the wait until the bytes would be. */
    public record Grant(boolean granted, long retryAfterMillis) {
        static final Grant YES = new Grant(true, 0);
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        void refill(long now, long rate, long burst) {
            if (now > at) {
                tokens = Math.min(burst, tokens + (now - at) * (rate / 1e9));
                at = now;
            }
        }

        long nanosUntil(long bytes, long rate) {
            return tokens >= bytes ? 0 : (long) Math.ceil((bytes - tokens) * 1e9 / rate);
        }
    }

    private final Settings settings;
    private final long globalBurst;
    private final Bucket global;
    private final Map<Object, Bucket> peers = new HashMap<>();

    private long granted;

    public UploadBudget(Settings settings, long nowNanos) {
        this.settings = settings;
        this.globalBurst = Math.max(settings.burstBytes(), settings.globalBytesPerSecond());
        this.global = new Bucket(globalBurst, nowNanos);
    }

    public Settings settings() {
        return settings;
    }

    /** The bytes granted since this budget was made: what capsule windows uploaded to peers. */
    public synchronized long bytesGranted() {
        return granted;
    }

    /** Takes {@code bytes} for {@code peer} at {@code nowNanos}, or says when to ask again. */
    public synchronized Grant tryAcquire(Object peer, long bytes, long nowNanos) {
        if (bytes > settings.burstBytes()) {
            throw new IllegalArgumentException(bytes + " bytes can never pass a burst of " + settings.burstBytes());
        }
        Bucket mine = peers.get(peer);
        if (mine == null) {
            makeRoom(nowNanos);
            mine = new Bucket(settings.burstBytes(), nowNanos);
            peers.put(peer, mine);
        }
        mine.refill(nowNanos, settings.perPeerBytesPerSecond(), settings.burstBytes());
        global.refill(nowNanos, settings.globalBytesPerSecond(), globalBurst);
        long wait = Math.max(mine.nanosUntil(bytes, settings.perPeerBytesPerSecond()),
                global.nanosUntil(bytes, settings.globalBytesPerSecond()));
        if (wait > 0) {
            return new Grant(false, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1));
        }
        mine.tokens -= bytes;
        global.tokens -= bytes;
        granted += bytes;
        return Grant.YES;
    }

    private void makeRoom(long now) {
        if (peers.size() < settings.maxPeers()) {
            return;
        }
        Iterator<Bucket> it = peers.values().iterator();
        while (it.hasNext()) {
            Bucket b = it.next();
            b.refill(now, settings.perPeerBytesPerSecond(), settings.burstBytes());
            if (b.tokens >= settings.burstBytes()) {
                it.remove();
            }
        }
        if (peers.size() >= settings.maxPeers()) {
            Object oldest = null;
            long at = Long.MAX_VALUE;
            for (Map.Entry<Object, Bucket> e : peers.entrySet()) {
                if (e.getValue().at < at) {
                    at = e.getValue().at;
                    oldest = e.getKey();
                }
            }
            peers.remove(oldest);
        }
    }

    /** Peers whose buckets are remembered now. */
    synchronized int trackedPeers() {
        return peers.size();
    }
}
