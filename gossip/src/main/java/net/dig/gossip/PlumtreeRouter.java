package net.dig.gossip;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.wire.Graft;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.LazyAnnounce.Announcement;
import net.dig.wire.Message;
import net.dig.wire.WireException;
import net.dig.wire.Prune;
import net.dig.wire.RequestByHash;

/**
 * Plumtree broadcast for one node: payloads travel along a spanning tree of the peer overlay (eager push),
 * every other link carries only message ids (lazy push, IHAVE) that repair the tree when a branch breaks.
 *
 * <h2>What</h2>
 * The algorithm of Leitão, Pereira and Rodrigues, "Epidemic Broadcast Trees" (SRDS 2007; Algorithms 1-4,
 * research/gossip.md §1.2), as a sans-I/O state machine. Events in: {@link #onNeighborUp},
 * {@link #onNeighborDown}, {@link #onMessage}, {@link #onTick}, {@link #broadcast}. Effects out, through
 * {@link PlumtreeOutput}: send a message to a peer, deliver a message to the application, penalise a peer.
 * The driver calls {@link #onTick} at or after {@link #nextWakeupMillis()}.
 * <ul>
 *   <li>GOSSIP is the application's message itself, unchanged (a Chia/DIG frame a non-Plumtree peer also
 *       understands). Its id is {@link MessageId} = SHA-256(msg_type || data), recomputed on receipt.</li>
 *   <li>First receipt: deliver, push eagerly to the eager set and lazily (IHAVE = {@link LazyAnnounce}, 214)
 *       to the lazy set, make the sender eager. A duplicate moves the sender to the lazy set and answers
 *       {@link Prune} (215): the link closed a cycle.</li>
 *   <li>An IHAVE for an unknown id starts timer timeout1; when it fires without the payload, the first
 *       announcer gets {@link Graft} (216) + {@link RequestByHash} (217) and timeout2 starts; each further
 *       expiry asks the next announcer and penalises the one that promised and did not deliver.</li>
 *   <li>Tree optimisation (paper §3.8): a payload arriving from the eager parent at least
 *       {@code optimisationThresholdMillis} after some lazy peer announced it makes that announcer the
 *       parent (GRAFT) and the old parent lazy (PRUNE). The payload carries no hop count (it is the raw
 *       message), so the paper's round difference is measured in time instead; see docs/decisions.md.</li>
 * </ul>
 *
 * <h2>Departures from the paper</h2>
 * New neighbours start eager only while the eager set is below {@code gossipFanout} (dig-gossip's cap,
 * default 8); further ones start lazy. A GRAFT from a peer is always honoured even above the cap, because
 * refusing it would cut the requester off. IHAVEs are batched per peer per dispatch interval. A duplicate
 * does not prune a link that delivered a first copy of some message within {@code pruneProtectionMillis}:
 * with broadcasts from several origins in flight, duplicates show up at different edges of one cycle, and
 * pruning each of them cuts the shared tree (dig-sim, 1,000 nodes, 5 broadcasts in flight: RMR 0.25 with
 * the protection, 0.52 without). On a cycle that persists, though, every link delivers first copies for
 * some origins, so the protection alone would keep the cycle for good; it therefore lapses for a link
 * after a streak of duplicates whose length is drawn per streak between {@code persistentDuplicates} and
 * four times that, so the links of one cycle do not all give up at once (docs/decisions.md D16). Such a
 * prune (and the optimisation's prune of the parent) is of a link known to carry first copies, so a first
 * copy from it within timeout1 of the PRUNE was in flight and does not re-graft it, as it does after an
 * ordinary prune. The tree optimisation ignores a payload that answered our own GRAFT: its lateness is our
 * own timeout1, not the path's. A local {@link #broadcast} from a node without eager peers first grafts one
 * lazy peer, so that the message leaves by push even if the node goes down before anyone asks for it. A
 * local {@link #broadcast} is never suppressed by the seen-set (periodic local re-announcements must go
 * out); forwarded duplicates are.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe. One owner (a Netty event loop, or the simulator's single thread) calls every method;
 * effects are emitted synchronously from inside the call.
 *
 * <h2>Failure modes</h2>
 * Every structure is bounded: seen-set (count + TTL), payload cache (count, bytes, TTL that outlasts the
 * graft window), missing ids ({@code maxMissing}, announcers per id), per-peer served-request memory. A
 * peer that announces ids it does not have costs one GRAFT + request per id and is penalised
 * (BROKEN_PROMISE); it cannot stop delivery because the payload still arrives over the tree or from the
 * next announcer. Malformed control bodies are penalised and change nothing. RequestByHash is
 * idempotent (an id already sent to that peer within {@code requestDedupMillis} is not re-sent) and
 * token-bucket rate limited per peer.
 */
public final class PlumtreeRouter {
    private final PlumtreeConfig config;
    private final Clock clock;
    private final PlumtreeOutput out;

    private final Set<PeerId> eager = new LinkedHashSet<>();
    private final Set<PeerId> lazy = new LinkedHashSet<>();
    private final SeenSet seen;
    private final PayloadCache cache;
    private final Map<MessageId, Missing> missing = new LinkedHashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Map<PeerId, List<Announcement>> lazyQueue = new LinkedHashMap<>();
    private long nextDispatch = Long.MAX_VALUE;
    private final Map<PeerId, Long> lastFirstDelivery = new LinkedHashMap<>();
    private final Map<PeerId, DuplicateStreak> duplicateStreaks = new LinkedHashMap<>();
    /** Links we pruned although they carry first copies (a duplicate streak ended, or the optimisation): when. */
    private final Map<PeerId, Long> carrierPrunedAt = new LinkedHashMap<>();
    private final Map<PeerId, RequestBudget> requestBudgets = new LinkedHashMap<>();

    private long delivered;
    private long duplicates;
    private long payloadsSent;
    private long prunesSent;
    private long graftsSent;
    private long announcementsSent;
    private long requestsServed;
    private long requestsRefused;
    private long penalties;

    public PlumtreeRouter(PlumtreeConfig config, Clock clock, PlumtreeOutput out) {
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.seen = new SeenSet(config.maxSeenMessages(), config.seenTtlMillis());
        this.cache = new PayloadCache(config.cacheMaxMessages(), config.cacheMaxBytes(), config.cacheTtlMillis());
    }

    /** True for the opcodes this router consumes as control messages (214-217). */
    public static boolean isControl(int type) {
        return type >= LazyAnnounce.OPCODE && type <= RequestByHash.OPCODE;
    }

    // ---------------------------------------------------------------- neighbours

    public void onNeighborUp(PeerId peer) {
        if (eager.contains(peer) || lazy.contains(peer)) {
            return;
        }
        if (eager.size() < config.gossipFanout()) {
            eager.add(peer);
        } else {
            lazy.add(peer);
        }
    }

    public void onNeighborDown(PeerId peer) {
        if (!eager.remove(peer) && !lazy.remove(peer)) {
            return;
        }
        lazyQueue.remove(peer);
        requestBudgets.remove(peer);
        lastFirstDelivery.remove(peer);
        duplicateStreaks.remove(peer);
        carrierPrunedAt.remove(peer);
        long now = clock.millis();
        for (Map.Entry<MessageId, Missing> e : missing.entrySet()) {
            Missing m = e.getValue();
            m.announcers.remove(peer);
            if (peer.equals(m.askedPeer)) {
                m.askedPeer = null;
                m.deadline = now;
                timers.add(new Timer(now, e.getKey()));
            }
        }
    }

    // ---------------------------------------------------------------- broadcast

    /**
     * Sends a message originated by this node: payload to the eager peers (except {@code exclude}), IHAVE
     * to the lazy ones. Not suppressed when the id was seen before (a local re-announcement). Not delivered
     * to the local application, which already has it.
     *
     * @return the number of peers the payload was sent to
     */
    public int broadcast(Message message, Optional<PeerId> exclude) {
        if (isControl(message.type())) {
            throw new IllegalArgumentException("opcode " + message.type() + " is Plumtree control, not a broadcastable message");
        }
        long now = clock.millis();
        MessageId id = MessageId.of(message);
        seen.add(id, now);
        cache.put(id, message, now);
        missing.remove(id);
        PeerId excluded = exclude.orElse(null);
        if (eager.isEmpty() && !lazy.isEmpty()) {
            // Cut off from the tree: IHAVEs alone would leave the message with this node until a neighbour's
            // timeout1 expires, and lost if the node goes down before then. Rejoin through one link first.
            PeerId first = lazy.iterator().next();
            makeEager(first);
            send(first, new Graft().toMessage());
            graftsSent++;
        }
        int sent = eagerPush(message, excluded);
        lazyPush(id, message.type(), excluded, now);
        return sent;
    }

    // ---------------------------------------------------------------- receive

    /** A message from a connected peer: Plumtree control (214-217) or a gossiped payload. */
    public void onMessage(PeerId from, Message message) {
        if (!eager.contains(from) && !lazy.contains(from)) {
            return;
        }
        long now = clock.millis();
        try {
            switch (message.type()) {
                case LazyAnnounce.OPCODE -> onLazyAnnounce(from, LazyAnnounce.decode(message.data()), now);
                case Prune.OPCODE -> {
                    Prune.decode(message.data());
                    if (eager.remove(from)) {
                        lazy.add(from);
                    }
                }
                case Graft.OPCODE -> {
                    Graft.decode(message.data());
                    makeEager(from);
                }
                case RequestByHash.OPCODE -> onRequest(from, RequestByHash.decode(message.data()), now);
                default -> onPayload(from, message, now);
            }
        } catch (WireException e) {
            penalize(from, PlumtreeViolation.MALFORMED_CONTROL, e.getMessage());
        }
    }

    private void onPayload(PeerId from, Message message, long now) {
        MessageId id = MessageId.of(message);
        if (!seen.add(id, now)) {
            duplicates++;
            Long lastFirst = lastFirstDelivery.get(from);
            boolean streakEnded = duplicateStreaks.computeIfAbsent(from, p -> new DuplicateStreak())
                    .add(id, from, now, 2 * config.pruneProtectionMillis(), config.persistentDuplicates());
            if (!streakEnded && lastFirst != null && now - lastFirst < config.pruneProtectionMillis()) {
                // This link brought a first copy of another message moments ago: it is on some source's
                // tree path. Pruning it for this duplicate is how overlapping broadcasts cut the tree.
                return;
            }
            prune(from, now, streakEnded);
            return;
        }
        delivered++;
        lastFirstDelivery.put(from, now);
        cache.put(id, message, now);
        out.deliver(from, message);
        Missing m = missing.remove(id);
        eagerPush(message, from);
        lazyPush(id, message.type(), from, now);
        Long prunedAt = carrierPrunedAt.get(from);
        if (lazy.contains(from) && prunedAt != null && now - prunedAt < config.lazyTimeoutMillis()) {
            // We pruned this link knowing that it carries first copies for some origins; this one was pushed
            // before our PRUNE reached the sender. Re-grafting for it (or optimising on its stale path) would
            // undo the prune at once.
            return;
        }
        if (lazy.contains(from)) {
            // The payload was pushed before our PRUNE reached the sender, which has since made us lazy.
            // Taking the link back into the tree must be agreed by both ends, or nobody pushes to us.
            makeEager(from);
            send(from, new Graft().toMessage());
            graftsSent++;
        } else {
            makeEager(from);
        }
        if (m != null) {
            optimise(m, from, now);
        }
    }

    /**
     * The paper's Optimization(mID, round, sender), with time in place of rounds: if a lazy peer announced
     * this message well before the eager parent delivered it, that announcer is the better parent.
     */
    private void optimise(Missing m, PeerId parent, long now) {
        if (config.optimisationThresholdMillis() == 0 || m.announcers.isEmpty() || m.askedPeer != null) {
            // askedPeer set: the payload answers our GRAFT, so its lateness is our own timeout1, not the path's
            return;
        }
        Map.Entry<PeerId, Long> first = m.announcers.entrySet().iterator().next();
        PeerId announcer = first.getKey();
        if (announcer.equals(parent) || now - first.getValue() < config.optimisationThresholdMillis()) {
            return;
        }
        makeEager(announcer);
        send(announcer, new Graft().toMessage());
        graftsSent++;
        prune(parent, now, true);
    }

    private void prune(PeerId peer, long now, boolean carriesFirstCopies) {
        if (eager.remove(peer)) {
            lazy.add(peer);
        }
        send(peer, new Prune().toMessage());
        if (carriesFirstCopies) {
            carrierPrunedAt.put(peer, now);
        } else {
            carrierPrunedAt.remove(peer);
        }
        duplicateStreaks.remove(peer);
        prunesSent++;
    }

    private void onLazyAnnounce(PeerId from, LazyAnnounce body, long now) {
        for (Announcement a : body.entries()) {
            if (isControl(a.messageType())) {
                penalize(from, PlumtreeViolation.INVALID_ANNOUNCEMENT,
                        "LazyAnnounce names control opcode " + a.messageType() + " as a message type");
                return;
            }
        }
        for (Announcement a : body.entries()) {
            MessageId id = new MessageId(a.messageId());
            if (seen.contains(id, now)) {
                continue;
            }
            Missing m = missing.get(id);
            if (m == null) {
                if (missing.size() >= config.maxMissing()) {
                    continue;
                }
                m = new Missing(now + config.lazyTimeoutMillis());
                missing.put(id, m);
                timers.add(new Timer(m.deadline, id));
            }
            if (m.announcers.size() < config.maxAnnouncersPerMessage() && !from.equals(m.askedPeer)) {
                m.announcers.putIfAbsent(from, now);
            }
        }
    }

    private void onRequest(PeerId from, RequestByHash body, long now) {
        RequestBudget budget = requestBudgets.computeIfAbsent(from, p -> new RequestBudget(config.requestBurst(), now));
        budget.refill(now, config.requestRatePerSecond(), config.requestBurst());
        for (Bytes32 raw : body.messageIds()) {
            if (budget.tokens < 1) {
                requestsRefused++;
                penalize(from, PlumtreeViolation.REQUEST_RATE_EXCEEDED,
                        "RequestByHash beyond " + config.requestRatePerSecond() + " ids/s");
                return;
            }
            budget.tokens -= 1;
            MessageId id = new MessageId(raw);
            Message payload = cache.get(id, now);
            if (payload == null || !budget.markServed(id, now, config.requestDedupMillis())) {
                continue;
            }
            send(from, payload);
            payloadsSent++;
            requestsServed++;
        }
    }

    // ---------------------------------------------------------------- time

    /** The earliest time at which {@link #onTick} has work to do, or {@link Long#MAX_VALUE}. */
    public long nextWakeupMillis() {
        Timer t = timers.peek();
        return Math.min(nextDispatch, t == null ? Long.MAX_VALUE : t.deadline);
    }

    /** Flushes batched IHAVEs and fires missing-message timers that are due at {@code nowMillis}. */
    public void onTick(long nowMillis) {
        if (nowMillis >= nextDispatch) {
            flushAnnouncements();
        }
        Map<PeerId, List<Bytes32>> requests = new LinkedHashMap<>();
        while (!timers.isEmpty() && timers.peek().deadline <= nowMillis) {
            Timer t = timers.poll();
            Missing m = missing.get(t.id);
            if (m == null || m.deadline != t.deadline) {
                continue;
            }
            if (seen.contains(t.id, nowMillis)) {
                missing.remove(t.id);
                continue;
            }
            if (m.askedPeer != null) {
                penalize(m.askedPeer, PlumtreeViolation.BROKEN_PROMISE,
                        "announced " + t.id + " but did not deliver it within " + config.retryTimeoutMillis() + " ms");
            }
            Iterator<PeerId> next = m.announcers.keySet().iterator();
            if (!next.hasNext()) {
                missing.remove(t.id);
                continue;
            }
            PeerId announcer = next.next();
            next.remove();
            m.askedPeer = announcer;
            m.deadline = nowMillis + config.retryTimeoutMillis();
            timers.add(new Timer(m.deadline, t.id));
            requests.computeIfAbsent(announcer, p -> new ArrayList<>()).add(t.id.value());
        }
        requests.forEach((peer, ids) -> {
            makeEager(peer);
            send(peer, new Graft().toMessage());
            graftsSent++;
            for (int i = 0; i < ids.size(); i += RequestByHash.MAX_IDS) {
                send(peer, new RequestByHash(ids.subList(i, Math.min(ids.size(), i + RequestByHash.MAX_IDS))).toMessage());
            }
        });
        seen.expire(nowMillis);
        cache.expire(nowMillis);
    }

    // ---------------------------------------------------------------- push

    private int eagerPush(Message message, PeerId exclude) {
        int sent = 0;
        for (PeerId p : eager) {
            if (!p.equals(exclude)) {
                send(p, message);
                sent++;
            }
        }
        payloadsSent += sent;
        return sent;
    }

    private void lazyPush(MessageId id, int type, PeerId exclude, long now) {
        Announcement a = new Announcement(id.value(), type);
        boolean queued = false;
        for (PeerId p : lazy) {
            if (!p.equals(exclude)) {
                lazyQueue.computeIfAbsent(p, k -> new ArrayList<>()).add(a);
                queued = true;
            }
        }
        if (!queued) {
            return;
        }
        if (config.dispatchIntervalMillis() == 0) {
            flushAnnouncements();
        } else if (nextDispatch == Long.MAX_VALUE) {
            nextDispatch = now + config.dispatchIntervalMillis();
        }
    }

    private void flushAnnouncements() {
        nextDispatch = Long.MAX_VALUE;
        for (Map.Entry<PeerId, List<Announcement>> e : lazyQueue.entrySet()) {
            List<Announcement> all = e.getValue();
            for (int i = 0; i < all.size(); i += LazyAnnounce.MAX_ENTRIES) {
                send(e.getKey(), new LazyAnnounce(all.subList(i, Math.min(all.size(), i + LazyAnnounce.MAX_ENTRIES))).toMessage());
                announcementsSent++;
            }
        }
        lazyQueue.clear();
    }

    private void makeEager(PeerId peer) {
        if (lazy.remove(peer) || !eager.contains(peer)) {
            eager.add(peer);
        }
    }

    private void send(PeerId to, Message message) {
        out.send(to, message);
    }

    private void penalize(PeerId peer, PlumtreeViolation violation, String detail) {
        penalties++;
        out.penalize(peer, violation, detail);
    }

    // ---------------------------------------------------------------- observation

    public Set<PeerId> eagerPeers() {
        return Set.copyOf(eager);
    }

    public Set<PeerId> lazyPeers() {
        return Set.copyOf(lazy);
    }

    public boolean hasSeen(MessageId id) {
        return seen.contains(id, clock.millis());
    }

    public PlumtreeStats stats() {
        return new PlumtreeStats(eager.size(), lazy.size(), seen.size(), cache.size(), missing.size(), delivered,
                duplicates, payloadsSent, prunesSent, graftsSent, announcementsSent, requestsServed, requestsRefused,
                penalties);
    }

    // ---------------------------------------------------------------- internals

    /** An id announced by lazy peers but not yet received; announcers in arrival order with arrival time. */
    private static final class Missing {
        final LinkedHashMap<PeerId, Long> announcers = new LinkedHashMap<>(4);
        PeerId askedPeer;
        long deadline;

        Missing(long deadline) {
            this.deadline = deadline;
        }
    }

    /**
     * Duplicates from one link, none more than {@code gapMillis} after the previous one. The streak's length
     * limit is drawn when it starts, from the first duplicate's id and the peer (deterministic, different on
     * every link of a cycle), between {@code base} and {@code 4 * base}.
     */
    private static final class DuplicateStreak {
        int count;
        int limit;
        long lastAt = Long.MIN_VALUE;

        /** Counts one duplicate; true when the streak reached its limit (and starts over). */
        boolean add(MessageId id, PeerId from, long now, long gapMillis, int base) {
            if (base == 0) {
                return false;
            }
            if (count == 0 || now - lastAt > gapMillis) {
                count = 0;
                limit = base + (int) Math.floorMod(mix(id.hashCode() * 0x9E3779B97F4A7C15L ^ from.hashCode()), 3L * base + 1);
            }
            lastAt = now;
            if (++count < limit) {
                return false;
            }
            count = 0;
            return true;
        }

        /** SplitMix64's finaliser: spreads the hash bits over the whole range. */
        private static long mix(long x) {
            x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
            x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
            return x ^ (x >>> 31);
        }
    }

    private record Timer(long deadline, MessageId id) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(deadline, o.deadline);
        }
    }

    /** Token bucket plus the ids recently served to one peer (for idempotent RequestByHash). */
    private static final class RequestBudget {
        private static final int SERVED_MEMORY = 1024;
        double tokens;
        long refilledAt;
        final LinkedHashMap<MessageId, Long> served = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<MessageId, Long> eldest) {
                return size() > SERVED_MEMORY;
            }
        };

        RequestBudget(int burst, long now) {
            this.tokens = burst;
            this.refilledAt = now;
        }

        void refill(long now, int ratePerSecond, int burst) {
            if (now > refilledAt) {
                tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerSecond / 1000.0);
                refilledAt = now;
            }
        }

        /** True if {@code id} may be sent now (not sent to this peer within the window). */
        boolean markServed(MessageId id, long now, long windowMillis) {
            Long last = served.get(id);
            if (last != null && now - last < windowMillis) {
                return false;
            }
            served.put(id, now);
            return true;
        }
    }

    /** Payloads kept to answer GRAFT/RequestByHash, bounded by count, bytes and age (insertion order = age). */
    private static final class PayloadCache {
        private record Entry(Message message, long expiresAt) {}

        private final int maxMessages;
        private final long maxBytes;
        private final long ttlMillis;
        private final LinkedHashMap<MessageId, Entry> entries = new LinkedHashMap<>();
        private long bytes;

        PayloadCache(int maxMessages, long maxBytes, long ttlMillis) {
            this.maxMessages = maxMessages;
            this.maxBytes = maxBytes;
            this.ttlMillis = ttlMillis;
        }

        void put(MessageId id, Message message, long now) {
            expire(now);
            if (message.data().length > maxBytes) {
                return;
            }
            Entry old = entries.remove(id);
            if (old != null) {
                bytes -= old.message.data().length;
            }
            while (!entries.isEmpty() && (entries.size() >= maxMessages || bytes + message.data().length > maxBytes)) {
                removeEldest();
            }
            entries.put(id, new Entry(message, now + ttlMillis));
            bytes += message.data().length;
        }

        Message get(MessageId id, long now) {
            Entry e = entries.get(id);
            return e == null || e.expiresAt <= now ? null : e.message;
        }

        void expire(long now) {
            while (!entries.isEmpty() && entries.firstEntry().getValue().expiresAt <= now) {
                removeEldest();
            }
        }

        int size() {
            return entries.size();
        }

        private void removeEldest() {
            Iterator<Map.Entry<MessageId, Entry>> it = entries.entrySet().iterator();
            bytes -= it.next().getValue().message.data().length;
            it.remove();
        }
    }
}
