package net.dig.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.service.DatastoreDownload;

/**
 * One node's HTTP API as a download source (docs/api.md): {@code GET /datastore/{id}/manifest},
 * {@code GET /capsule/{id}/{index}} (identity encoding, so the body is the capsule's bytes), and
 * {@code GET /handle/{handle}/resolve}. A 404 {@code unknown_datastore} answer lists the holders the
 * node knows ({@code providers}); {@link #holders} returns their API base URLs. Nothing an answer says
 * is trusted: the download checks it all against the owner's signature.
 *
 * <p>Thread-safe (the JDK client is). Any status but the expected one is an {@link IOException} naming
 * the status and the node's error code, so the download tries another node.
 */
final class HttpNodeSource implements DatastoreDownload.Source {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Capsules are at most 16 MiB; a body beyond that is refused before it is held. */
    private static final long MAX_BODY = (16L << 20) + 1;

    private final URI base;
    private final HttpClient client;
    private final Duration timeout;

    HttpNodeSource(URI base, HttpClient client, Duration timeout) {
        this.base = base;
        this.client = client;
        this.timeout = timeout;
    }

    /** {@code http://host:port} of a {@code host:port} flag value. */
    static URI baseOf(HostPort hp) {
        String host = hp.host().indexOf(':') >= 0 ? "[" + hp.host() + "]" : hp.host();
        return URI.create("http://" + host + ":" + hp.port());
    }

    URI base() {
        return base;
    }

    @Override
    public String name() {
        return base.toString();
    }

    @Override
    public Optional<String> manifest(Bytes32 id) throws IOException {
        Answer r = get("/datastore/" + id.toHex() + "/manifest");
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, 200);
        return Optional.of(new String(r.body(), StandardCharsets.UTF_8));
    }

    @Override
    public byte[] capsule(Bytes32 id, int index) throws IOException {
        Answer r = get("/capsule/" + id.toHex() + "/" + index);
        expect(r, 200);
        return r.body();
    }

    /** The API base URLs of the holders this node points at when it does not hold {@code id}; empty if it holds it. */
    List<URI> holders(Bytes32 id) throws IOException {
        Answer r = get("/datastore/" + id.toHex() + "/manifest");
        List<URI> out = new ArrayList<>();
        if (r.statusCode() != 404) {
            return out;
        }
        JsonNode providers = json(r).path("providers");
        for (JsonNode p : providers) {
            String api = p.path("api").asText("");
            try {
                URI u = new URI(api);
                if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getPort() > 0) {
                    out.add(u);
                }
            } catch (URISyntaxException malformed) {
                // a holder the node listed with a URL that does not parse is of no use; skip it
            }
        }
        return out;
    }

    /** The datastore id {@code handle} resolves to on this node; empty if the node does not know it or it names none now. */
    Optional<Bytes32> resolve(String handle) throws IOException {
        Answer r = get("/handle/" + handle + "/resolve");
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, 200);
        String status = json(r).path("status").asText("active");
        if (!status.equals("active") && !status.equals("pending")) {
            return Optional.empty(); // reserved, expired or revoked: the handle names no datastore now
        }
        try {
            return Optional.of(Bytes32.fromHex(json(r).path("datastore_id").asText("")));
        } catch (IllegalArgumentException e) {
            throw new IOException(name() + " resolved handle " + handle + " to a malformed datastore id");
        }
    }

    private record Answer(int statusCode, byte[] body) {}

    private Answer get(String path) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept-Encoding", "identity").GET()
                .build();
        try {
            HttpResponse<java.io.InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (java.io.InputStream in = r.body()) {
                body = in.readNBytes((int) MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                throw new IOException(name() + path + " sent more bytes than any capsule has");
            }
            return new Answer(r.statusCode(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking " + name());
        } catch (IOException e) {
            throw new IOException(name() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    private void expect(Answer r, int status) throws IOException {
        if (r.statusCode() != status) {
            String code = "";
            try {
                code = " " + json(r).path("error").asText("");
            } catch (IOException notJson) {
                // the node's error body is not JSON; the status alone says enough
            }
            throw new IOException(name() + " answered " + r.statusCode() + code);
        }
    }

    private static JsonNode json(Answer r) throws IOException {
        return JSON.readTree(r.body());
    }
}
