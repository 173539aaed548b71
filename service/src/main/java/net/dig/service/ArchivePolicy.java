package net.dig.service;

import java.util.Set;

/**
 * Archive mode: keep every datastore the network announces ({@code node.archive.*}, docs/config.md).
 *
 * <p>With {@code accept_all} every candidate is kept ({@link Reason#ACCEPT_ALL}) unless
 * {@code tier_filter} is not empty and the candidate's tier is known and not in it
 * ({@link Reason#TIER_FILTERED}). A datastore's tier is known when a handle registered here points at it;
 * one with no known tier passes the filter (an archive keeps rather than loses). Without
 * {@code accept_all} the node keeps what it holds: new versions of datastores held here are kept
 * ({@link Reason#HELD_UPDATE}, the tier filter applying the same way), new datastores refused
 * ({@link Reason#NOT_ACCEPTING}). Free capacity is not the policy's business: {@link ReplicationService}
 * refuses any version that does not fit, in every mode. Immutable and thread-safe.
 */
public final class ArchivePolicy implements HoldingPolicy {
    private final boolean acceptAll;
    private final Set<Integer> tierFilter;

    public ArchivePolicy(boolean acceptAll, Set<Integer> tierFilter) {
        this.acceptAll = acceptAll;
        this.tierFilter = Set.copyOf(tierFilter);
    }

    @Override
    public String mode() {
        return "archive";
    }

    /** With {@code accept_all}: an archive also fetches what it only hears of, not only what is offered. */
    @Override
    public boolean takesEverything() {
        return acceptAll;
    }

    @Override
    public Verdict decide(HoldingCandidate c) {
        if (!tierFilter.isEmpty() && c.tier().isPresent() && !tierFilter.contains(c.tier().getAsInt())) {
            return Verdict.of(Reason.TIER_FILTERED);
        }
        if (acceptAll) {
            return Verdict.of(Reason.ACCEPT_ALL);
        }
        return Verdict.of(c.held() ? Reason.HELD_UPDATE : Reason.NOT_ACCEPTING);
    }
}
