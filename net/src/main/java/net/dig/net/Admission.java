package net.dig.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import net.dig.core.Clock;
import net.dig.gossip.InboundEviction;
import net.dig.gossip.Netgroup;

/**
 * Decides, when a TCP connection is accepted and before any TLS work, whether the node takes it, and keeps
 * the slots of the connections still handshaking.
 *
 * <h2>Rules</h2>
 * <pre>
 *  from one address       at most limits.maxPerAddress handshakes in flight, else refused
 *  from one network group at most limits.maxPerNetgroup, else refused
 *  all sources            at most maxInflightHandshakes (dig-gossip: 4 x max_connections = 200); when full the
 *                         newcomer displaces a handshake of a group larger than its own
 *                         ({@link InboundEviction#pending}), else it is refused; of those, one that has been
 *                         silent longer than limits.silenceGrace goes first, then one that got least far
 * </pre>
 * The per-source caps do not apply to 127.0.0.1 and {@code ::1}, where every process of this host connects
 * from (a local network of many nodes on one machine; Chia exempts localhost from IP bans for the same
 * reason); those connections still take slots of the table, and other loopback addresses are capped.
 * So a source that holds or churns connections only ever competes with itself: it cannot fill the table
 * past its caps, and while many sources fill it, a peer from a quiet group still finds room. Connections
 * that became peers hold no slot here; {@code max_connections} over peers is enforced when a handshake is
 * admitted, with inbound eviction ({@link InboundEviction#established}). A banned address is not refused
 * here but answered with HTTP 403 on the WebSocket upgrade, as Chia does (docs/formats/wire.md), by
 * {@link UpgradeGate}.
 *
 * <h2>Concurrency</h2>
 * Called from every event loop: the table is guarded by this object's monitor, held for map updates and,
 * when the table is full, one pass over at most {@code maxInflightHandshakes} slots. A displaced
 * connection's slot is freed at once; its channel is closed through the slot's {@code evict} action, which
 * hops onto its own loop.
 */
final class Admission {
    /** How far a handshaking connection got: accepted and silent, sent its first bytes, TLS done, upgraded. */
    enum Stage { ACCEPTED, SPOKE, TLS_DONE, UPGRADED }

    /** One handshake in flight. */
    static final class Slot {
        private final InetAddress address;
        private final Netgroup group;
        private final long sequence;
        private final long acceptedMillis;
        private final Runnable evict;
        private Stage stage = Stage.ACCEPTED;
        private boolean released;

        private Slot(InetAddress address, Netgroup group, long sequence, long acceptedMillis, Runnable evict) {
            this.address = address;
            this.group = group;
            this.sequence = sequence;
            this.acceptedMillis = acceptedMillis;
            this.evict = evict;
        }
    }

    private final int maxInflight;
    private final AdmissionLimits limits;
    private final Predicate<InetAddress> banned;
    private final Clock clock;
    private final Set<Slot> slots = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private final Map<Netgroup, Integer> byGroup = new HashMap<>();
    private long sequence;
    private long attempts;
    private int refused;
    private int displaced;
    private int expired;

    Admission(int maxInflight, AdmissionLimits limits, Predicate<InetAddress> banned, Clock clock) {
        this.maxInflight = maxInflight;
        this.limits = limits;
        this.banned = banned;
        this.clock = clock;
    }

    /**
     * Takes a handshake slot for a connection from {@code address}, or returns empty (and counts a
     * refusal). {@code evict} closes the connection if a later newcomer displaces it.
     */
    Optional<Slot> tryAcquire(InetAddress address, Runnable evict) {
        Netgroup group = Netgroup.of(address);
        long now = clock.millis();
        Slot victim = null;
        Slot slot;
        synchronized (this) {
            attempts++;
            if (!isLocalhost(address) && (byAddress.getOrDefault(address, 0) >= limits.maxPerAddress()
                    || byGroup.getOrDefault(group, 0) >= limits.maxPerNetgroup())) {
                refused++;
                return Optional.empty();
            }
            if (slots.size() >= maxInflight) {
                List<InboundEviction.Pending<Slot>> pending = new ArrayList<>(slots.size());
                for (Slot s : slots) {
                    Stage rank = s.stage == Stage.ACCEPTED && now - s.acceptedMillis < limits.silenceGrace().toMillis()
                            ? Stage.SPOKE : s.stage;
                    pending.add(new InboundEviction.Pending<>(s, s.group, rank.ordinal(), s.sequence));
                }
                Optional<Slot> chosen = InboundEviction.pending(pending, group);
                if (chosen.isEmpty()) {
                    refused++;
                    return Optional.empty();
                }
                victim = chosen.get();
                free(victim);
                displaced++;
            }
            slot = new Slot(address, group, sequence++, now, evict);
            slots.add(slot);
            byAddress.merge(address, 1, Integer::sum);
            byGroup.merge(group, 1, Integer::sum);
        }
        if (victim != null) {
            victim.evict.run();
        }
        return Optional.of(slot);
    }

    /** The connection got further (TLS done, upgraded): it is displaced later than one that did not. */
    synchronized void progressed(Slot slot, Stage stage) {
        if (!slot.released && stage.compareTo(slot.stage) > 0) {
            slot.stage = stage;
        }
    }

    /** Gives the slot back (the connection became a peer, or closed first); idempotent. */
    synchronized void release(Slot slot) {
        if (!slot.released) {
            free(slot);
        }
    }

    /** The slot's connection missed the deadline ({@link AdmissionLimits#deadline}). */
    synchronized void expired(Slot slot) {
        if (!slot.released) {
            free(slot);
            expired++;
        }
    }

    private void free(Slot slot) {
        slot.released = true;
        slots.remove(slot);
        byAddress.computeIfPresent(slot.address, (a, n) -> n == 1 ? null : n - 1);
        byGroup.computeIfPresent(slot.group, (g, n) -> n == 1 ? null : n - 1);
    }

    /** 127.0.0.1 and ::1: where every local process connects from. */
    private static boolean isLocalhost(InetAddress address) {
        byte[] a = address.getAddress();
        return address.isLoopbackAddress() && (a.length == 4 ? a[3] == 1 && a[1] == 0 && a[2] == 0 : a[15] == 1);
    }

    boolean isBanned(InetAddress address) {
        return banned.test(address);
    }

    AdmissionLimits limits() {
        return limits;
    }

    synchronized int inflight() {
        return slots.size();
    }

    /** Connections that asked for a slot. */
    synchronized long attempts() {
        return attempts;
    }

    /** Connections refused a slot (per-source caps, or full with nobody to displace). */
    synchronized int refused() {
        return refused;
    }

    /** Handshakes closed to make room for a newcomer from a smaller group. */
    synchronized int displaced() {
        return displaced;
    }

    /** Handshakes closed at the deadline. */
    synchronized int expired() {
        return expired;
    }

    /** Addresses and network groups with a handshake in flight (0 and 0 when none is). */
    synchronized int trackedSources() {
        return byAddress.size() + byGroup.size();
    }
}
