package net.dig.gossip;

import java.util.List;

/**
 * The outcome of an iterative lookup.
 *
 * @param closest   the closest live contacts found, nearest first (at most k)
 * @param providers verified, unexpired provider records, one per provider (empty for a node lookup)
 * @param rounds    the longest chain of dependent requests: round 1 asks contacts from the routing table, round
 *                  n+1 asks contacts learnt from a round-n answer
 * @param requests  requests the lookup sent
 * @param timeouts  of those, requests that were not answered in time
 */
public record DhtLookupResult(List<DhtContact> closest, List<ProviderRecord> providers, int rounds, int requests,
                              int timeouts) {
    public DhtLookupResult {
        closest = List.copyOf(closest);
        providers = List.copyOf(providers);
    }
}
