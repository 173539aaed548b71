package net.dig.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.wire.TimestampedPeerInfo;

/**
 * The addresses this node knows of, as the transport sees them: learned from RespondPeers, from
 * the introducer, and from inbound full nodes' handshakes (their IP plus advertised server port).
 * It answers RequestPeers and supplies dial candidates to the discovery loop.
 *
 * <p>This is the net layer's adapter; bucketed selection with Sybil resistance (Chia's address
 * manager) belongs to dig-gossip's {@code AddressManager} and replaces the flat table here when it
 * is wired in. Intake caps follow the research file §1.9: a RespondPeers longer than
 * {@link GossipConstants#MAX_PEERS_RECEIVED_PER_REQUEST} is ignored whole, hosts that are not IP
 * literals are skipped.
 *
 * <p>Thread-safe (concurrent map); time from the injected clock.
 */
final class AddressBook {
    private static final int MAX_SHARED = 1000;
    private static final long RETRY_AFTER_FAILURE_MILLIS = 30_000;

    private record Entry(long seenMillis, long lastAttemptMillis, boolean good) {}

    private final Clock clock;
    private final RandomGenerator random;
    private final Map<InetSocketAddress, Entry> entries = new ConcurrentHashMap<>();

    AddressBook(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    void heardOf(InetSocketAddress address) {
        entries.merge(address, new Entry(clock.millis(), 0, false),
                (old, fresh) -> new Entry(fresh.seenMillis(), old.lastAttemptMillis(), old.good()));
    }

    void connected(InetSocketAddress address) {
        if (address != null) {
            entries.put(address, new Entry(clock.millis(), clock.millis(), true));
        }
    }

    void attempted(InetSocketAddress address) {
        entries.computeIfPresent(address, (a, e) -> new Entry(e.seenMillis(), clock.millis(), e.good()));
    }

    void learned(List<TimestampedPeerInfo> peers, InetSocketAddress source) {
        if (peers.size() > GossipConstants.MAX_PEERS_RECEIVED_PER_REQUEST) {
            return;
        }
        for (TimestampedPeerInfo peer : peers) {
            literal(peer).ifPresent(this::heardOf);
        }
    }

    void learnedFromIntroducer(List<TimestampedPeerInfo> peers) {
        learned(peers, null);
    }

    /** Up to 1000 known addresses, in random order, never the asker itself. */
    List<TimestampedPeerInfo> peersToShare(InetSocketAddress asker) {
        List<TimestampedPeerInfo> out = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Entry> e : entries.entrySet()) {
            InetSocketAddress a = e.getKey();
            if (asker != null && a.getAddress().equals(asker.getAddress()) && a.getPort() == asker.getPort()) {
                continue;
            }
            out.add(new TimestampedPeerInfo(a.getAddress().getHostAddress(), a.getPort(), e.getValue().seenMillis() / 1000));
        }
        Collections.shuffle(out, java.util.Random.from(random));
        return out.size() > MAX_SHARED ? List.copyOf(out.subList(0, MAX_SHARED)) : out;
    }

    /** Addresses worth dialling now (not attempted recently), shuffled, excluding {@code skip}. */
    List<InetSocketAddress> candidates(java.util.function.Predicate<InetSocketAddress> skip, int max) {
        long now = clock.millis();
        List<InetSocketAddress> out = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Entry> e : entries.entrySet()) {
            if (now - e.getValue().lastAttemptMillis() >= RETRY_AFTER_FAILURE_MILLIS && !skip.test(e.getKey())) {
                out.add(e.getKey());
            }
        }
        Collections.shuffle(out, java.util.Random.from(random));
        return out.size() > max ? out.subList(0, max) : out;
    }

    int size() {
        return entries.size();
    }

    private static java.util.Optional<InetSocketAddress> literal(TimestampedPeerInfo peer) {
        String host = peer.host();
        if (host.length() > 45 || peer.port() == 0) {
            return java.util.Optional.empty();
        }
        try {
            // literals only: never a DNS lookup on an event loop
            return java.util.Optional.of(new InetSocketAddress(InetAddress.ofLiteral(host), peer.port()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
