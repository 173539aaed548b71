package net.dig.api;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.service.NodeServices;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;

/**
 * A real node for tests: a real storage engine in a temp dir holding three datastores, and a real
 * {@link ApiServer} on 127.0.0.1 with ephemeral ports.
 *
 * <ul>
 * <li>{@code dir}: a directory datastore, 256 KiB capsules, stored plain: {@code index.html} (small),
 *     {@code data/big.bin} (600,000 bytes, spans capsules), {@code docs/a b.txt};</li>
 * <li>{@code zstd}: one compressible 700,000-byte file, 256 KiB capsules, stored zstd;</li>
 * <li>{@code tiny}: a 10-byte file (one short capsule).</li>
 * </ul>
 */
final class ApiFixture implements AutoCloseable {
    static final String ADMIN = "test-admin-token-0123456789";
    /** The validator whose challenges the fixture's node answers (in {@code validatorKeys}). */
    static final NodeIdentity VALIDATOR = NodeIdentity.fromSeed(seed(5));

    final Path root;
    final NodeIdentity node;
    final NodeIdentity owner;
    final StorageEngine storage;
    ApiServer server;
    private Running running;
    private final ApiConfig config;
    private final Clock clock;
    private final PeerDirectory peers;
    final Manifest dir;
    final Manifest zstd;
    final Manifest tiny;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    ApiFixture(Path root, Clock clock, PeerDirectory peers, UnaryOperator<ApiConfig> tweak) throws IOException {
        this.root = root;
        this.node = NodeIdentity.fromSeed(seed(1));
        this.owner = NodeIdentity.fromSeed(seed(2));
        this.storage = StorageEngine.open(new StorageConfig(root.resolve("data"), List.of(root.resolve("plots")),
                root.resolve("cache")), clock, node, new SplittableRandom(7));
        Path src = Files.createDirectories(root.resolve("src/site"));
        Files.writeString(src.resolve("index.html"), "<h1>hello dig</h1>\n");
        Files.createDirectories(src.resolve("data"));
        Files.write(src.resolve("data/big.bin"), pseudoRandom(600_000, 3));
        Files.createDirectories(src.resolve("docs"));
        Files.writeString(src.resolve("docs/a b.txt"), "spaces in names\n");
        this.dir = storage.ingest(src, new IngestOptions(262_144, Compression.NONE, "site"), owner, Progress.none());
        Path z = root.resolve("src/log.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 700_000; i++) {
            sb.append("line ").append(i).append(" of a very compressible log file\n");
        }
        Files.writeString(z, sb.substring(0, 700_000));
        this.zstd = storage.ingest(z, new IngestOptions(262_144, Compression.ZSTD, "log"), owner, Progress.none());
        Path t = root.resolve("src/tiny.txt");
        Files.writeString(t, "0123456789");
        this.tiny = storage.ingest(t, new IngestOptions(262_144, Compression.NONE, "tiny"), owner, Progress.none());
        ApiConfig config = ApiConfig.defaults(root.resolve("api"))
                .toBuilder().listen("127.0.0.1", 0).metricsListen("127.0.0.1", 0).eventLoops(1)
                .admin(ADMIN, false)
                .rateLimits(RateLimit.unlimited(), RateLimit.unlimited(), RateLimit.unlimited())
                .caches(8 << 20, root.resolve("api/l2"), 16 << 20)
                .validatorKeys(java.util.Set.of(net.dig.core.Hex.encode(VALIDATOR.publicKey()))).build();
        this.config = tweak.apply(config);
        this.clock = clock;
        this.peers = peers;
        this.running = startNode(this.config, storage, node, clock, peers);
        this.server = running.server();
    }

    /** The services the running API serves. */
    NodeServices services() {
        return running.services();
    }

    /** A started API over its own services and registry, closed together. */
    record Running(NodeServices services, PrometheusMeterRegistry registry, ApiServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            services.close();
            registry.close();
        }
    }

    /** What the node does at start: services over the storage, a registry with their meters, the API on them. */
    static Running startNode(ApiConfig config, StorageEngine storage, NodeIdentity node, Clock clock, PeerDirectory peers) {
        NodeServices services = NodeServices.open(storage, node, clock, ApiServer.serviceSettings(config));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        services.bindTo(registry);
        return new Running(services, registry, ApiServer.start(config, services, clock, peers, registry, VERSION));
    }

    /** The version the fixture's node reports. */
    static final String VERSION = "0.1.0-test";

    /** Stops the API server and starts a new one on the same config, storage and directories (a node restart). */
    void restartServer() {
        running.close();
        running = startNode(config, storage, node, clock, peers);
        server = running.server();
    }

    static byte[] seed(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }

    static byte[] pseudoRandom(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    URI metrics(String path) {
        return URI.create("http://127.0.0.1:" + server.metricsPort() + path);
    }

    HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> getText(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json, boolean admin) throws IOException, InterruptedException {
        return admin ? send("POST", path, json, "Content-Type", "application/json", "Authorization", "Bearer " + ADMIN)
                : send("POST", path, json, "Content-Type", "application/json");
    }

    /** Sends raw bytes on a fresh socket and returns everything the server answers until it closes or 10 s pass. */
    String raw(String request) throws IOException {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1), "127.0.0.1", server.port());
    }

    /**
     * Sends raw bytes from {@code localAddress} (any loopback address) to {@code port} on a fresh socket and
     * returns what the server answers: one complete response, or what arrived until it closed or 10 s passed.
     */
    static String raw(byte[] request, String localAddress, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(localAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return readResponse(s);
        }
    }

    /** Reads one response from {@code s}: until it is complete, the server closes, or the socket's read timeout. */
    static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[65536];
        StringBuilder sb = new StringBuilder();
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (sb.indexOf("\r\n\r\n") > 0 && complete(sb)) {
                    break;
                }
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            // return what arrived
        }
        return sb.toString();
    }

    /** The status code of a raw HTTP/1.x response, or {@code "closed"} if none arrived. */
    static String status(String response) {
        return response.length() >= 12 && response.startsWith("HTTP/1.") ? response.substring(9, 12) : "closed";
    }

    /** Asserts a raw response has {@code status} and a JSON error body {@code {"error": code, "message": ...}}. */
    static void assertJsonError(String response, String status, String code) {
        org.assertj.core.api.Assertions.assertThat(status(response)).as(response).isEqualTo(status);
        int end = response.indexOf("\r\n\r\n");
        org.assertj.core.api.Assertions.assertThat(response.substring(0, end).toLowerCase(java.util.Locale.ROOT))
                .contains("content-type: application/json");
        io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject(response.substring(end + 4));
        org.assertj.core.api.Assertions.assertThat(body.getString("error")).isEqualTo(code);
        org.assertj.core.api.Assertions.assertThat(body.getString("message")).isNotBlank();
    }

    private static boolean complete(StringBuilder sb) {
        int end = sb.indexOf("\r\n\r\n");
        String head = sb.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int i = head.indexOf("content-length:");
        if (i < 0) {
            return false;
        }
        int eol = head.indexOf("\r\n", i);
        long len = Long.parseLong(head.substring(i + 15, eol < 0 ? head.length() : eol).trim());
        return sb.length() - end - 4 >= len;
    }

    /** Every file and request directory in the push spool ({@code <dataDir>/http-uploads}), the servers' own directories aside. */
    List<Path> spoolLeftovers() throws IOException {
        Path spool = root.resolve("api/http-uploads");
        if (!Files.exists(spool)) {
            return List.of();
        }
        try (var walk = Files.walk(spool)) {
            return walk.filter(p -> !p.equals(spool) && !(Files.isDirectory(p) && p.getParent().equals(spool))).toList();
        }
    }

    @Override
    public void close() {
        running.close();
        storage.close();
    }

}
