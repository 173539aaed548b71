package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.wire.RelayTransaction;

/**
 * Dandelion++ (Fanti et al., SIGMETRICS 2018; BIP-156) as a sans-I/O state machine: which peer a stem
 * transaction goes to, when it fluffs, and its embargo.
 *
 * <pre>
 *  every epoch ({@link DandelionConfig#epoch()}):
 *    destinations  2 outbound peers drawn at random (fewer if fewer are connected)
 *    fluff state   fluff with probability q ({@link DandelionConfig#fluffProbability()}), else stem
 *    routes        each peer that hands us stem transactions is mapped, on first use, to the
 *                  destination with the fewest routes (per-inbound-edge routing: all its
 *                  transactions take one path for the epoch, against the fingerprinting attack)
 *    own route     this node's own transactions always take one fixed destination, in either state
 *  a stem transaction from P:  stempool (not the mempool), embargo timer started;
 *                              fluff state -> fluffed at once; stem state -> sent to route(P)
 *  embargo expired, still unseen as fluffed  -> this node fluffs it (the fail-safe)
 *  seen fluffed (normal relay, a block)      -> leaves the stempool, timer cancelled
 * </pre>
 *
 * Embargo: an exponential draw with the paper's mean (App. B.5)
 * {@code T_base = -k(k-1) * delta_hop / (2 ln(1 - epsilon))}, {@code k = 1/q} the expected stem length,
 * {@code delta_hop} {@value #HOP_DELAY_MILLIS} ms, {@code epsilon} {@value #EPSILON}, capped at
 * {@link DandelionConfig#stemTimeout()}. A route never points back at the peer the transaction came from;
 * with no other destination the transaction fluffs. Duplicates (in the stempool, or seen fluffed) are
 * ignored. Disabled, every transaction fluffs at once.
 *
 * <h2>Concurrency and failure modes</h2>
 * Not thread-safe: one thread (the control event loop, or the simulator) calls everything, with the clock
 * and randomness injected. The stempool holds at most {@value #STEMPOOL_CAPACITY} transactions; a stem
 * transaction beyond it is refused ({@link Outcome#FULL}), never fluffed, so a flood cannot force early
 * fluffing. A lost destination is replaced at once and its routes reassigned.
 */
public final class DandelionRouter {
    /** Where the router's decisions go. */
    public interface Output {
        /** Send {@code tx} as a StemTransaction (213) to {@code to}. */
        void stem(PeerId to, RelayTransaction tx);

        /** Relay {@code tx} normally from here (mempool and diffusion); {@code from} the stem peer, empty if ours. */
        void fluff(RelayTransaction tx, Optional<PeerId> from);
    }

    /** What became of a stem transaction handed to {@link #stemReceived}. */
    public enum Outcome { STEMMED, FLUFFED, DUPLICATE, FULL }

    public static final int DESTINATIONS = 2;
    public static final long HOP_DELAY_MILLIS = 175;
    public static final double EPSILON = 0.1;
    static final int STEMPOOL_CAPACITY = 10_000;
    static final int SEEN_CAPACITY = 50_000;

    private final DandelionConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final Output out;
    private final LinkedHashSet<PeerId> outbound = new LinkedHashSet<>();
    private final List<PeerId> destinations = new ArrayList<>();
    private final Map<PeerId, PeerId> routes = new HashMap<>();
    private final Stempool stempool = new Stempool(STEMPOOL_CAPACITY);
    private final LinkedHashSet<Bytes32> seenFluffed = new LinkedHashSet<>();
    private PeerId ownRoute;
    private boolean fluffing;
    private long epochEnds = Long.MIN_VALUE;
    private long stemmed;
    private long fluffedCount;
    private long embargoesFired;

    public DandelionRouter(DandelionConfig config, Clock clock, RandomGenerator random, Output out) {
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.out = out;
    }

    /** The embargo mean {@code T_base} in milliseconds for fluff probability {@code q}. */
    public static double embargoMeanMillis(double q) {
        double k = 1 / q;
        return -k * (k - 1) * HOP_DELAY_MILLIS / (2 * Math.log(1 - EPSILON));
    }

    // ---- peers ----------------------------------------------------------------------------------

    /** An outbound connection (a candidate destination) is up. */
    public void outboundUp(PeerId peer) {
        outbound.add(peer);
        epoch();
        if (destinations.size() < DESTINATIONS && !destinations.contains(peer)) {
            destinations.add(peer);
            if (ownRoute == null) {
                ownRoute = peer;
            }
        }
    }

    public void peerDown(PeerId peer) {
        outbound.remove(peer);
        routes.remove(peer);
        if (!destinations.remove(peer)) {
            return;
        }
        List<PeerId> spare = outbound.stream().filter(p -> !destinations.contains(p)).toList();
        if (!spare.isEmpty()) {
            destinations.add(spare.get(random.nextInt(spare.size())));
        }
        routes.values().removeIf(peer::equals);
        if (peer.equals(ownRoute)) {
            ownRoute = destinations.isEmpty() ? null : destinations.get(random.nextInt(destinations.size()));
        }
    }

    // ---- transactions ---------------------------------------------------------------------------

    /** A transaction this node originates: always stemmed, on the fixed own route (fluffed only with no peer). */
    public void ownTransaction(RelayTransaction tx) {
        epoch();
        if (!config.enabled() || ownRoute == null) {
            if (!known(tx.id())) {
                fluffed(tx, Optional.empty());
            }
            return;
        }
        if (stempool.add(tx, clock.millis() + embargoMillis())) {
            stemmed++;
            out.stem(ownRoute, tx);
        }
    }

    /** A StemTransaction (213) from {@code from}, decoded. */
    public Outcome stemReceived(PeerId from, RelayTransaction tx) {
        epoch();
        if (known(tx.id())) {
            return Outcome.DUPLICATE;
        }
        Optional<PeerId> route = route(from);
        if (!config.enabled() || fluffing || route.isEmpty()) {
            fluffed(tx, Optional.of(from));
            return Outcome.FLUFFED;
        }
        if (!stempool.add(tx, clock.millis() + embargoMillis())) {
            return Outcome.FULL;
        }
        stemmed++;
        out.stem(route.get(), tx);
        return Outcome.STEMMED;
    }

    /** The transaction reached this node by normal relay or in a block: its stem phase is over. */
    public void seenFluffed(Bytes32 id) {
        stempool.remove(id);
        remember(id);
    }

    /** Fluffs the transactions whose embargo expired and starts a new epoch when the current one ended. */
    public void tick() {
        epoch();
        for (RelayTransaction tx : stempool.expired(clock.millis())) {
            embargoesFired++;
            fluffed(tx, Optional.empty());
        }
    }

    /** When {@link #tick} has work next: the earliest embargo or the epoch's end. */
    public long nextDeadline() {
        OptionalLong embargo = stempool.nextDeadline();
        return embargo.isPresent() ? Math.min(embargo.getAsLong(), epochEnds) : epochEnds;
    }

    private boolean known(Bytes32 id) {
        return stempool.contains(id) || seenFluffed.contains(id);
    }

    private void fluffed(RelayTransaction tx, Optional<PeerId> from) {
        fluffedCount++;
        stempool.remove(tx.id());
        remember(tx.id());
        out.fluff(tx, from);
    }

    private void remember(Bytes32 id) {
        if (seenFluffed.add(id) && seenFluffed.size() > SEEN_CAPACITY) {
            seenFluffed.removeFirst();
        }
    }

    private long embargoMillis() {
        double draw = -embargoMeanMillis(config.fluffProbability()) * Math.log(1 - random.nextDouble());
        return (long) Math.min(draw, config.stemTimeout().toMillis());
    }

    /** The destination for transactions from {@code from}: its epoch route, assigned on first use. */
    private Optional<PeerId> route(PeerId from) {
        PeerId assigned = routes.get(from);
        if (assigned != null) {
            return Optional.of(assigned);
        }
        List<PeerId> candidates = destinations.stream().filter(d -> !d.equals(from)).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        long fewest = candidates.stream().mapToLong(this::load).min().orElseThrow();
        List<PeerId> least = candidates.stream().filter(d -> load(d) == fewest).toList();
        PeerId chosen = least.get(random.nextInt(least.size()));
        routes.put(from, chosen);
        return Optional.of(chosen);
    }

    private long load(PeerId destination) {
        return routes.values().stream().filter(destination::equals).count();
    }

    /** Starts a new epoch when the current one is over (or none began). */
    private void epoch() {
        long now = clock.millis();
        if (epochEnds != Long.MIN_VALUE && now < epochEnds) {
            return;
        }
        epochEnds = now + config.epoch().toMillis();
        fluffing = random.nextDouble() < config.fluffProbability();
        routes.clear();
        destinations.clear();
        List<PeerId> pool = new ArrayList<>(outbound);
        while (destinations.size() < DESTINATIONS && !pool.isEmpty()) {
            destinations.add(pool.remove(random.nextInt(pool.size())));
        }
        ownRoute = destinations.isEmpty() ? null : destinations.get(random.nextInt(destinations.size()));
    }

    // ---- inspection -----------------------------------------------------------------------------

    public boolean fluffing() {
        return fluffing;
    }

    public List<PeerId> destinations() {
        return List.copyOf(destinations);
    }

    public Optional<PeerId> ownRoute() {
        return Optional.ofNullable(ownRoute);
    }

    public boolean inStempool(Bytes32 id) {
        return stempool.contains(id);
    }

    /** The router's counters since it started. */
    public DandelionStats stats() {
        return new DandelionStats(stemmed, fluffedCount, embargoesFired);
    }

    public int stempoolSize() {
        return stempool.size();
    }
}
