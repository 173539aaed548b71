package net.dig.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node peers [--json]}: the live P2P connections of a running node, read from that node's
 * own HTTP API ({@code GET /network/peers}, backed by gossip's peer table through
 * {@link GossipWiring#peerDirectory}).
 *
 * <p>Where: {@code api.listen_address} of the configuration (a wildcard host means this machine,
 * asked on 127.0.0.1), or {@code --api HOST:PORT}. Nothing answering there is not a crash: the
 * command says no node is running at that address and exits 1. A node whose API listens on port 0
 * cannot be found from the config; {@code --api} (or the ready file's {@code api_port}) then says where.
 *
 * <p>Output: a table, or with {@code --json} {@code {"api": "...", "peers": [{"peer_id", "address",
 * "direction", "node_type", "software_version", "rtt_ms", "connected_since", "reputation"}]}}.
 * {@code peer_id} is the TLS PeerId (SHA-256 of the peer's key), {@code address} the peer's reachable
 * {@code host:port}, {@code direction} inbound or outbound, {@code rtt_ms} the average keepalive round
 * trip (null until one was measured), {@code connected_since} when the connection was made (the API's
 * {@code last_seen}).
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "List the live P2P connections of the node running on this machine (via its HTTP API).")
final class PeersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeApiOptions options;

    @Override
    public Integer call() throws Exception {
        RunningNode node = options.locate(spec);
        String base = node.base();
        JsonNode answer = node.get("/network/peers", doc -> doc.path("peers").isArray());
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode peers = mapper.createArrayNode();
        for (JsonNode p : answer.path("peers")) {
            ObjectNode row = peers.addObject();
            row.put("peer_id", p.path("peer_id").asText(p.path("node_id").asText()));
            row.put("address", p.path("endpoint").asText());
            row.put("direction", p.path("direction").asText(null));
            row.put("node_type", p.path("node_type").asText(null));
            row.put("software_version", p.path("software_version").asText(null));
            row.set("rtt_ms", p.path("rtt_ms").isNumber() ? p.get("rtt_ms") : mapper.nullNode());
            row.put("connected_since", p.path("last_seen").asText());
            row.put("reputation", p.path("reputation").asDouble());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            ObjectNode doc = mapper.createObjectNode();
            doc.put("api", base);
            doc.set("peers", peers);
            out.println(mapper.writeValueAsString(doc));
        } else if (peers.isEmpty()) {
            out.println("no peers connected (node at " + base + ")");
        } else {
            out.printf("%-66s  %-21s  %-8s  %-10s  %-7s  %-24s  %s%n", "PEER ID", "ADDRESS", "DIR", "TYPE", "RTT",
                    "CONNECTED SINCE", "REPUTATION");
            for (JsonNode p : peers) {
                String rtt = p.get("rtt_ms").isNumber() ? p.get("rtt_ms").asLong() + "ms" : "-";
                out.printf("%-66s  %-21s  %-8s  %-10s  %-7s  %-24s  %.2f%n", p.get("peer_id").asText(),
                        p.get("address").asText(), p.path("direction").asText("-"), p.path("node_type").asText("-"),
                        rtt, p.get("connected_since").asText(), p.get("reputation").asDouble());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
