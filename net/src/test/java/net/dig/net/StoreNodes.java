package net.dig.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.PeerId;
import net.dig.service.FetchConfig;
import net.dig.service.FetchRequest;
import net.dig.service.FetchResponse;
import net.dig.service.FetchService;
import net.dig.service.NodeServices;
import net.dig.service.ReplicationService;
import net.dig.service.UploadBudget;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload;

/**
 * Storage nodes on loopback for fetch and replication tests: each a real storage engine (SQLite index,
 * plots) under its own home, the services over it, a gossip service with signed node messages over mTLS,
 * serving capsules ({@link CapsuleServing}) and replicating ({@link PeerReplication}). Clocks are one
 * {@link ManualClock} that never moves, so upload budgets are sized to never run dry.
 */
final class StoreNodes implements AutoCloseable {
    static final NodeIdentity OWNER = NodeIdentity.fromSeed(seed(0x42));
    static final int MIB = 1 << 20;

    final ManualClock clock = new ManualClock(System.currentTimeMillis());
    final TestNodes network;
    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    /** One node: its store, services and network sides. */
    final class Node {
        final Path home;
        final StorageEngine engine;
        final NodeServices services;
        final GossipService gossip;
        final NodeMessaging messaging;
        final FetchService fetches;
        final CapsuleServing serving;
        final PeerReplication transport;
        final ReplicationService<PeerId> replication;

        Node(Path home, int seed, BiFunction<FetchRequest, FetchResponse, FetchResponse> tamper, boolean replicate) {
            this.home = home;
            this.engine = StorageEngine.open(StorageConfig.under(home), clock, NodeIdentity.fromSeed(seed(seed)),
                    new SplittableRandom(seed));
            this.services = NodeServices.open(engine, NodeIdentity.fromSeed(seed(seed + 100)), clock,
                    new NodeServices.Settings(32L * MIB, home.resolve("l2"), 0, home.resolve("handles.sqlite")));
            NodeIdentity key = NodeIdentity.fromSeed(seed(seed + 200));
            NodeProfile profile = new NodeProfile(new NodePayload.HttpEndpoint("127.0.0.1", 8555, "http"), List.of("storage"),
                    1L << 40, 1L << 39, "archive");
            NodeMessaging[] m = new NodeMessaging[1];
            this.gossip = network.start(b -> b, MessageBusConfig.defaults(),
                    s -> m[0] = s.nodeMessages(key, NodeMessageConfig.defaults(), () -> profile));
            this.messaging = m[0];
            var windows = services.capsuleWindows(new UploadBudget.Settings(1L << 40, 1L << 40, 1L << 40, 64), 1 << 20);
            this.serving = CapsuleServing.start(gossip.handle(), messaging,
                    (p, r) -> tamper.apply(r, windows.answer(p, r)), workers);
            this.fetches = services.fetchService(new FetchConfig(1 << 20, 2, 8, Duration.ofSeconds(30), 1000, Compression.NONE),
                    new SplittableRandom(seed));
            this.transport = new PeerReplication(gossip.handle(), messaging, workers);
            this.replication = services.replication(fetches, transport, workers, replicate, () -> 1L << 39);
            transport.serve(replication);
        }

        PeerId peerId() {
            return gossip.peerId();
        }

        Manifest ingest(byte[] data, int capsuleSize) throws IOException {
            Path file = Files.createTempFile(dir, "content", ".bin");
            Files.write(file, data);
            return services.datastores().ingest(file, new IngestOptions(capsuleSize, Compression.NONE, "content.bin"), OWNER,
                    Progress.none());
        }

        /** The datastore's bytes as stored here. */
        byte[] bytesOf(Bytes32 id) throws IOException {
            Manifest m = engine.manifest(id).orElseThrow();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < m.capsules().size(); i++) {
                all.write(engine.readCapsule(id, i));
            }
            return all.toByteArray();
        }

        long versionOf(Bytes32 id) {
            return engine.manifest(id).map(x -> x.version().version()).orElse(0L);
        }
    }

    StoreNodes(Path dir) {
        this.dir = dir;
        this.network = new TestNodes(dir, clock);
    }

    Node start(String name, int seed) {
        return start(name, seed, (r, honest) -> honest, true);
    }

    /** A node whose answers pass through {@code tamper} (given the request and the honest answer). */
    Node start(String name, int seed, BiFunction<FetchRequest, FetchResponse, FetchResponse> tamper, boolean replicate) {
        Node n = new Node(dir.resolve(name), seed, tamper, replicate);
        nodes.add(n);
        return n;
    }

    /** Connects {@code from} to {@code to} and waits until each has the other's announcement. */
    void connect(Node from, Node to) throws Exception {
        from.gossip.handle().connectTo(TestNodes.loopback(to.gossip)).get(20, java.util.concurrent.TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> from.messaging.directory().get(to.peerId()).isPresent()
                        && to.messaging.directory().get(from.peerId()).isPresent());
    }

    static byte[] content(int bytes, int seed) {
        byte[] data = new byte[bytes];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    static byte[] seed(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }

    @Override
    public void close() {
        network.close();
        workers.shutdownNow();
        for (Node n : nodes) {
            n.serving.close();
            n.transport.close();
            n.services.close();
            n.engine.close();
        }
    }
}
