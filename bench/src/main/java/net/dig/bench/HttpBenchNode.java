package net.dig.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import net.dig.api.ApiConfig;
import net.dig.api.ApiServer;
import net.dig.api.PeerDirectory;
import net.dig.api.RateLimit;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.service.NodeServices;
import net.dig.storage.CapsuleSize;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;

/**
 * The node side of {@code bench/scripts/http-vs-nginx.sh}: ingests a 16 MiB and a 256 KiB capsule
 * (plain, so they are served with sendFile) and a small datastore, writes the very same bytes into an
 * nginx document root, starts the real {@link ApiServer} on 127.0.0.1 without rate limits, writes the
 * URLs to {@code <work>/urls.env} and serves until killed.
 *
 * <p>Usage: {@code HttpBenchNode <workDir> <apiPort> <metricsPort> <eventLoops>}
 */
public final class HttpBenchNode {
    private HttpBenchNode() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int metricsPort = Integer.parseInt(args[2]);
        int loops = Integer.parseInt(args[3]);
        Path src = Files.createDirectories(work.resolve("src"));
        Path www = Files.createDirectories(work.resolve("www"));
        SplittableRandom random = new SplittableRandom(42);
        byte[] big = new byte[16 << 20];
        random.nextBytes(big);
        byte[] small = new byte[256 << 10];
        random.nextBytes(small);
        Files.write(src.resolve("c16m.bin"), big);
        Files.write(src.resolve("c256k.bin"), small);
        Files.writeString(src.resolve("hello.txt"), "hello from a small datastore\n");

        NodeIdentity node = NodeIdentity.generate(new SecureRandom());
        Clock clock = Clock.system();
        StorageEngine storage = StorageEngine.open(new StorageConfig(work.resolve("data"), List.of(work.resolve("plots")),
                work.resolve("cache")), clock, node, new SplittableRandom(7));
        Manifest m16 = storage.ingest(src.resolve("c16m.bin"), new IngestOptions(CapsuleSize.MIB_16.bytes(), Compression.NONE, "c16m"), node,
                Progress.none());
        Manifest m256 = storage.ingest(src.resolve("c256k.bin"), new IngestOptions(CapsuleSize.KIB_256.bytes(), Compression.NONE, "c256k"), node,
                Progress.none());
        Manifest tiny = storage.ingest(src.resolve("hello.txt"), new IngestOptions(CapsuleSize.KIB_256.bytes(), Compression.NONE, "hello"), node,
                Progress.none());
        Files.write(www.resolve("c16m.bin"), storage.readCapsule(m16.datastoreId(), 0));
        Files.write(www.resolve("c256k.bin"), storage.readCapsule(m256.datastoreId(), 0));

        ApiConfig config = ApiConfig.defaults(work.resolve("api")).toBuilder().listen("127.0.0.1", port)
                .metricsListen("127.0.0.1", metricsPort).eventLoops(loops)
                .rateLimits(RateLimit.unlimited(), RateLimit.unlimited(), RateLimit.unlimited()).build();
        NodeServices services = NodeServices.open(storage, node, clock, ApiServer.serviceSettings(config));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        services.bindTo(registry);
        ApiServer server = ApiServer.start(config, services, clock, PeerDirectory.none(), registry, "bench");
        String manifestPath = "/datastore/" + tiny.datastoreId().toHex() + "/manifest";
        var client = java.net.http.HttpClient.newHttpClient();
        String manifestJson = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + manifestPath)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        Files.writeString(www.resolve("small.json"), manifestJson);
        Files.writeString(work.resolve("urls.env"), String.join("\n",
                "NODE_16M=/capsule/" + m16.datastoreId().toHex() + "/0",
                "NODE_256K=/capsule/" + m256.datastoreId().toHex() + "/0",
                "NODE_JSON=" + manifestPath,
                "JSON_BYTES=" + manifestJson.length(),
                "") + "\n");
        System.out.println("ready on 127.0.0.1:" + server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            services.close();
            storage.close();
        }));
        new CountDownLatch(1).await();
    }
}
