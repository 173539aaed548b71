package net.dig.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.gossip.PeerId;
import net.dig.net.CapsuleServing;
import net.dig.net.NetPeerLink;
import net.dig.service.CapsuleParts;
import net.dig.service.FetchConfig;
import net.dig.service.FetchDriver;
import net.dig.service.FetchService;
import net.dig.service.FetchSession;
import net.dig.service.ManifestCodec;
import net.dig.service.UploadBudget;
import net.dig.storage.CapsuleSize;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;

/**
 * The dig-node side of {@code bench/scripts/p2p-multi-provider.sh}: one process per node, each in the
 * network namespace the script made for it.
 *
 * <ul>
 *   <li>{@code setup <work> <MiB> <providers>}: writes {@code <MiB>} random bytes, ingests them into the
 *   home of provider 1 (16 MiB plain capsules) and stores the very same signed version into the homes of
 *   the others.</li>
 *   <li>{@code provider <work> <i> <ip> <port>}: opens home {@code i} and serves its capsules to peers
 *   (1 MiB windows, upload budget unbounded, a 256 MiB RAM tier) until killed.</li>
 *   <li>{@code fetch <work> <runs> <ip:port>...}: connects to every provider, then, {@code <runs>} times,
 *   fetches the version into a fresh store from the first provider alone and from all of them (1 MiB
 *   windows, 2 in flight per provider, 8 in all). Prints one line per fetch: {@code fetch providers=<n>
 *   outcome=<state> seconds=<s> mib_per_s=<rate> windows=<verified windows per provider>}, timed from the
 *   first request to the version landed (staging and the store's final verification included).</li>
 * </ul>
 */
public final class MultiProviderFetchBench {
    private static final int MIB = 1 << 20;

    private MultiProviderFetchBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[1]).toAbsolutePath();
        switch (args[0]) {
            case "setup" -> setup(work, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "provider" -> provider(work, Integer.parseInt(args[2]), new InetSocketAddress(args[3], Integer.parseInt(args[4])));
            case "fetch" -> fetch(work, Integer.parseInt(args[2]), Arrays.asList(args).subList(3, args.length));
            default -> throw new IllegalArgumentException("role " + args[0] + " is not setup, provider or fetch");
        }
    }

    private static NodeIdentity key(int i) {
        byte[] seed = new byte[32];
        seed[0] = (byte) i;
        seed[1] = 0x4d;
        return NodeIdentity.fromSeed(seed);
    }

    private static void setup(Path work, int mib, int providers) throws Exception {
        Path data = work.resolve("data.bin");
        byte[] block = new byte[MIB];
        SplittableRandom random = new SplittableRandom(42);
        try (var out = Files.newOutputStream(data)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        Clock clock = Clock.system();
        PeerFetchBench.Node first = PeerFetchBench.node(work.resolve("p1"), clock, 1, key(1), new InetSocketAddress("127.0.0.1", 0));
        int capsule = CapsuleSize.MIB_16.bytes();
        Manifest m = first.services().datastores().ingest(data, new IngestOptions(capsule, Compression.NONE, "data.bin"),
                key(100), Progress.none());
        close(first);
        Map<Integer, Path> parts = new HashMap<>();
        byte[] all = Files.readAllBytes(data);
        for (int c = 0; c < m.capsules().size(); c++) {
            Path part = work.resolve("capsule-" + c);
            Files.write(part, Arrays.copyOfRange(all, c * capsule, (int) Math.min(all.length, (long) (c + 1) * capsule)));
            parts.put(c, part);
        }
        for (int i = 2; i <= providers; i++) {
            PeerFetchBench.Node p = PeerFetchBench.node(work.resolve("p" + i), clock, i, key(i), new InetSocketAddress("127.0.0.1", 0));
            p.services().datastores().store(ManifestCodec.decode(ManifestCodec.encode(m)), CapsuleParts.files(parts), Compression.NONE);
            close(p);
        }
        for (Path part : parts.values()) {
            Files.delete(part);
        }
        Files.writeString(work.resolve("manifest.json"), ManifestCodec.encode(m));
        System.out.println("setup " + m.capsules().size() + " capsules in " + providers + " homes");
    }

    private static void provider(Path work, int i, InetSocketAddress listen) throws Exception {
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        PeerFetchBench.Node p = PeerFetchBench.node(work.resolve("p" + i), Clock.system(), i, key(i), listen);
        CapsuleServing.start(p.gossip().handle(), p.messaging(),
                p.services().capsuleWindows(new UploadBudget.Settings(1L << 40, 1L << 40, 1L << 40, 64), MIB), workers);
        System.out.println("provider " + i + " serving on " + p.gossip().listenAddress());
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void fetch(Path work, int runs, List<String> addresses) throws Exception {
        Clock clock = Clock.system();
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        PeerFetchBench.Node me = PeerFetchBench.node(work.resolve("fetcher"), clock, 99, key(99), new InetSocketAddress("0.0.0.0", 0));
        List<PeerId> providers = new ArrayList<>();
        for (String a : addresses) {
            int colon = a.lastIndexOf(':');
            providers.add(me.gossip().handle().connectTo(new InetSocketAddress(a.substring(0, colon),
                    Integer.parseInt(a.substring(colon + 1)))).get(30, TimeUnit.SECONDS));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (providers.stream().anyMatch(p -> me.messaging().directory().get(p).isEmpty())) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the providers did not announce themselves");
            }
            Thread.sleep(10);
        }
        Thread.sleep(2000); // the providers learn this node's announcement in turn
        var version = ManifestCodec.decode(Files.readString(work.resolve("manifest.json"))).version();
        NetPeerLink link = new NetPeerLink(me.gossip().handle(), me.messaging());
        Map<Long, FetchDriver<PeerId>> drivers = new java.util.concurrent.ConcurrentHashMap<>();
        link.deliverTo((peer, response) -> drivers.values().forEach(d -> d.onResponse(peer, response)));
        for (int run = 1; run <= runs; run++) {
            for (int n : new int[] {1, providers.size()}) {
                Path home = work.resolve("fetch-" + run + "-" + n);
                PeerFetchBench.Node dest = PeerFetchBench.node(home, clock, 1000 + run * 10 + n, key(98),
                        new InetSocketAddress("127.0.0.1", 0));
                FetchService fetches = dest.services().fetchService(new FetchConfig(MIB, 2, 8, Duration.ofSeconds(30), 1000,
                        Compression.NONE), new SplittableRandom(run));
                long start = System.nanoTime();
                FetchSession<PeerId> session = fetches.begin(version, providers.subList(0, n), link);
                FetchDriver<PeerId> driver = FetchDriver.of(session, workers, clock);
                drivers.put(0L, driver);
                var ticking = ticks.scheduleAtFixedRate(driver::tick, 100, 100, TimeUnit.MILLISECONDS);
                driver.start();
                while (session.outcome().isEmpty()) {
                    if (session.starved()) {
                        throw new IllegalStateException("the fetch lost its providers");
                    }
                    Thread.sleep(2);
                }
                long landed = System.nanoTime();
                ticking.cancel(false);
                drivers.remove(0L);
                double t = (landed - start) / 1e9;
                Map<Integer, Integer> shares = new java.util.TreeMap<>();
                session.windowsFrom().forEach((p, k) -> shares.put(providers.indexOf(p) + 1, k));
                System.out.printf("fetch providers=%d outcome=%s seconds=%.2f mib_per_s=%.2f windows=%s%n", n,
                        session.outcome().orElseThrow().state(), t, version.totalSize() / (double) MIB / t, shares);
                close(dest);
                deleteTree(home);
            }
        }
        ticks.shutdownNow();
        close(me);
        workers.shutdownNow();
        System.exit(0);
    }

    private static void close(PeerFetchBench.Node n) {
        n.gossip().stop();
        n.services().close();
        n.engine().close();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
