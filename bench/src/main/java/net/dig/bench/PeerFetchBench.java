package net.dig.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PeerId;
import net.dig.net.CapsuleServing;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.NetPeerLink;
import net.dig.net.NodeMessaging;
import net.dig.net.NodeProfile;
import net.dig.net.TransportSettings;
import net.dig.service.FetchConfig;
import net.dig.service.FetchDriver;
import net.dig.service.FetchService;
import net.dig.service.FetchSession;
import net.dig.service.NodeServices;
import net.dig.service.UploadBudget;
import net.dig.storage.CapsuleSize;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.wire.NodePayload;

/**
 * The dig-node side of {@code bench/scripts/p2p-fetch-vs-nginx.sh}: two nodes on 127.0.0.1 with real stores
 * and mTLS gossip; A ingests {@code <MiB>} random bytes (16 MiB capsules, stored plain) and writes the same
 * bytes to {@code <work>/www/data.bin} for nginx; B fetches the version from A over the peer network (4 MiB
 * windows (or as given), 2 in flight (or as given) from the one provider, the upload budget unbounded, a 256 MiB RAM tier as a node
 * has) and lands it. Prints
 * {@code p2p_fetch_seconds <s>} and {@code p2p_fetch_mib_per_s <rate>} for the fetch from its first request
 * to the landed version (staging and the store's final verification included).
 *
 * <p>Usage: {@code PeerFetchBench <workDir> <MiB> [windows in flight, default 2] [window MiB, 1..4, default 4]}
 */
public final class PeerFetchBench {
    private static final int MIB = 1 << 20;

    private PeerFetchBench() {
    }

    record Node(StorageEngine engine, NodeServices services, GossipService gossip, NodeMessaging messaging) {
    }

    private static Node node(Path home, Clock clock, int seed) {
        return node(home, clock, seed, NodeIdentity.generate(new SecureRandom()), new InetSocketAddress("127.0.0.1", 0));
    }

    /** A node under {@code home} with real stores, {@code key} and mTLS gossip listening on {@code listen}. */
    static Node node(Path home, Clock clock, int seed, NodeIdentity key, InetSocketAddress listen) {
        StorageEngine engine = StorageEngine.open(new StorageConfig(home.resolve("data"), List.of(home.resolve("plots")),
                home.resolve("cache")), clock, key, new SplittableRandom(seed));
        NodeServices services = NodeServices.open(engine, key, clock,
                new NodeServices.Settings(256L * MIB, home.resolve("l2"), 0, home.resolve("handles.sqlite")));
        GossipService gossip = new GossipService(GossipConfig.builder().listenAddr(listen)
                .networkId("bench").network(GossipConfig.Network.LOCAL).targetOutboundCount(0)
                .peersFilePath(home.resolve("peers.dat"))
                .transport(TransportSettings.builder().identityDir(Optional.of(home.resolve("tls"))).build()).build(),
                clock, new SplittableRandom(seed));
        NodeMessaging messaging = gossip.nodeMessages(key, NodeMessageConfig.defaults(), () -> new NodeProfile(
                new NodePayload.HttpEndpoint("127.0.0.1", 1, "http"), List.of("storage"), 1L << 40, 1L << 39, "archive"));
        gossip.start();
        return new Node(engine, services, gossip, messaging);
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int mib = Integer.parseInt(args[1]);
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int window = (args.length > 3 ? Integer.parseInt(args[3]) : 4) * MIB;
        Clock clock = Clock.system();
        Path www = Files.createDirectories(work.resolve("www"));
        Path data = www.resolve("data.bin");
        byte[] block = new byte[MIB];
        SplittableRandom random = new SplittableRandom(42);
        try (var out = Files.newOutputStream(data)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        Node a = node(work.resolve("a"), clock, 1);
        Node b = node(work.resolve("b"), clock, 2);
        Manifest m = a.services.datastores().ingest(data, new IngestOptions(CapsuleSize.MIB_16.bytes(), Compression.NONE, "data.bin"),
                NodeIdentity.generate(new SecureRandom()), Progress.none());
        CapsuleServing serving = CapsuleServing.start(a.gossip.handle(), a.messaging,
                a.services.capsuleWindows(new UploadBudget.Settings(1L << 40, 1L << 40, 1L << 40, 64), window), workers);
        PeerId aId = b.gossip.handle().connectTo(new InetSocketAddress("127.0.0.1", a.gossip.listenAddress().getPort()))
                .get(30, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (b.messaging.directory().get(aId).isEmpty() || a.messaging.directory().get(b.gossip.peerId()).isEmpty()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the nodes did not exchange announcements");
            }
            Thread.onSpinWait();
        }
        FetchService fetches = b.services.fetchService(new FetchConfig(window, inFlight, Math.max(8, inFlight), Duration.ofSeconds(30), 1000,
                Compression.NONE),
                new SplittableRandom(3));
        NetPeerLink link = new NetPeerLink(b.gossip.handle(), b.messaging);
        long start = System.nanoTime();
        FetchSession<PeerId> session = fetches.begin(m.version(), List.of(aId), link);
        FetchDriver<PeerId> driver = FetchDriver.of(session, workers, clock);
        link.deliverTo((peer, response) -> {
            if (response instanceof net.dig.service.FetchResponse.Refused r) {
                System.out.println("refused " + r.code() + ": " + r.message());
            }
            driver.onResponse(peer, response);
        });
        driver.start();
        while (session.outcome().isEmpty()) {
            Thread.sleep(5);
            if (session.starved()) {
                throw new IllegalStateException("the fetch lost its provider");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println("outcome " + session.outcome().orElseThrow().state());
        System.out.printf("p2p_fetch_seconds %.2f%n", seconds);
        System.out.printf("p2p_fetch_mib_per_s %.1f%n", mib / seconds);
        serving.close();
        a.gossip.stop();
        b.gossip.stop();
        a.services.close();
        b.services.close();
        a.engine.close();
        b.engine.close();
        workers.shutdownNow();
    }
}
