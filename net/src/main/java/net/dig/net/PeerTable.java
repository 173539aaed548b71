package net.dig.net;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.dig.gossip.HandshakeRules;
import net.dig.gossip.LaneStats;
import net.dig.gossip.PeerId;
import net.dig.wire.Handshake;
import net.dig.wire.NodeType;

/**
 * The connections of one service: the admitted peers by PeerId, every link still open (peers, handshakes
 * in progress, introducer links), the dials in flight, and the totals of closed connections.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Admission and removal run under one lock, so two connections of one PeerId are never
 * both admitted; of two connections a pair dialled at once, both sides keep the same one
 * ({@link HandshakeRules#supersedes}), and the superseded one stays in the totals until it has closed. The totals of closed connections are guarded by one lock together with the
 * removal from the peer map: {@link #totals()} sees a closing connection either among the peers or in the
 * totals, never both or neither, so the counters built on it (Prometheus counters) never go down. The
 * critical sections are a few additions, never I/O.
 */
final class PeerTable {
    /** Messages, bytes and lanes over open and closed connections, and the open ones by direction. */
    record Totals(long messagesSent, long messagesReceived, long bytesSent, long bytesReceived, int inbound, int outbound,
            LaneStats lanes) {}

    private final ConcurrentHashMap<PeerId, PeerConnectionHandler> peers = new ConcurrentHashMap<>();
    private final Set<PeerConnectionHandler> links = ConcurrentHashMap.newKeySet();
    /** Superseded connections not closed yet: counted in the totals until they are. */
    private final Set<PeerConnectionHandler> leaving = new java.util.HashSet<>();
    private final AtomicInteger pendingDials = new AtomicInteger();
    private final Object closedTotalsLock = new Object();
    private long closedMessagesSent;
    private long closedMessagesReceived;
    private long closedBytesSent;
    private long closedBytesReceived;
    private LaneStats closedLanes = LaneStats.NONE;

    Optional<PeerConnectionHandler> get(PeerId peer) {
        return Optional.ofNullable(peers.get(peer));
    }

    boolean contains(PeerId peer) {
        return peers.containsKey(peer);
    }

    int size() {
        return peers.size();
    }

    List<PeerConnectionHandler> live() {
        return List.copyOf(peers.values());
    }

    /** What {@link #admit} did: whether the connection is in, and the one it superseded (to be closed), if any. */
    record Admission(boolean admitted, PeerConnectionHandler superseded) {}

    /**
     * Admits {@code connection} under its PeerId; refused if another connection of that PeerId is in and
     * the new one does not supersede it ({@link HandshakeRules#supersedes}).
     */
    Admission admit(PeerConnectionHandler connection, PeerId own) {
        PeerId id = connection.peerId();
        synchronized (closedTotalsLock) {
            PeerConnectionHandler admitted = peers.get(id);
            if (admitted == null) {
                peers.put(id, connection);
                return new Admission(true, null);
            }
            if (HandshakeRules.supersedes(connection.isOutbound(), admitted.isOutbound(), own, id)) {
                peers.put(id, connection);
                leaving.add(admitted);
                return new Admission(true, admitted);
            }
            return new Admission(false, null);
        }
    }

    /** Whether a new connection to {@code remote} in this direction would be refused as a duplicate. */
    boolean duplicate(PeerId remote, boolean outbound, PeerId own) {
        PeerConnectionHandler admitted = peers.get(remote);
        return admitted != null && !HandshakeRules.supersedes(outbound, admitted.isOutbound(), own, remote);
    }

    void track(PeerConnectionHandler link) {
        links.add(link);
    }

    /** A link that never got a channel (the dial failed). */
    void untrack(PeerConnectionHandler link) {
        links.remove(link);
    }

    Set<PeerConnectionHandler> links() {
        return links;
    }

    /**
     * A link closed: out of the table (if it was the admitted peer) and into the totals. True if it was
     * the admitted connection of its PeerId (false for one another connection superseded).
     */
    boolean closed(PeerConnectionHandler connection, boolean peer) {
        boolean wasAdmitted = false;
        links.remove(connection);
        PeerConnection last = connection.snapshot();
        synchronized (closedTotalsLock) {
            if (peer) {
                wasAdmitted = peers.remove(connection.peerId(), connection);
            }
            leaving.remove(connection);
            closedMessagesSent += last.messagesSent();
            closedMessagesReceived += last.messagesReceived();
            closedBytesSent += last.bytesSent();
            closedBytesReceived += last.bytesReceived();
            closedLanes = closedLanes.plus(connection.laneStats().counters());
        }
        return wasAdmitted;
    }

    Totals totals() {
        synchronized (closedTotalsLock) {
            Sum sum = new Sum(closedMessagesSent, closedMessagesReceived, closedBytesSent, closedBytesReceived, closedLanes);
            int in = 0;
            int out = 0;
            for (PeerConnectionHandler c : peers.values()) {
                if (sum.add(c)) {
                    out++;
                } else {
                    in++;
                }
            }
            leaving.forEach(sum::add);
            return new Totals(sum.sent, sum.received, sum.bytesOut, sum.bytesIn, in, out, sum.lanes);
        }
    }

    /** A running sum of traffic counters. */
    private static final class Sum {
        long sent;
        long received;
        long bytesOut;
        long bytesIn;
        LaneStats lanes;

        Sum(long sent, long received, long bytesOut, long bytesIn, LaneStats lanes) {
            this.sent = sent;
            this.received = received;
            this.bytesOut = bytesOut;
            this.bytesIn = bytesIn;
            this.lanes = lanes;
        }

        /** Adds one live connection's counters; true if it is outbound. */
        boolean add(PeerConnectionHandler c) {
            PeerConnection s = c.snapshot();
            sent += s.messagesSent();
            received += s.messagesReceived();
            bytesOut += s.bytesSent();
            bytesIn += s.bytesReceived();
            lanes = lanes.plus(c.laneStats());
            return s.isOutbound();
        }
    }


    /** Peer dials started and not yet admitted or failed (they count against {@code max_connections}). */
    int pendingDials() {
        return pendingDials.get();
    }

    void dialStarted() {
        pendingDials.incrementAndGet();
    }

    void dialEnded() {
        pendingDials.decrementAndGet();
    }

    /** The IP of a connected peer, or null. */
    String ipOf(PeerId peer) {
        PeerConnectionHandler c = peers.get(peer);
        return c == null ? null : c.remoteHost();
    }

    /** Connected full nodes by the address they listen on. */
    Map<InetSocketAddress, PeerConnectionHandler> fullNodes() {
        Map<InetSocketAddress, PeerConnectionHandler> out = new HashMap<>();
        for (PeerConnectionHandler c : peers.values()) {
            if (c.remoteHandshake() != null && c.remoteHandshake().nodeType() == NodeType.FULL_NODE.code()) {
                out.put(listeningAddress(c), c);
            }
        }
        return out;
    }

    /** The address a peer listens on: for dialled peers the address we dialled, else its IP and advertised port. */
    static InetSocketAddress listeningAddress(PeerConnectionHandler c) {
        Handshake h = c.remoteHandshake();
        if (c.isOutbound() || h == null || h.serverPort() == 0) {
            return c.remoteAddress();
        }
        return new InetSocketAddress(c.remoteAddress().getAddress(), h.serverPort());
    }
}
