package net.dig.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node status [--json]}: a one-screen summary of the node running on this machine, read
 * from its HTTP API ({@code GET /node/status} and {@code GET /network/peers}, found as
 * {@link RunningNode} says). Nothing running there is exit 1 with one line naming the address.
 *
 * <p>{@code --json} prints {@code {"api": "http://...", "status": <the /node/status document>,
 * "peers": {"inbound": N, "outbound": N}}}, the node's document unchanged so that scripts see the
 * API's field names (docs/api.md).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Summarise the node running on this machine: uptime, version, plots, peers, scrub, repairs, traffic.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeApiOptions options;

    @Override
    public Integer call() throws Exception {
        RunningNode node = options.locate(spec);
        JsonNode status = node.get("/node/status", doc -> doc.path("node_id").isTextual() && doc.has("plots"));
        JsonNode peers = node.get("/network/peers", doc -> doc.path("peers").isArray());
        int inbound = 0;
        int outbound = 0;
        for (JsonNode p : peers.path("peers")) {
            if ("outbound".equals(p.path("direction").asText())) {
                outbound++;
            } else {
                inbound++;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode doc = mapper.createObjectNode();
            doc.put("api", node.base());
            doc.set("status", status);
            doc.putObject("peers").put("inbound", inbound).put("outbound", outbound);
            out.println(mapper.writeValueAsString(doc));
        } else {
            print(out, node.base(), status, inbound, outbound);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, String base, JsonNode s, int inbound, int outbound) {
        JsonNode plots = s.path("plots");
        JsonNode scrub = plots.path("scrub");
        JsonNode repairs = plots.path("repairs");
        JsonNode net = s.path("network");
        row(out, "Node", s.path("node_id").asText() + " (dig-node " + s.path("version").asText() + ")");
        row(out, "API", base);
        row(out, "Uptime", duration(s.path("uptime").asLong()));
        row(out, "Plots", plots.path("count").asLong() + " plots, " + bytes(plots.path("total_size").asLong()) + ", "
                + plots.path("capsule_count").asLong() + " capsules (" + plots.path("quarantined").asLong() + " quarantined, "
                + plots.path("bad_capsules").asLong() + " bad)");
        row(out, "Datastores", String.valueOf(s.path("datastores").asLong()));
        row(out, "Peers", (inbound + outbound) + " connected (" + inbound + " in, " + outbound + " out)");
        row(out, "Scrub", !scrub.path("enabled").asBoolean() ? "off"
                : scrub.path("passes").asLong() + " passes, " + bytes(scrub.path("bytes_scrubbed").asLong()) + " read, "
                        + scrub.path("bad_found").asLong() + " bad found, last pass "
                        + (scrub.path("last_pass_finished").isTextual() ? scrub.get("last_pass_finished").asText() : "never")
                        + " (" + bytes(scrub.path("rate").asLong()) + "/s)");
        JsonNode tiering = plots.path("tiering");
        if (tiering.path("active").asBoolean()) {
            StringBuilder classes = new StringBuilder();
            for (JsonNode d : tiering.path("directories")) {
                classes.append(classes.isEmpty() ? "" : ", ").append(d.path("class").asText()).append(' ')
                        .append(d.path("plots").asLong()).append(" plots ").append(bytes(d.path("plot_bytes").asLong()));
            }
            row(out, "Tiering", classes + "; " + tiering.path("promoted").asLong() + " promoted, "
                    + tiering.path("demoted").asLong() + " demoted, " + tiering.path("failed").asLong() + " failed");
        }
        row(out, "Replication", repairs.path("pending").asLong() + " pending, " + repairs.path("running").asLong() + " running, "
                + repairs.path("repaired").asLong() + " repaired, " + repairs.path("failed_attempts").asLong() + " failed attempts");
        row(out, "HTTP traffic", bytes(net.path("bandwidth_in").asLong()) + " in, " + bytes(net.path("bandwidth_out").asLong()) + " out");
        row(out, "P2P traffic", bytes(net.path("p2p_bytes_in").asLong()) + " in, " + bytes(net.path("p2p_bytes_out").asLong()) + " out");
        row(out, "Validations", net.path("validations_24h").asLong() + " in the last 24 h");
        JsonNode dht = net.path("dht");
        if (dht.isObject()) {
            row(out, "DHT", dht.path("routing_table_size").asLong() + " routing entries, " + dht.path("provider_records").asLong()
                    + " provider records, " + dht.path("provided_keys").asLong() + " keys provided");
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-13s %s%n", label + ":", value);
    }

    static String duration(long seconds) {
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        long sec = seconds % 60;
        return d > 0 ? d + "d " + h + "h " + m + "m" : h > 0 ? h + "h " + m + "m " + sec + "s" : m + "m " + sec + "s";
    }

    private static String bytes(long n) {
        return DatastoreCommand.size(n);
    }
}
