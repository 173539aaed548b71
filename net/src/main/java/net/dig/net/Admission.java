package net.dig.net;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Decides, when a TCP connection is accepted and before any TLS work, whether the node takes it.
 *
 * <p>Two caps: {@code maxConnections} over live peers plus connections still handshaking, and
 * {@code maxInflightHandshakes} over connections accepted but not yet through the Chia handshake
 * (dig-gossip uses 4 x max_connections = 200). A banned address is not refused here but answered
 * with HTTP 403 on the WebSocket upgrade, as Chia does (docs/formats/wire.md), by {@link UpgradeGate}.
 *
 * <p>Thread-safe: counters are atomics; {@link #tryAcquire} and {@link #release} are called from
 * any event loop.
 */
final class Admission {
    private final int maxConnections;
    private final int maxInflightHandshakes;
    private final IntSupplier livePeers;
    private final Predicate<InetAddress> banned;
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    Admission(int maxConnections, int maxInflightHandshakes, IntSupplier livePeers, Predicate<InetAddress> banned) {
        this.maxConnections = maxConnections;
        this.maxInflightHandshakes = maxInflightHandshakes;
        this.livePeers = livePeers;
        this.banned = banned;
    }

    /** Takes a handshake slot, or returns false (and counts a refusal) if a cap is reached. */
    boolean tryAcquire() {
        while (true) {
            int current = inflight.get();
            if (current >= maxInflightHandshakes || current + livePeers.getAsInt() >= maxConnections) {
                refused.incrementAndGet();
                return false;
            }
            if (inflight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives the handshake slot back (the connection became a peer, or closed first). */
    void release() {
        inflight.decrementAndGet();
    }

    boolean isBanned(InetAddress address) {
        return banned.test(address);
    }

    int inflight() {
        return inflight.get();
    }

    int refused() {
        return refused.get();
    }
}
