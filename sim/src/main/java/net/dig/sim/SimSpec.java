package net.dig.sim;

import net.dig.gossip.PlumtreeConfig;

/**
 * One simulator run, fully determined by these fields.
 *
 * @param nodes            initial node count (at least 2)
 * @param seed             the seed every random choice derives from
 * @param scenario         what happens during the run
 * @param degree           overlay degree: each node joins degree/2 random Hamiltonian cycles, so the overlay is
 *                         connected and every node has at most {@code degree} links
 * @param payloadBytes     size of each broadcast message's data
 * @param warmupBroadcasts broadcasts before measuring (the tree settles during these)
 * @param measuredBroadcasts broadcasts that count
 * @param intervalMillis   time between two broadcasts
 * @param links            latency, jitter, loss, bandwidth
 * @param plumtree         router settings
 */
public record SimSpec(int nodes, long seed, SimScenario scenario, int degree, int payloadBytes, int warmupBroadcasts,
                      int measuredBroadcasts, long intervalMillis, SimLinks links, PlumtreeConfig plumtree) {
    public SimSpec {
        if (nodes < 2) {
            throw new IllegalArgumentException("a simulation needs at least 2 nodes, got " + nodes);
        }
        if (degree < 2 || degree % 2 != 0) {
            throw new IllegalArgumentException("overlay degree must be an even number >= 2, got " + degree);
        }
        if (payloadBytes < 1 || warmupBroadcasts < 0 || measuredBroadcasts < 1 || intervalMillis < 1) {
            throw new IllegalArgumentException("payload, broadcasts and interval must be positive");
        }
        if (scenario == SimScenario.BYZANTINE && nodes < 3) {
            throw new IllegalArgumentException("the byzantine scenario needs at least 3 nodes");
        }
    }

    /** The set-up: degree 8, 1 KB payloads, 10 warm-up and 20 measured broadcasts 1 s apart
     * (one message in flight at a time; see docs/decisions.md on overlapping broadcasts). */
    public static SimSpec of(int nodes, long seed, SimScenario scenario) {
        return new SimSpec(nodes, seed, scenario, 8, 1024, 10, 20, 1000, SimLinks.internet(), PlumtreeConfig.defaults());
    }
}
