package net.dig.sim;

/**
 * The figures of one protocol in one scenario, over the measured broadcasts.
 *
 * @param reliabilityPercent    deliveries / nodes that should have received (live, honest, connected), in %
 * @param worstMessagePercent   the lowest per-message reliability
 * @param rmr                   relative message redundancy, payload transmissions / (receivers) - 1 (0 = a tree)
 * @param rmrLastQuarter        the same over the last quarter of the measured broadcasts only: whether the eager
 *                              graph has become a tree again after a fault (0) or kept a cycle
 * @param lastDeliveryHopMean   mean over messages of the hop count of the last delivery
 * @param lastDeliveryHopMax    maximum of the same
 * @param latencyP50Millis      delivery latency, median over all (node, message) deliveries
 * @param latencyP99Millis      the same, 99th percentile
 * @param bytesSent             every byte sent (payloads and control) from the start of measuring to the end
 * @param controlMessages       Plumtree control messages sent in that window
 * @param duplicateDeliveries   a message handed to one node's application twice (must be 0)
 * @param penalties             penalties raised by routers
 * @param lostWithOriginUp      messages that missed some node that should have received them although their origin
 *                              stayed up for timeout1 after sending them (must be 0)
 */
public record SimResult(String protocol, int messages, double reliabilityPercent, double worstMessagePercent,
                        double rmr, double rmrLastQuarter, double lastDeliveryHopMean, int lastDeliveryHopMax, double latencyP50Millis,
                        double latencyP99Millis, long bytesSent, long controlMessages, long duplicateDeliveries,
                        long penalties, long lostWithOriginUp) {}
