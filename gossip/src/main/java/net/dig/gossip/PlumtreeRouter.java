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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * The algorithm of Leitão, Pereira and Rodrigues, "Epidemic Broadcast Trees" (SRDS 2007; Algorithms 1-4),
 * as a sans-I/O state machine. Events in: {@link #onNeighborUp},
 * {@link #onNeighborDown}, {@link #onMessage}, {@link #onTick}, {@link #broadcast}. Effects out, through
 * {@link PlumtreeOutput}: send a message to a peer, deliver a message to the application, penalise a peer.
 * The driver calls {@link #onTick} at or after {@link #nextWakeupMillis()}.
 * <ul>
 *   <li>GOSSIP is the application's message itself, unchanged (a Chia/DIG frame a non-Plumtree peer also
 *       understands). Its id is {@link MessageId} = SHA-256(msg_type || data), recomputed on receipt.</li>
 *   <li>First receipt: the payload is marked seen and handed to the {@link MessageValidator} (per type, via
 *       {@link MessageBus#validator()}). Only when its {@link Verdict} is ACCEPT is it delivered, pushed
 *       eagerly to the eager set and lazily (IHAVE = {@link LazyAnnounce}, 214) to the lazy set, and the
 *       sender made eager. IGNORE drops it; REJECT drops it and reports the sender
 *       ({@link PlumtreeOutput#rejected}). Until the verdict it is neither cached nor announced, so nobody
 *       can fetch it from here. At most {@code maxValidationsInFlight} validations are outstanding; a first
 *       copy beyond that is refused without being marked seen. A duplicate moves the sender to the lazy set
 *       and answers {@link Prune} (215): the link closed a cycle.</li>
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
 * ordinary prune. Once a node has a place in the tree (it broadcast, delivered or exchanged a PRUNE), a new
 * neighbour starts lazy unless it has no eager peer; a node without a place joins through its first IHAVE,
 * asking that announcer at once and keeping no other eager link. An own broadcast whose eager recipients
 * all go down within the graft window is pushed again. The tree optimisation ignores a payload that
 * answered our own GRAFT: its lateness is our
 * own timeout1, not the path's. A local {@link #broadcast} from a node without eager peers first grafts one
 * lazy peer, so that the message leaves by push even if the node goes down before anyone asks for it. A
 * local {@link #broadcast} is never suppressed by the seen-set (periodic local re-announcements must go
 * out); forwarded duplicates are.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe. One owner (a Netty event loop, or the simulator's single thread) calls every method;
 * effects are emitted synchronously from inside the call. A validation that completes later resumes
 * through the {@code owner} executor given to the constructor, which must run it on that same thread
 * ({@link PlumtreeDriver} does).
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
    /** This node has broadcast, delivered or asked for a message, or a PRUNE went either way: it has a place in the tree. */
    private boolean inTree;
    private final Map<PeerId, Long> lastFirstDelivery = new LinkedHashMap<>();
    private final Map<PeerId, DuplicateStreak> duplicateStreaks = new LinkedHashMap<>();
    /** Links we pruned although they carry first copies (a duplicate streak ended, or the optimisation): when. */
    private final Map<PeerId, Long> carrierPrunedAt = new LinkedHashMap<>();
    private final Map<PeerId, RequestBudget> requestBudgets = new LinkedHashMap<>();
    /** This node's own broadcasts of the last graft window, with the peers their payload was pushed to. */
    private final java.util.ArrayDeque<OwnBroadcast> ownBroadcasts = new java.util.ArrayDeque<>();
    private final MessageValidator validator;
    private final int maxValidationsInFlight;
    private final Executor owner;
    /** First copies whose validation has not completed, by id. */
    private final Map<MessageId, Pending> validating = new LinkedHashMap<>();

    private long delivered;
    private long duplicates;
    private long payloadsSent;
    private long prunesSent;
    private long graftsSent;
    private long announcementsSent;
    private long requestsServed;
    private long requestsRefused;
    private long penalties;
    private long ignored;
    private long rejected;
    private long validationsRefused;
    private long validationErrors;

    /** A router that accepts every payload ({@link MessageValidator#ACCEPT_ALL}), for tests of the tree rules. */
    public PlumtreeRouter(PlumtreeConfig config, Clock clock, PlumtreeOutput out) {
        this(config, clock, out, MessageValidator.ACCEPT_ALL, MessageBusConfig.defaults().maxValidationsInFlight(), Runnable::run);
    }

    /**
     * @param validator consulted for the first copy of every received payload (not for local broadcasts)
     * @param maxValidationsInFlight first copies whose validation may be outstanding at once
     * @param owner runs the continuation of an asynchronous validation on this router's thread
     */
    public PlumtreeRouter(PlumtreeConfig config, Clock clock, PlumtreeOutput out, MessageValidator validator,
            int maxValidationsInFlight, Executor owner) {
        if (maxValidationsInFlight < 1) {
            throw new IllegalArgumentException("maxValidationsInFlight must be at least 1 but was " + maxValidationsInFlight);
        }
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.validator = java.util.Objects.requireNonNull(validator, "validator");
        this.maxValidationsInFlight = maxValidationsInFlight;
        this.owner = java.util.Objects.requireNonNull(owner, "owner");
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
        if (eager.size() < config.gossipFanout() && (!inTree || eager.isEmpty())) {
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
        rescueOwnBroadcasts(peer);
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
        inTree = true;
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
        Set<PeerId> pushedTo = new LinkedHashSet<>(eager);
        pushedTo.remove(excluded);
        int sent = eagerPush(message, excluded);
        lazyPush(id, message.type(), excluded, now);
        ownBroadcasts.removeIf(b -> b.id.equals(id));
        ownBroadcasts.addLast(new OwnBroadcast(id, message, now, pushedTo));
        while (ownBroadcasts.size() > MAX_OWN_BROADCASTS) {
            ownBroadcasts.removeFirst();
        }
        return sent;
    }

    /**
     * {@code gone} left. An own broadcast of the last graft window whose payload went only to peers that are all
     * gone now may have died with them, before anyone forwarded it; IHAVEs alone would leave it with this node
     * until a neighbour's timeout1, and lost if this node leaves before then. Push it again into the tree.
     */
    private void rescueOwnBroadcasts(PeerId gone) {
        long now = clock.millis();
        while (!ownBroadcasts.isEmpty() && now - ownBroadcasts.peekFirst().at > config.graftWindowMillis()) {
            ownBroadcasts.removeFirst();
        }
        for (OwnBroadcast b : ownBroadcasts) {
            if (!b.pushedTo.remove(gone) || !b.pushedTo.isEmpty()) {
                continue;
            }
            if (eager.isEmpty()) {
                if (lazy.isEmpty()) {
                    continue;
                }
                PeerId first = lazy.iterator().next();
                makeEager(first);
                send(first, new Graft().toMessage());
                graftsSent++;
            }
            b.pushedTo.addAll(eager);
            eagerPush(b.message, null);
        }
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
                    inTree = true;
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
        if (seen.contains(id, now)) {
            onDuplicate(from, id, now);
            return;
        }
        if (validating.size() >= maxValidationsInFlight) {
            // Not marked seen: a later push or announcement of it is taken in again once there is room.
            validationsRefused++;
            return;
        }
        seen.add(id, now);
        Pending p = new Pending(from, message, missing.remove(id), now);
        CompletableFuture<Verdict> verdict;
        try {
            verdict = validator.validate(from, message).toCompletableFuture();
        } catch (RuntimeException e) {
            verdict = CompletableFuture.failedFuture(e);
        }
        if (verdict.isDone()) {
            settle(p, verdict.exceptionally(e -> null).join());
            return;
        }
        validating.put(id, p);
        verdict.whenComplete((v, e) -> owner.execute(() -> {
            if (validating.remove(id, p)) {
                settle(p, e == null ? v : null);
            }
        }));
    }

    private void onDuplicate(PeerId from, MessageId id, long now) {
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
    }

    /** Applies a completed validation (null: it failed): only ACCEPT reaches the application and the other peers. */
    private void settle(Pending p, Verdict verdict) {
        if (verdict == null) {
            validationErrors++;
            return;
        }
        switch (verdict.outcome()) {
            case ACCEPT -> accept(p);
            case IGNORE -> ignored++;
            case REJECT -> {
                rejected++;
                out.rejected(p.from, p.message, verdict.penalty());
            }
        }
    }

    private void accept(Pending p) {
        PeerId from = p.from;
        Message message = p.message;
        MessageId id = MessageId.of(message);
        long now = clock.millis();
        inTree = true;
        delivered++;
        cache.put(id, message, now);
        out.deliver(from, message);
        eagerPush(message, from);
        lazyPush(id, message.type(), from, now);
        if (!eager.contains(from) && !lazy.contains(from)) {
            return; // the sender went away while its payload was being validated: no link to maintain
        }
        lastFirstDelivery.put(from, p.receivedAt);
        Long prunedAt = carrierPrunedAt.get(from);
        if (lazy.contains(from) && prunedAt != null && p.receivedAt - prunedAt < config.lazyTimeoutMillis()) {
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
        if (p.missing != null) {
            optimise(p.missing, from, p.receivedAt);
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
        inTree = true;
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
            if (!inTree) {
                joinThrough(m, id, now);
            }
        }
    }

    /**
     * The first IHAVE of a node that joined a running overlay: its neighbours took it in as lazy, so nobody
     * pushes to it, and its own eager links are unconfirmed. It asks the announcer at once (GRAFT + request,
     * the timeout1 expiry brought forward) and keeps no other eager link, so it joins the tree as one leaf
     * instead of closing a cycle per link.
     */
    private void joinThrough(Missing m, MessageId id, long now) {
        inTree = true;
        lazy.addAll(eager);
        eager.clear();
        m.deadline = now;
        timers.add(new Timer(now, id));
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

    /**
     * A payload another relay (ERLAY, for NewTransaction) took in: marked seen, so announcements of it are
     * not fetched and announcers of it are not penalised for a promise this router never saw kept.
     * Nothing is sent, delivered or cached.
     */
    public void markSeen(MessageId id) {
        seen.add(id, clock.millis());
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

    /** Outcomes of the validation step since the router was created, and validations outstanding. */
    public ValidationStats validationStats() {
        return new ValidationStats(delivered, ignored, rejected, validationsRefused, validationErrors, validating.size());
    }

    // ---------------------------------------------------------------- internals

    private static final int MAX_OWN_BROADCASTS = 256;

    private record OwnBroadcast(MessageId id, Message message, long at, Set<PeerId> pushedTo) {}

    /** A first copy taken in and handed to the validator. */
    private record Pending(PeerId from, Message message, Missing missing, long receivedAt) {}

    /** An id announced by lazy peers but not yet received; announcers in arrival order with arrival time. */
    private static final class Missing {
        final LinkedHashMap<PeerId, Long> announcers = new LinkedHashMap<>(4);
        PeerId askedPeer;
        long deadline;

        Missing(long deadline) {
            this.deadline = deadline;
        }
    }

    private record Timer(long deadline, MessageId id) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(deadline, o.deadline);
        }
    }
}
