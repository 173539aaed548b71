package net.dig.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--api", paramLabel = "HOST:PORT", description = "The running node's HTTP API (default: api.listen_address).")
    String api;

    @Override
    public Integer call() throws Exception {
        DigNodeCommand.NodeContext ctx = DigNodeCommand.root(spec).context();
        LogSetup.toConsole(LogSetup.Console.STDERR, ctx.config().monitoring().logLevel(), Optional.empty());
        String base = "http://" + apiAddress(ctx);
        JsonNode answer = fetch(base);
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
        if (json) {
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

    private String apiAddress(DigNodeCommand.NodeContext ctx) {
        if (api != null) {
            return hostPort(DigNodeCommand.hostPortFlag("--api", api));
        }
        HostPort configured = ctx.config().api().listenAddress();
        if (configured.port() == 0) {
            throw CliException.usage("api.listen_address has port 0 (any free port), so the running node's API port is unknown;"
                    + " pass --api 127.0.0.1:PORT (the ready file's api_port)");
        }
        return hostPort(configured);
    }

    private static String hostPort(HostPort hp) {
        String host = hp.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + hp.port();
    }

    private static JsonNode fetch(String base) {
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            response = http.send(HttpRequest.newBuilder(URI.create(base + "/network/peers")).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.FAILED, "no node is running at " + base + " (connection refused); start one with"
                    + " 'dig-node start' or point --api at its HTTP API");
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "no node answered at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted while asking " + base, e);
        }
        if (response.statusCode() != 200) {
            throw new CliException(ExitCodes.FAILED, base + "/network/peers answered HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        try {
            JsonNode doc = new ObjectMapper().readTree(response.body());
            if (doc == null || !doc.path("peers").isArray()) {
                throw new CliException(ExitCodes.FAILED, base + "/network/peers did not answer a peer list (is it a dig-node?): "
                        + abbreviate(response.body()));
            }
            return doc;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, base + "/network/peers did not answer JSON (is it a dig-node?): "
                    + abbreviate(response.body()), e);
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
