package net.dig.sim;

import java.util.Locale;

/**
 * The outcome of one scenario: Plumtree and the flooding baseline over the same overlay, origins, faults and
 * seed. {@code bytesVsFloodPercent} is Plumtree's bytes as a percentage of flooding's.
 */
public record SimReport(SimSpec spec, SimResult plumtree, SimResult flood, int liveNodesAtEnd,
                        int unreachableLiveNodes, double elapsedSeconds) {

    public double bytesVsFloodPercent() {
        return flood.bytesSent() == 0 ? 0 : 100.0 * plumtree.bytesSent() / flood.bytesSent();
    }

    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"scenario\":\"%s\",\"nodes\":%d,\"seed\":%d,\"degree\":%d,\"payload_bytes\":%d,\"measured_broadcasts\":%d,"
                        + "\"live_nodes_at_end\":%d,\"unreachable_live_nodes\":%d,\"bytes_vs_flood_percent\":%.2f,"
                        + "\"plumtree\":%s,\"flood\":%s,\"elapsed_seconds\":%.2f}",
                spec.scenario().cliName(), spec.nodes(), spec.seed(), spec.degree(), spec.payloadBytes(),
                spec.measuredBroadcasts(), liveNodesAtEnd, unreachableLiveNodes, bytesVsFloodPercent(),
                json(plumtree), json(flood), elapsedSeconds);
    }

    private static String json(SimResult r) {
        return String.format(Locale.ROOT,
                "{\"reliability_percent\":%.3f,\"worst_message_percent\":%.3f,\"rmr\":%.4f,\"rmr_last_quarter\":%.4f,\"last_delivery_hop_mean\":%.2f,"
                        + "\"last_delivery_hop_max\":%d,\"latency_p50_ms\":%.1f,\"latency_p99_ms\":%.1f,\"bytes_sent\":%d,"
                        + "\"control_messages\":%d,\"duplicate_deliveries\":%d,\"penalties\":%d,\"lost_with_origin_up\":%d}",
                r.reliabilityPercent(), r.worstMessagePercent(), r.rmr(), r.rmrLastQuarter(), r.lastDeliveryHopMean(),
                r.lastDeliveryHopMax(), r.latencyP50Millis(), r.latencyP99Millis(), r.bytesSent(), r.controlMessages(), r.duplicateDeliveries(),
                r.penalties(), r.lostWithOriginUp());
    }

    public static String csvHeader() {
        return "scenario,nodes,seed,protocol,reliability_percent,worst_message_percent,rmr,last_delivery_hop_mean,"
                + "last_delivery_hop_max,latency_p50_ms,latency_p99_ms,bytes_sent,bytes_vs_flood_percent,duplicate_deliveries,penalties";
    }

    public String toCsvRows() {
        return csv(plumtree, bytesVsFloodPercent()) + "\n" + csv(flood, 100.0);
    }

    private String csv(SimResult r, double vsFlood) {
        return String.format(Locale.ROOT, "%s,%d,%d,%s,%.3f,%.3f,%.4f,%.2f,%d,%.1f,%.1f,%d,%.2f,%d,%d",
                spec.scenario().cliName(), spec.nodes(), spec.seed(), r.protocol(), r.reliabilityPercent(),
                r.worstMessagePercent(), r.rmr(), r.lastDeliveryHopMean(), r.lastDeliveryHopMax(), r.latencyP50Millis(),
                r.latencyP99Millis(), r.bytesSent(), vsFlood, r.duplicateDeliveries(), r.penalties());
    }

    public String toTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "scenario %s, %d nodes, seed %d, degree %d, %d B payloads, %d measured broadcasts%n",
                spec.scenario().cliName(), spec.nodes(), spec.seed(), spec.degree(), spec.payloadBytes(),
                spec.measuredBroadcasts()));
        b.append(String.format(Locale.ROOT, "live nodes at end %d (unreachable from some origin: %d), run took %.1f s%n%n",
                liveNodesAtEnd, unreachableLiveNodes, elapsedSeconds));
        b.append(String.format(Locale.ROOT, "%-22s %14s %14s%n", "", "plumtree", "flood"));
        row(b, "reliability %", "%.3f", plumtree.reliabilityPercent(), flood.reliabilityPercent());
        row(b, "worst message %", "%.3f", plumtree.worstMessagePercent(), flood.worstMessagePercent());
        row(b, "RMR", "%.4f", plumtree.rmr(), flood.rmr());
        row(b, "RMR last quarter", "%.4f", plumtree.rmrLastQuarter(), flood.rmrLastQuarter());
        row(b, "last delivery hop", "%.2f", plumtree.lastDeliveryHopMean(), flood.lastDeliveryHopMean());
        row(b, "latency p50 ms", "%.1f", plumtree.latencyP50Millis(), flood.latencyP50Millis());
        row(b, "latency p99 ms", "%.1f", plumtree.latencyP99Millis(), flood.latencyP99Millis());
        row(b, "bytes sent", "%.0f", plumtree.bytesSent(), flood.bytesSent());
        row(b, "bytes vs flood %", "%.2f", bytesVsFloodPercent(), 100.0);
        row(b, "duplicate deliveries", "%.0f", plumtree.duplicateDeliveries(), flood.duplicateDeliveries());
        row(b, "penalties", "%.0f", plumtree.penalties(), flood.penalties());
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String format, double a, double c) {
        b.append(String.format(Locale.ROOT, "%-22s %14s %14s%n", name, String.format(Locale.ROOT, format, a),
                String.format(Locale.ROOT, format, c)));
    }
}
