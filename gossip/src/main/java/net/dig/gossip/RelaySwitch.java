package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.dig.core.Bytes32;
import net.dig.wire.RelayFrame;
import net.dig.wire.RelayFrame.Reason;

/**
 * The relay's switchboard: which PeerId is registered on which connection, which relayed sessions pair
 * which two connections, and what each peer may still push through (docs/decisions.md D50r).
 *
 * <h2>What</h2>
 * Takes the relay frames of opcode 242 ({@link RelayFrame}) as events and returns what to send. A node
 * behind a NAT sends {@code REGISTER} and is then reachable by its TLS PeerId, which the transport
 * authenticated; an outside peer sends {@code OPEN(session, target)}; the switch picks a session id on the
 * target's connection, announces {@code OPEN(id, opener)} there and from then on copies {@code DATA} across
 * with the session id rewritten. It never looks inside {@code DATA}: the two peers run their own TLS in it.
 *
 * <h2>Caps</h2>
 * At most {@link Settings#maxRegistered} registrations, {@link Settings#maxSessionsPerPeer} sessions per
 * connection (either end), and per connection a token bucket of {@link Settings#bytesPerSecond} refilled
 * bytes with {@link Settings#burstBytes} of depth, charged to the sender of each {@code DATA}. A session
 * whose sender runs the bucket dry is closed at both ends with {@link Reason#BYTE_LIMIT}: dropping bytes
 * would break the TLS inside, so closing is the only honest refusal.
 *
 * <h2>Concurrency and failure modes</h2>
 * Not thread-safe: one owner (the relay's control loop) calls it; time is passed in. A frame the relay
 * never expects from a client ({@code REGISTERED}) is a {@link Reject}; {@code DATA} or {@code CLOSE} for
 * a session that is not open is answered with {@code CLOSE(UNKNOWN_SESSION)} or ignored, because a close
 * may cross data in flight.
 *
 * @param <L> the relay's handle of one connection
 */
public final class RelaySwitch<L> {
    /** The switch's caps; all positive. */
    public record Settings(int maxRegistered, int maxSessionsPerPeer, long bytesPerSecond, long burstBytes) {
        public Settings {
            if (maxRegistered < 1 || maxSessionsPerPeer < 1 || bytesPerSecond < 1 || burstBytes < RelayFrame.MAX_DATA) {
                throw new IllegalArgumentException("relay caps must be positive and the burst at least one DATA frame ("
                        + RelayFrame.MAX_DATA + " bytes)");
            }
        }

        public static Settings defaults() {
            return new Settings(1024, 16, 1L << 20, 4L << 20);
        }
    }

    /** What the relay does next. */
    public sealed interface Effect<L> { }

    public record Send<L>(L link, RelayFrame frame) implements Effect<L> { }

    /** A frame no client sends: penalise the connection. */
    public record Reject<L>(L link, String detail) implements Effect<L> { }

    /** What the switch holds, for {@code relay_stats}. */
    public record Counts(int connections, int registered, int sessions, long bytesForwarded, long sessionsRefused) { }

    private record End<L>(L link, int session) { }

    private final class Link {
        final Bytes32 peerId;
        final Map<Integer, End<L>> sessions = new HashMap<>();
        int nextSession = RELAY_IDS;
        double tokens;
        long refilledAt;
        boolean registered;

        Link(Bytes32 peerId, long now) {
            this.peerId = peerId;
            this.tokens = settings.burstBytes();
            this.refilledAt = now;
        }

        boolean charge(int bytes, long now) {
            tokens = Math.min(settings.burstBytes(), tokens + (now - refilledAt) * settings.bytesPerSecond() / 1000.0);
            refilledAt = Math.max(refilledAt, now);
            if (tokens < bytes) {
                return false;
            }
            tokens -= bytes;
            return true;
        }
    }

    /** Ids the relay picks have the high bit set; an opener's ids must not. */
    private static final int RELAY_IDS = 0x8000_0000;

    private final Settings settings;
    private final Map<L, Link> links = new HashMap<>();
    private final Map<Bytes32, L> registered = new HashMap<>();
    private long bytesForwarded;
    private long sessionsRefused;

    public RelaySwitch(Settings settings) {
        this.settings = settings;
    }

    /** A connection finished its handshake as {@code peerId}. */
    public void connected(L link, Bytes32 peerId, long nowMillis) {
        links.putIfAbsent(link, new Link(peerId, nowMillis));
    }

    /** A connection closed: its registration goes, and every session on it is closed at the other end. */
    public List<Effect<L>> disconnected(L link) {
        Link gone = links.remove(link);
        List<Effect<L>> out = new ArrayList<>();
        if (gone == null) {
            return out;
        }
        if (gone.registered) {
            registered.remove(gone.peerId, link);
        }
        for (End<L> other : gone.sessions.values()) {
            Link o = links.get(other.link());
            if (o != null && o.sessions.remove(other.session()) != null) {
                out.add(new Send<>(other.link(), new RelayFrame.Close(other.session(), Reason.TARGET_GONE)));
            }
        }
        return out;
    }

    public List<Effect<L>> received(L from, RelayFrame frame, long nowMillis) {
        Link link = links.get(from);
        List<Effect<L>> out = new ArrayList<>();
        if (link == null) {
            return out;
        }
        switch (frame) {
            case RelayFrame.Register r -> register(from, link, out);
            case RelayFrame.Open o -> open(from, link, o, out);
            case RelayFrame.Data d -> forward(from, link, d, nowMillis, out);
            case RelayFrame.Close c -> close(link, c.session(), c.reason(), out);
            case RelayFrame.Registered r -> out.add(new Reject<>(from, "a relay client sent REGISTERED"));
        }
        return out;
    }

    private void register(L from, Link link, List<Effect<L>> out) {
        if (!link.registered && registered.size() >= settings.maxRegistered()) {
            out.add(new Send<>(from, new RelayFrame.Registered(Reason.RELAY_FULL)));
            return;
        }
        link.registered = true;
        registered.put(link.peerId, from);
        out.add(new Send<>(from, new RelayFrame.Registered(Reason.NORMAL)));
    }

    private void open(L from, Link link, RelayFrame.Open open, List<Effect<L>> out) {
        Bytes32 target = Bytes32.wrap(open.peerId());
        Reason refusal = null;
        L targetLink = registered.get(target);
        Link t = targetLink == null ? null : links.get(targetLink);
        if (link.sessions.containsKey(open.session()) || (open.session() & RELAY_IDS) != 0) {
            out.add(new Reject<>(from, "OPEN for session " + Integer.toUnsignedString(open.session())
                    + ", which is open already or in the relay's half of the id space"));
            return;
        } else if (target.equals(link.peerId)) {
            refusal = Reason.SELF;
        } else if (t == null) {
            refusal = Reason.UNKNOWN_TARGET;
        } else if (link.sessions.size() >= settings.maxSessionsPerPeer() || t.sessions.size() >= settings.maxSessionsPerPeer()) {
            refusal = Reason.SESSION_LIMIT;
        }
        if (refusal != null) {
            sessionsRefused++;
            out.add(new Send<>(from, new RelayFrame.Close(open.session(), refusal)));
            return;
        }
        int id = t.nextSession;
        while (t.sessions.containsKey(id)) {
            id = next(id);
        }
        t.nextSession = next(id);
        link.sessions.put(open.session(), new End<>(targetLink, id));
        t.sessions.put(id, new End<>(from, open.session()));
        out.add(new Send<>(targetLink, new RelayFrame.Open(id, link.peerId.toArray())));
    }

    private void forward(L from, Link link, RelayFrame.Data data, long now, List<Effect<L>> out) {
        End<L> other = link.sessions.get(data.session());
        if (other == null) {
            return;
        }
        if (!link.charge(data.bytes().length, now)) {
            link.sessions.remove(data.session());
            Link o = links.get(other.link());
            if (o != null) {
                o.sessions.remove(other.session());
            }
            out.add(new Send<>(from, new RelayFrame.Close(data.session(), Reason.BYTE_LIMIT)));
            out.add(new Send<>(other.link(), new RelayFrame.Close(other.session(), Reason.BYTE_LIMIT)));
            return;
        }
        bytesForwarded += data.bytes().length;
        out.add(new Send<>(other.link(), new RelayFrame.Data(other.session(), data.bytes())));
    }

    /**
     * Sending to {@code link} on {@code session} failed (its queue was full, or it closed): the session ends at
     * both ends, because the bytes lost would corrupt the stream inside.
     */
    public List<Effect<L>> sendFailed(L link, int session) {
        Link l = links.get(link);
        List<Effect<L>> out = new ArrayList<>();
        if (l != null) {
            close(l, session, Reason.TARGET_GONE, out);
            out.add(new Send<>(link, new RelayFrame.Close(session, Reason.TARGET_GONE)));
        }
        return out;
    }

    private void close(Link link, int session, Reason reason, List<Effect<L>> out) {
        End<L> other = link.sessions.remove(session);
        if (other == null) {
            return;
        }
        Link o = links.get(other.link());
        if (o != null && o.sessions.remove(other.session()) != null) {
            out.add(new Send<>(other.link(), new RelayFrame.Close(other.session(), reason)));
        }
    }

    private static int next(int id) {
        return id == -1 ? RELAY_IDS : id + 1;
    }

    public Counts counts() {
        int sessions = 0;
        for (Link l : links.values()) {
            sessions += l.sessions.size();
        }
        return new Counts(links.size(), registered.size(), sessions / 2, bytesForwarded, sessionsRefused);
    }
}
