package net.dig.gossip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Decides whom to dial and when (Chia {@code node_discovery.py} {@code _connect_to_peers}, dig-gossip
 * discovery loop; docs/formats/wire.md; Bitcoin Core addrman). The net layer calls
 * {@link #tick} periodically and executes the returned {@link Action}s, then reports outcomes through
 * the {@code on*} methods.
 *
 * <p>Rules. While outbound connections plus dials in flight are below the target (8), it draws
 * candidates from the {@link AddressManager} (at most 100 draws per tick) and dials up to a batch of
 * 8 at once, skipping addresses connected or in flight, addresses dialled in the last 30 minutes,
 * and addresses whose group ({@link AddressGroups}: the AS when an asmap covers the address, else its
 * /16 or IPv6 /32) already has an outbound connection (loopback and private
 * addresses are exempt when {@link Settings#exemptPrivateFromGroupRule()}, so local test networks
 * work). With an empty address book it dials the bootstrap peers, then asks the introducer, with
 * a backoff that doubles from 1 s up to 300 s while the introducer yields nothing. Once the target is
 * met it starts a feeler connection at Poisson intervals (mean 240 s), preferring the occupant of a
 * pending tried-table collision. Every tick settles tried collisions; every 30 minutes with at least
 * 3 connections it cleans the book (entries older than 14 days with 10 failures); every 15 minutes it
 * asks for the book to be saved; every 24 h it asks for a self-advertisement ({@link AdvertiseSelf}).
 *
 * <p>Sans-I/O: time ({@code nowMillis}) is an argument, randomness injected. Not thread-safe; one owner.
 */
public final class DiscoveryPlanner {
    /**
     * @param targetOutbound outbound connections to keep (seed {@code target_outbound_count}, 8)
     * @param connectBatch dials in flight at most (seed {@code PARALLEL_CONNECT_BATCH_SIZE}, 8)
     * @param feelerMeanInterval mean of the exponential feeler interval (seed 240 s)
     * @param redialInterval minimum time between two dials of one address (Chia 30 min)
     * @param bootstrapPeers static peers dialled when the book is empty
     * @param introducerConfigured whether {@link QueryIntroducer} may be returned
     * @param introducerBackoffMax ceiling of the doubling introducer backoff (Chia 300 s)
     * @param exemptPrivateFromGroupRule loopback/private addresses do not count toward the /16 rule
     * @param onionsReachable whether onion addresses may be dialled (a Tor proxy is configured); if not they
     *                        stay in the book but are never drawn for a dial
     */
    public record Settings(int targetOutbound, int connectBatch, Duration feelerMeanInterval, Duration redialInterval,
            List<PeerAddress> bootstrapPeers, boolean introducerConfigured, Duration introducerBackoffMax,
            boolean exemptPrivateFromGroupRule, boolean onionsReachable) {
        public Settings {
            if (targetOutbound < 0 || connectBatch <= 0) {
                throw new IllegalArgumentException("targetOutbound must be >= 0 and connectBatch > 0");
            }
            bootstrapPeers = List.copyOf(bootstrapPeers);
        }

        public static Settings defaults(List<PeerAddress> bootstrapPeers, boolean introducerConfigured) {
            return new Settings(8, 8, Duration.ofSeconds(240), Duration.ofMinutes(30), bootstrapPeers,
                    introducerConfigured, Duration.ofSeconds(300), true, false);
        }
    }

    /** Something the net layer should do. */
    public sealed interface Action permits Dial, QueryIntroducer, SaveAddressBook, AdvertiseSelf {}

    /** Open an outbound connection; a feeler is closed right after a successful handshake. */
    public record Dial(PeerAddress address, boolean feeler) implements Action {}

    /** Connect to the introducer, send RequestPeersIntroducer (63), feed the answer to {@link #onIntroducerAnswer}. */
    public record QueryIntroducer() implements Action {}

    /** Persist the address book now. */
    public record SaveAddressBook() implements Action {}

    /**
     * Every 24 h: send {@code RespondPeers([our ip:port, now])} to every connected full node, then
     * call {@link AddressRelay#forgetDaily()} (Chia {@code _periodically_self_advertise_and_clean_data}).
     */
    public record AdvertiseSelf() implements Action {}

    static final int MAX_DRAWS_PER_TICK = 100;
    static final long CLEANUP_INTERVAL_MILLIS = 30 * 60_000L;
    static final long SAVE_INTERVAL_MILLIS = 15 * 60_000L;
    static final long SELF_ADVERTISE_INTERVAL_MILLIS = 24 * 3_600_000L;
    static final long INTRODUCER_BACKOFF_START_MILLIS = 1_000;

    private final Settings settings;
    private final AddressManager book;
    private final RandomGenerator random;

    private final Map<PeerAddress, Boolean> inFlight = new HashMap<>(); // address -> feeler
    private final Set<PeerAddress> outbound = new HashSet<>();
    private final Map<PeerAddress, Long> lastDial = new HashMap<>();
    private int inboundCount;
    private long nextFeelerMillis = -1;
    private long introducerBackoffMillis = INTRODUCER_BACKOFF_START_MILLIS;
    private long nextIntroducerMillis;
    private boolean introducerQueryPending;
    private long lastCleanupMillis = Long.MIN_VALUE;
    private long lastSaveMillis = Long.MIN_VALUE;
    private long lastAdvertiseMillis;

    public DiscoveryPlanner(Settings settings, AddressManager book, RandomGenerator random) {
        this.settings = settings;
        this.book = book;
        this.random = random;
    }

    public List<Action> tick(long nowMillis) {
        List<Action> actions = new ArrayList<>();
        book.resolveTriedCollisions();
        if (lastSaveMillis == Long.MIN_VALUE) {
            lastSaveMillis = nowMillis;
            lastCleanupMillis = nowMillis;
            lastAdvertiseMillis = nowMillis;
        }
        if (nowMillis - lastAdvertiseMillis >= SELF_ADVERTISE_INTERVAL_MILLIS) {
            lastAdvertiseMillis = nowMillis;
            actions.add(new AdvertiseSelf());
        }
        if (nowMillis - lastCleanupMillis >= CLEANUP_INTERVAL_MILLIS) {
            lastCleanupMillis = nowMillis;
            if (outbound.size() + inboundCount >= 3) {
                book.cleanup(14 * 86_400L, 10);
            }
        }
        if (nowMillis - lastSaveMillis >= SAVE_INTERVAL_MILLIS) {
            lastSaveMillis = nowMillis;
            actions.add(new SaveAddressBook());
        }
        int wanted = settings.targetOutbound() - outbound.size() - nonFeelerInFlight();
        int room = settings.connectBatch() - inFlight.size();
        if (wanted > 0 && room > 0) {
            int budget = Math.min(wanted, room);
            if (book.size() == 0) {
                budget -= dialBootstrap(budget, nowMillis, actions);
                if (budget > 0 && settings.introducerConfigured() && !introducerQueryPending
                        && nowMillis >= nextIntroducerMillis) {
                    introducerQueryPending = true;
                    actions.add(new QueryIntroducer());
                }
            } else {
                dialFromBook(budget, nowMillis, actions);
            }
        } else if (wanted <= 0 && settings.targetOutbound() > 0) {
            feeler(nowMillis, actions);
        }
        return actions;
    }

    private int nonFeelerInFlight() {
        return (int) inFlight.values().stream().filter(f -> !f).count();
    }

    private int dialBootstrap(int budget, long nowMillis, List<Action> actions) {
        int dialled = 0;
        for (PeerAddress p : settings.bootstrapPeers()) {
            if (dialled < budget && dialable(p, nowMillis, Set.of())) {
                dial(p, false, nowMillis, actions);
                dialled++;
            }
        }
        return dialled;
    }

    private void dialFromBook(int budget, long nowMillis, List<Action> actions) {
        Set<ByteKey> groups = new HashSet<>();
        for (PeerAddress p : outbound) {
            groups.add(groupKey(p));
        }
        for (PeerAddress p : inFlight.keySet()) {
            groups.add(groupKey(p));
        }
        int dialled = 0;
        for (int draw = 0; draw < MAX_DRAWS_PER_TICK && dialled < budget; draw++) {
            Optional<AddressManager.KnownAddress> pick = book.select(false);
            if (pick.isEmpty()) {
                break;
            }
            PeerAddress p = pick.get().address();
            if (!dialable(p, nowMillis, groups)) {
                continue;
            }
            dial(p, false, nowMillis, actions);
            groups.add(groupKey(p));
            dialled++;
        }
        if (dialled == 0) {
            dialBootstrap(budget, nowMillis, actions);
        }
    }

    private void feeler(long nowMillis, List<Action> actions) {
        if (nextFeelerMillis < 0) {
            nextFeelerMillis = nowMillis + poissonDelayMillis();
            return;
        }
        if (nowMillis < nextFeelerMillis || inFlight.containsValue(Boolean.TRUE)) {
            return;
        }
        nextFeelerMillis = nowMillis + poissonDelayMillis();
        Optional<AddressManager.KnownAddress> pick = book.selectTriedCollision();
        if (pick.isEmpty()) {
            pick = book.select(true);
        }
        pick.map(AddressManager.KnownAddress::address)
                .filter(p -> !inFlight.containsKey(p) && !outbound.contains(p) && (!p.isOnion() || settings.onionsReachable()))
                .ifPresent(p -> dial(p, true, nowMillis, actions));
    }

    /** Chia's sampler: {@code -ln(1 - U) × mean}. */
    long poissonDelayMillis() {
        double u = random.nextDouble();
        return (long) (-Math.log1p(-u) * settings.feelerMeanInterval().toMillis());
    }

    private boolean dialable(PeerAddress p, long nowMillis, Set<ByteKey> usedGroups) {
        if (inFlight.containsKey(p) || outbound.contains(p) || (p.isOnion() && !settings.onionsReachable())) {
            return false;
        }
        Long last = lastDial.get(p);
        if (last != null && nowMillis - last < settings.redialInterval().toMillis()) {
            return false;
        }
        return groupExempt(p) || !usedGroups.contains(groupKey(p));
    }

    private boolean groupExempt(PeerAddress p) {
        return settings.exemptPrivateFromGroupRule() && (p.isLoopback() || p.isPrivate());
    }

    private void dial(PeerAddress p, boolean feeler, long nowMillis, List<Action> actions) {
        inFlight.put(p, feeler);
        lastDial.put(p, nowMillis);
        book.attempt(p, false);
        actions.add(new Dial(p, feeler));
    }

    // ---- outcomes ------------------------------------------------------------------------------

    /** A dial completed its handshake. A feeler is counted as good and then closed by the net layer. */
    public void onDialSucceeded(PeerAddress p, long nowMillis) {
        Boolean feeler = inFlight.remove(p);
        book.markGood(p, true);
        book.connect(p);
        if (feeler == null || !feeler) {
            outbound.add(p);
        }
    }

    /** A dial failed (refused, timed out, handshake rejected). */
    public void onDialFailed(PeerAddress p, long nowMillis) {
        inFlight.remove(p);
        book.attempt(p, true);
    }

    /** An outbound connection ended. */
    public void onOutboundClosed(PeerAddress p) {
        outbound.remove(p);
    }

    public void onInboundOpened() {
        inboundCount++;
    }

    public void onInboundClosed() {
        inboundCount = Math.max(0, inboundCount - 1);
    }

    /** The introducer query finished; {@code added} is how many new addresses it brought. */
    public void onIntroducerAnswer(int added, long nowMillis) {
        introducerQueryPending = false;
        if (added > 0) {
            introducerBackoffMillis = INTRODUCER_BACKOFF_START_MILLIS;
            nextIntroducerMillis = nowMillis;
        } else {
            nextIntroducerMillis = nowMillis + introducerBackoffMillis;
            introducerBackoffMillis = Math.min(introducerBackoffMillis * 2, settings.introducerBackoffMax().toMillis());
        }
    }

    public int outboundCount() {
        return outbound.size();
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    public long introducerBackoffMillis() {
        return introducerBackoffMillis;
    }

    long nextFeelerMillis() {
        return nextFeelerMillis;
    }

    private ByteKey groupKey(PeerAddress p) {
        return new ByteKey(book.groups().group(p));
    }

    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
