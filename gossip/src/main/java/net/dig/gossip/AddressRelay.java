package net.dig.gossip;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.wire.TimestampedPeerInfo;

/**
 * Passes fresh single addresses on (Chia {@code node_discovery.py} {@code _address_relay}). When a full node sends a RespondPeers with exactly one entry dated within
 * the last 10 minutes (typically a self-advertisement), that entry is relayed to 2 connected full
 * nodes: those with the lowest {@code SHA-256(secret ‖ key(neighbour) ‖ u24(day))}, so the choice is
 * stable for a day and unpredictable to others, skipping the sender and neighbours already told about
 * that host. {@link #forgetDaily()} clears the "already told" memory (Chia does it every 24 h).
 *
 * <p>Sans-I/O: time (epoch seconds) is an argument. Not thread-safe; one owner. Memory: per
 * neighbour, the hosts relayed to it since the last {@link #forgetDaily()}, capped at 10 000.
 */
public final class AddressRelay {
    static final int RELAY_FANOUT = 2;
    static final long FRESH_SECONDS = 600;
    static final int MAX_REMEMBERED_PER_NEIGHBOUR = 10_000;

    /** Send {@code RespondPeers([entry])} to each of {@code to}. */
    public record Relay(TimestampedPeerInfo entry, List<PeerAddress> to) {}

    private final byte[] secret;
    private final Map<PeerAddress, Set<String>> told = new HashMap<>();

    public AddressRelay(Bytes32 secret) {
        this.secret = secret.toArray();
    }

    /**
     * The relay, if any, for a peer list received from {@code sender}; {@code neighbours} are the
     * addresses of the currently connected full nodes.
     */
    public List<Relay> onPeerList(PeerAddress sender, List<TimestampedPeerInfo> received, List<PeerAddress> neighbours,
            long nowSeconds) {
        if (received.size() != 1) {
            return List.of();
        }
        TimestampedPeerInfo entry = received.get(0);
        long ts = entry.timestamp();
        if (ts < 0 || ts > nowSeconds + FRESH_SECONDS || nowSeconds - ts > FRESH_SECONDS
                || PeerAddress.parse(entry.host(), entry.port()).isEmpty()) {
            return List.of();
        }
        byte[] day = u24(nowSeconds / 86_400);
        record Ranked(PeerAddress neighbour, Bytes32 rank) {}
        List<Ranked> ranked = new ArrayList<>();
        for (PeerAddress n : neighbours) {
            if (n.equals(sender) || told.getOrDefault(n, Set.of()).contains(entry.host())) {
                continue;
            }
            ranked.add(new Ranked(n, Sha256.hash(secret, n.key(), day)));
        }
        ranked.sort(Comparator.comparing(Ranked::rank));
        List<PeerAddress> to = new ArrayList<>();
        for (Ranked r : ranked.subList(0, Math.min(RELAY_FANOUT, ranked.size()))) {
            Set<String> hosts = told.computeIfAbsent(r.neighbour(), k -> new HashSet<>());
            if (hosts.size() < MAX_REMEMBERED_PER_NEIGHBOUR) {
                hosts.add(entry.host());
            }
            to.add(r.neighbour());
        }
        return to.isEmpty() ? List.of() : List.of(new Relay(entry, List.copyOf(to)));
    }

    /** A neighbour disconnected: forget what it was told. */
    public void onDisconnected(PeerAddress neighbour) {
        told.remove(neighbour);
    }

    /** Clears the "already told" memory; call every 24 h with the self-advertisement. */
    public void forgetDaily() {
        told.clear();
    }

    private static byte[] u24(long v) {
        return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
