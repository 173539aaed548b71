package net.dig.bench;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.storage.VerifyReport;

/**
 * Whole-operation storage benchmarks driven by {@code bench/scripts/storage-ingest-verify.sh}. Times only
 * the operation itself (not JVM start) and prints one {@code key=value} line per figure.
 *
 * <pre>
 *   ingest HOME FILE none|zstd [W]  ingest FILE (16 MiB capsules, fsync included) into a store at HOME,
 *                                after W unmeasured warm-up ingests into throw-away stores (warm JIT)
 *   verify HOME [R]              rehash every plot of HOME (both cores); the last of R runs is reported
 *   read   HOME COUNT SEED       random capsule and 4 KiB chunk reads over every datastore of HOME
 * </pre>
 */
public final class StorageBench {
    private StorageBench() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[1]);
        StorageConfig config = StorageConfig.under(home);
        // The home's own node key (created on first use), as a node has: plots are bound to the node
        // that made them, so a later `verify` or `read` JVM must open the home with the same key.
        try (StorageEngine engine = StorageEngine.open(config, Clock.system())) {
            switch (args[0]) {
                case "ingest" -> {
                    Path file = Path.of(args[2]);
                    Compression c = Compression.parse(args[3]);
                    NodeIdentity owner = NodeIdentity.generate(new SecureRandom());
                    int warmups = args.length > 4 ? Integer.parseInt(args[4]) : 0;
                    for (int w = 0; w < warmups; w++) {
                        // same code path in a throw-away store, so the measured run has a warm JIT
                        Path warmHome = Path.of(home + "-warmup-" + w);
                        try (StorageEngine warm = StorageEngine.open(StorageConfig.under(warmHome), Clock.system(),
                                NodeIdentity.generate(new SecureRandom()), new SecureRandom())) {
                            long w0 = System.nanoTime();
                            warm.ingest(file, IngestOptions.defaults().toBuilder().compression(c).build(), owner, Progress.none());
                            System.out.printf("warmup_ingest_seconds=%.3f%n", (System.nanoTime() - w0) / 1e9);
                        }
                        deleteTree(warmHome);
                    }
                    long t0 = System.nanoTime();
                    Manifest m = engine.ingest(file, IngestOptions.defaults().toBuilder().compression(c).build(), owner, Progress.none());
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("ingest_seconds=%.3f%ningest_bytes=%d%ningest_mb_per_s=%.1f%ndatastore=%s%n", s,
                            m.version().totalSize(), m.version().totalSize() / s / 1e6, m.datastoreId());
                }
                case "verify" -> {
                    int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 1;
                    for (int r = 1; r < repeat; r++) {
                        long w0 = System.nanoTime();
                        engine.verify(Optional.empty(), Progress.none());
                        System.out.printf("warmup_verify_seconds=%.3f%n", (System.nanoTime() - w0) / 1e9);
                    }
                    long t0 = System.nanoTime();
                    VerifyReport r = engine.verify(Optional.empty(), Progress.none());
                    double s = (System.nanoTime() - t0) / 1e9;
                    long bytes = engine.plots().stream().mapToLong(p -> p.sizeBytes()).sum();
                    System.out.printf("verify_seconds=%.3f%nverify_ok=%s%nverify_plot_bytes=%d%nverify_mb_per_s=%.1f%n", s,
                            r.ok(), bytes, bytes / s / 1e6);
                }
                case "read" -> read(engine, Integer.parseInt(args[2]), Long.parseLong(args[3]));
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private static void read(StorageEngine engine, int count, long seed) {
        List<DatastoreSummary> stores = engine.datastores();
        SplittableRandom random = new SplittableRandom(seed);
        long[] capsuleNanos = new long[count];
        long[] chunkNanos = new long[count];
        long[] locateNanos = new long[count];
        long bytes = 0;
        long maxOffset = 0;
        for (int i = 0; i < count; i++) {
            DatastoreSummary d = stores.get(random.nextInt(stores.size()));
            int capsule = random.nextInt(d.capsuleCount());
            long t0 = System.nanoTime();
            maxOffset = Math.max(maxOffset, engine.locate(d.datastoreId(), capsule).orElseThrow().offset());
            long t1 = System.nanoTime();
            bytes += engine.readCapsule(d.datastoreId(), capsule).length;
            long t2 = System.nanoTime();
            engine.readChunk(d.datastoreId(), capsule, random.nextInt(4096));
            long t3 = System.nanoTime();
            locateNanos[i] = t1 - t0;
            capsuleNanos[i] = t2 - t1;
            chunkNanos[i] = t3 - t2;
        }
        long capsuleTotal = Arrays.stream(capsuleNanos).sum();
        System.out.printf("read_count=%d%nread_max_offset=%d%n", count, maxOffset);
        System.out.printf("read_capsule_mb_per_s=%.1f%n", bytes / (capsuleTotal / 1e9) / 1e6);
        report("locate", locateNanos);
        report("read_capsule_16mib", capsuleNanos);
        report("read_chunk_4kib", chunkNanos);
    }

    private static void report(String name, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%s_p50_us=%.1f%n%s_p99_us=%.1f%n", name, s[s.length / 2] / 1e3, name,
                s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e3);
    }
}
