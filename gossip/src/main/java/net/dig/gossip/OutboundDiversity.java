package net.dig.gossip;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;

/**
 * The outbound diversity rule as a check on one dial: no two outbound connections in one group
 * ({@link AddressGroups}: the same AS where an asmap covers both, else the same /16 or IPv6 /32). The
 * {@link DiscoveryPlanner} applies it while drawing candidates; the net layer applies it again when the dial
 * starts, against every live outbound connection, including ones the planner did not open (operator
 * {@code connect_to}), and refuses with the reason this returns.
 *
 * <p>Loopback and private addresses are exempt when {@code exemptPrivate} (local networks and tests), as in
 * the planner. Pure; no state.
 */
public final class OutboundDiversity {
    private OutboundDiversity() {}

    /** Why dialling {@code candidate} would break the rule, or empty if it does not. */
    public static Optional<String> conflict(AddressGroups groups, PeerAddress candidate, Collection<PeerAddress> outbound,
            boolean exemptPrivate) {
        if (exemptPrivate && (candidate.isLoopback() || candidate.isPrivate())) {
            return Optional.empty();
        }
        byte[] group = groups.group(candidate);
        for (PeerAddress other : outbound) {
            if (!other.equals(candidate) && Arrays.equals(group, groups.group(other))) {
                return Optional.of(groups.describe(candidate) + " already has an outbound connection (" + other
                        + "), refusing " + candidate);
            }
        }
        return Optional.empty();
    }
}
