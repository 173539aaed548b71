package net.dig.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The HTTP API of the node running on this machine, as the commands that talk to it ({@code peers},
 * {@code status}) find and read it.
 *
 * <p>Where: {@code --api HOST:PORT} when given, else {@code api.listen_address} of the configuration
 * (a wildcard host means this machine, asked on 127.0.0.1). A configured port 0 cannot be found and
 * is a usage error (exit 2) pointing at {@code --api}.
 *
 * <p>Failure modes, each a {@link CliException} with exit 1 and one line naming the address: nothing
 * listening (no node running), no answer within the timeout, a status other than 200, a body that is
 * not the expected JSON document (not a dig-node).
 */
final class RunningNode {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String base;

    private RunningNode(String base) {
        this.base = base;
    }

    /** The node named by {@code --api} (null when not given), else by the configuration. */
    static RunningNode locate(DigNodeCommand.NodeContext ctx, String apiFlag) {
        if (apiFlag != null) {
            return new RunningNode("http://" + local(DigNodeCommand.hostPortFlag("--api", apiFlag)));
        }
        HostPort configured = ctx.config().api().listenAddress();
        if (configured.port() == 0) {
            throw CliException.usage("api.listen_address has port 0 (any free port), so the running node's API port is unknown;"
                    + " pass --api 127.0.0.1:PORT (the ready file's api_port)");
        }
        return new RunningNode("http://" + local(configured));
    }

    /** {@code http://host:port} of the API. */
    String base() {
        return base;
    }

    /** GET {@code path}; the JSON document when it is one {@code expected} accepts. */
    JsonNode get(String path, Predicate<JsonNode> expected) {
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build(),
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
            throw new CliException(ExitCodes.FAILED, base + path + " answered HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, base + path + " did not answer JSON (is it a dig-node?): "
                    + abbreviate(response.body()), e);
        }
        if (doc == null || !expected.test(doc)) {
            throw new CliException(ExitCodes.FAILED, base + path + " did not answer the expected document (is it a dig-node?): "
                    + abbreviate(response.body()));
        }
        return doc;
    }

    private static String local(HostPort hp) {
        String host = hp.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + hp.port();
    }

    private static String abbreviate(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
