package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.wire.TimestampedPeerInfo;

/**
 * Admission of peer lists received from other nodes (Chia {@code node_discovery.py}
 * {@code _add_peers_common}; docs/formats/wire.md): a RespondPeers of more than 1000
 * entries is ignored whole; so is any list that would take one host over 3000 entries in a 24 h
 * window; entries whose host is longer than 45 characters or not an IP literal are skipped; a
 * timestamp before 1973 (&lt; 100 000 000) or more than 10 minutes ahead is replaced by now − 5 days.
 * Accepted entries go into the new table with the sender as source and a 2 h time penalty.
 *
 * Introducer and DNS-seed peers have no source and no penalty.
 *
 * <p>Sans-I/O, time as an argument (epoch seconds). Not thread-safe; owned by the discovery loop.
 */
public final class PeerIntake {
    public static final int MAX_PEERS_PER_MESSAGE = 1000;
    public static final int MAX_PEERS_PER_HOST_PER_DAY = 3000;
    public static final long PEER_EXCHANGE_PENALTY_SECONDS = 2 * 3600;
    private static final long DAY = 86_400;

    /** What happened to one received list. */
    public record Outcome(boolean accepted, int added, int skipped, String reason) {}

    private final AddressManager book;
    private final Map<String, long[]> perHost = new HashMap<>(); // host -> {window start, count}

    public PeerIntake(AddressManager book) {
        this.book = book;
    }

    /** A RespondPeers (or relay peer list) from {@code sender}. */
    public Outcome onPeerList(PeerAddress sender, List<TimestampedPeerInfo> peers, long nowSeconds) {
        if (peers.size() > MAX_PEERS_PER_MESSAGE) {
            return new Outcome(false, 0, peers.size(),
                    peers.size() + " peers in one message exceed " + MAX_PEERS_PER_MESSAGE);
        }
        long[] counter = perHost.computeIfAbsent(sender.host(), h -> new long[] {nowSeconds, 0});
        if (nowSeconds - counter[0] >= DAY) {
            counter[0] = nowSeconds;
            counter[1] = 0;
        }
        if (counter[1] + peers.size() > MAX_PEERS_PER_HOST_PER_DAY) {
            return new Outcome(false, 0, peers.size(),
                    sender.host() + " sent more than " + MAX_PEERS_PER_HOST_PER_DAY + " peers in 24 h");
        }
        counter[1] += peers.size();
        List<TimestampedPeerInfo> clean = new ArrayList<>(peers.size());
        int skipped = 0;
        for (TimestampedPeerInfo p : peers) {
            if (PeerAddress.parse(p.host(), p.port()).isEmpty()) {
                skipped++;
                continue;
            }
            long ts = p.timestamp();
            if (Long.compareUnsigned(ts, 100_000_000L) < 0 || Long.compareUnsigned(ts, nowSeconds + 600) > 0) {
                ts = nowSeconds - 5 * DAY;
            }
            clean.add(new TimestampedPeerInfo(p.host(), p.port(), ts));
        }
        int before = book.size();
        book.add(clean, Optional.of(sender), PEER_EXCHANGE_PENALTY_SECONDS);
        return new Outcome(true, book.size() - before, skipped, "");
    }

    /** Peers from an introducer or DNS seed (no source, timestamps replaced by now − 5 days). */
    public int onIntroducerPeers(List<TimestampedPeerInfo> peers, long nowSeconds) {
        int before = book.size();
        List<TimestampedPeerInfo> capped = peers.size() > MAX_PEERS_PER_MESSAGE ? peers.subList(0, MAX_PEERS_PER_MESSAGE) : peers;
        // Introducers send timestamp 0; Chia's intake dates any implausible timestamp now − 5 days.
        List<TimestampedPeerInfo> dated = capped.stream()
                .filter(p -> p.host().length() <= PeerAddress.MAX_HOST_CHARS || OnionAddress.looksLikeOnion(p.host()))
                .map(p -> new TimestampedPeerInfo(p.host(), p.port(), nowSeconds - 5 * DAY)).toList();
        book.add(dated, Optional.empty(), 0);
        return book.size() - before;
    }

    /** An inbound full node told us its listening port: remember {@code (ip, server_port, now)}. */
    public boolean onInboundFullNode(PeerAddress listening, long nowSeconds) {
        return book.add(listening, nowSeconds, Optional.of(listening), 0);
    }

    /** Forgets day counters older than 24 h. */
    public void expire(long nowSeconds) {
        perHost.values().removeIf(c -> nowSeconds - c[0] >= DAY);
    }
}
