package net.dig.gossip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import net.dig.core.Bytes32;

/**
 * One iterative lookup of {@code target}: a shortlist of candidates ordered by XOR distance, each not asked,
 * in flight, answered or failed. {@link #next} hands out the closest not-asked candidates among the k closest
 * that have not failed, keeping at most alpha requests in flight; answers add the contacts they carry.
 *
 * <p>Termination: the lookup is done when each of the k closest candidates that have not failed has answered
 * (nothing is in flight and nothing in that set is left to ask), or, for a provider lookup, as soon as
 * {@code wanted} distinct providers are known. Every request either gets an answer or times out, so with a finite
 * id space a lookup always ends. The shortlist keeps at most {@code 8k} candidates: the farthest drop out.
 *
 * <p>Not thread-safe: owned by its {@link KademliaNode}.
 */
final class KademliaLookup {
    enum Kind { NODES, PROVIDERS }

    private enum State { NOT_ASKED, IN_FLIGHT, ANSWERED, FAILED }

    private static final class Candidate {
        final DhtContact contact;
        final int round;
        State state = State.NOT_ASKED;

        Candidate(DhtContact contact, int round) {
            this.contact = contact;
            this.round = round;
        }
    }

    /** A request {@link #next} asks the node to send. */
    record Ask(DhtContact contact, int round) {}

    final Kind kind;
    final Bytes32 target;
    final CompletableFuture<DhtLookupResult> future = new CompletableFuture<>();
    private final PeerId self;
    private final int k;
    private final int alpha;
    private final int wanted;
    private final TreeMap<Bytes32, Candidate> shortlist = new TreeMap<>();
    private final Map<PeerId, ProviderRecord> providers = new LinkedHashMap<>();
    private int inFlight;
    private int requests;
    private int timeouts;
    private int rounds;

    KademliaLookup(Kind kind, Bytes32 target, PeerId self, int k, int alpha, int wanted) {
        this.kind = kind;
        this.target = target;
        this.self = self;
        this.k = k;
        this.alpha = alpha;
        this.wanted = wanted;
    }

    /** Adds a contact learnt at {@code round} (0 for the routing table's own contacts). */
    void offer(DhtContact contact, int round) {
        if (contact.id().equals(self)) {
            return;
        }
        Bytes32 d = KademliaRoutingTable.distance(target, contact.id().value());
        if (shortlist.containsKey(d)) {
            return;
        }
        shortlist.put(d, new Candidate(contact, round + 1));
        while (shortlist.size() > 8 * k) {
            shortlist.pollLastEntry();
        }
    }

    void addProvider(ProviderRecord record) {
        providers.putIfAbsent(record.provider(), record);
    }

    /** The requests to send now; each is marked in flight. */
    List<Ask> next() {
        List<Ask> asks = new ArrayList<>();
        int considered = 0;
        for (Candidate c : shortlist.values()) {
            if (inFlight >= alpha || considered >= k) {
                break;
            }
            if (c.state == State.FAILED) {
                continue;
            }
            considered++;
            if (c.state == State.NOT_ASKED) {
                c.state = State.IN_FLIGHT;
                inFlight++;
                requests++;
                rounds = Math.max(rounds, c.round);
                asks.add(new Ask(c.contact, c.round));
            }
        }
        return asks;
    }

    /** {@code peer} answered (true) or timed out (false); its contacts were offered before. */
    void onOutcome(PeerId peer, boolean answered) {
        inFlight--;
        if (!answered) {
            timeouts++;
        }
        Candidate c = shortlist.get(KademliaRoutingTable.distance(target, peer.value()));
        if (c != null) {
            c.state = answered ? State.ANSWERED : State.FAILED;
        }
    }

    boolean done() {
        if (kind == Kind.PROVIDERS && providers.size() >= wanted) {
            return true;
        }
        if (inFlight > 0) {
            return false;
        }
        int considered = 0;
        for (Candidate c : shortlist.values()) {
            if (considered >= k) {
                break;
            }
            if (c.state == State.FAILED) {
                continue;
            }
            considered++;
            if (c.state == State.NOT_ASKED) {
                return false;
            }
        }
        return true;
    }

    DhtLookupResult result() {
        List<DhtContact> closest = new ArrayList<>(k);
        for (Candidate c : shortlist.values()) {
            if (closest.size() >= k) {
                break;
            }
            if (c.state == State.ANSWERED) {
                closest.add(c.contact);
            }
        }
        return new DhtLookupResult(closest, List.copyOf(providers.values()), rounds, requests, timeouts);
    }
}
