package net.dig.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.MerkleProof;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.proof.BundleVerifier;
import net.dig.proof.Challenge;
import net.dig.proof.ChallengeScope;
import net.dig.proof.CpuWorkBackend;
import net.dig.proof.LocalBeacon;
import net.dig.proof.MemoryReplica;
import net.dig.proof.ProofParts;
import net.dig.proof.ProofPipeline;
import net.dig.proof.ReplicaReader;
import net.dig.proof.Verdict;

/**
 * Proof bundle speed and soundness (bench/scripts/proof-bench.sh): generation latency percentiles of
 * an honest node (inclusion + physical access; work stated separately per difficulty), single-thread
 * verification throughput, each next to a reference measured in the same run (one Ed25519 signature,
 * one Ed25519 verification; for verification also the thread's CPU time and the floor inside a bundle, one
 * verification over its signed bytes plus the chunk hashing), and a simulated day-by-day run of a node missing 1 % of its chunks,
 * against the formula {@code P(caught in a day) = 1 − (1 − α)^((S + K) · c)}.
 *
 * <p>Arguments: {@code [iterations] [simulated days] [challenges per day]}.
 */
public final class ProofBench {
    private static final int CAPSULES = 64;
    private static final int CAPSULE_SIZE = 1 << 20;
    private static final int SAMPLES = 4;
    private static final int READS = 16;
    /** The signing domain of a v1 bundle (ProofBundle's class note). */
    private static final byte[] BUNDLE_DOMAIN = "DIG-PROOF-BUNDLE-v1".getBytes(StandardCharsets.US_ASCII);

    private ProofBench() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int perDay = args.length > 2 ? Integer.parseInt(args[2]) : 48;
        int cores = Runtime.getRuntime().availableProcessors();
        SplittableRandom random = new SplittableRandom(7);
        List<byte[]> capsules = new ArrayList<>();
        for (int i = 0; i < CAPSULES; i++) {
            byte[] c = new byte[CAPSULE_SIZE];
            random.nextBytes(c);
            capsules.add(c);
        }
        MemoryReplica replica = new MemoryReplica(Sha256.hash("plot".getBytes(StandardCharsets.US_ASCII)), capsules);
        NodeIdentity node = NodeIdentity.fromSeed(Sha256.hash("node".getBytes(StandardCharsets.US_ASCII)).toArray());
        Bytes32 key = Bytes32.wrap(node.publicKey());
        ChallengeScope scope = replica.scope(Sha256.hash("ds".getBytes(StandardCharsets.US_ASCII)));
        LocalBeacon beacon = new LocalBeacon(Bytes32.ZERO);
        ExecutorService reads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());
        ExecutorService lanes = Executors.newFixedThreadPool(cores, Thread.ofPlatform().daemon().factory());
        ProofPipeline pipeline = new ProofPipeline(reads, new CpuWorkBackend(lanes, cores), Clock.system());
        ProofParts timed = new ProofParts(true, true, false);
        System.out.printf("cores=%d capsules=%d capsule_bytes=%d S=%d K=%d iterations=%d%n", cores, CAPSULES, CAPSULE_SIZE,
                SAMPLES, READS, iterations);

        // reference: Ed25519 sign and verify of a 4 KiB message
        byte[] msg = capsules.getFirst().clone();
        msg = Arrays.copyOf(msg, 4096);
        byte[] sig = node.sign(msg);
        long signNs = perOp(iterations, () -> node.sign(Arrays.copyOf(sig, 64)));
        long verifyNs = perOp(iterations, () -> NodeIdentity.verify(node.publicKey(), sig, sig));
        final byte[] m = msg;
        verifyNs = perOp(iterations, () -> NodeIdentity.verify(node.publicKey(), m, sig));
        System.out.printf("reference ed25519_sign_us=%.1f ed25519_verify_us=%.1f%n", signNs / 1e3, verifyNs / 1e3);

        // generation, honest node, inclusion + physical access
        long[] gen = new long[iterations];
        List<byte[]> bundles = new ArrayList<>();
        List<Challenge> challenges = new ArrayList<>();
        for (int warm = 0; warm < 2; warm++) {
            for (int i = 0; i < iterations; i++) {
                Challenge c = Challenge.derive(beacon, i + (long) warm * iterations, scope, key, timed, SAMPLES, READS, 0);
                ProofPipeline.Generated g = pipeline.generate(c, replica, node);
                gen[i] = g.elapsedNanos();
                if (warm == 1 && i < 1000) {
                    bundles.add(g.bytes());
                    challenges.add(c);
                }
            }
        }
        Arrays.sort(gen);
        System.out.printf("generate parts=inclusion+physical_access p50_us=%.1f p99_us=%.1f p999_us=%.1f bytes=%d"
                + " p99_over_sign=%.1f%n", gen[iterations / 2] / 1e3, gen[iterations * 99 / 100] / 1e3,
                gen[iterations * 999 / 1000] / 1e3, bundles.getFirst().length, (double) gen[iterations * 99 / 100] / signNs);

        // work part alone, per difficulty
        for (int difficulty : new int[] {8, 12, 16}) {
            int n = difficulty >= 16 ? 200 : 1000;
            long[] w = new long[n];
            for (int i = 0; i < n; i++) {
                Challenge c = Challenge.derive(beacon, 10_000_000L + i, scope, key, ProofParts.WORK, 1, 1, difficulty);
                w[i] = pipeline.generate(c, replica, node).elapsedNanos();
            }
            Arrays.sort(w);
            System.out.printf("generate parts=work difficulty=%d p50_us=%.1f p99_us=%.1f%n", difficulty, w[n / 2] / 1e3,
                    w[n * 99 / 100] / 1e3);
        }

        // verification throughput, one thread: wall time, and the thread's CPU time (the per-core figure,
        // less sensitive to other load on the machine)
        Bytes32 root = replica.root();
        int rounds = Math.max(1, iterations / bundles.size());
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long startCpu = cpu.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        int valid = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < bundles.size(); i++) {
                valid += BundleVerifier.verify(bundles.get(i), root, node.publicKey(), challenges.get(i)) == Verdict.VALID ? 1 : 0;
            }
        }
        long elapsed = System.nanoTime() - start;
        long elapsedCpu = cpu.getCurrentThreadCpuTime() - startCpu;
        int total = rounds * bundles.size();
        if (valid != total) {
            throw new IllegalStateException("an honest bundle failed to verify");
        }
        System.out.printf("verify parts=inclusion+physical_access bundles_per_s_one_thread=%.0f us_per_bundle=%.1f"
                + " over_ed25519_verify=%.2f bundles_per_cpu_s=%.0f cpu_us_per_bundle=%.1f%n", total * 1e9 / elapsed,
                elapsed / 1e3 / total, (double) elapsed / total / verifyNs, total * 1e9 / elapsedCpu, elapsedCpu / 1e3 / total);

        // the floor inside a bundle's verification, same run, CPU time: one Ed25519 verify over the bundle's
        // signed bytes (the domain and every byte before the signature), and SHA-256 over the chunks it hashes
        // (S + K leaves and K - 1 access links)
        byte[] bundle = bundles.getFirst();
        byte[] signed = Arrays.copyOf(BUNDLE_DOMAIN, BUNDLE_DOMAIN.length + bundle.length - 64);
        System.arraycopy(bundle, 0, signed, BUNDLE_DOMAIN.length, bundle.length - 64);
        byte[] bundleSig = Arrays.copyOfRange(bundle, bundle.length - 64, bundle.length);
        if (!NodeIdentity.verify(node.publicKey(), signed, bundleSig)) {
            throw new IllegalStateException("the bundle's signed bytes are not what this bench takes them for");
        }
        long signedCpu = perOp(iterations / 4, cpu::getCurrentThreadCpuTime, () -> NodeIdentity.verify(node.publicKey(), signed, bundleSig));
        java.security.MessageDigest sha256 = Sha256.newDigest();
        byte[] chunk = Arrays.copyOf(msg, ChallengeScope.CHUNK_SIZE);
        long chunksCpu = perOp(iterations / 4, cpu::getCurrentThreadCpuTime, () -> {
            for (int k = 0; k < SAMPLES + 2 * READS - 1; k++) {
                sha256.update(chunk);
                sha256.digest();
            }
        });
        System.out.printf("floor cpu_us_ed25519_verify_signed_bytes=%.1f signed_bytes=%d cpu_us_sha256_chunks=%.1f chunks=%d"
                + " sum_bundles_per_cpu_s=%.0f%n", signedCpu / 1e3, signed.length, chunksCpu / 1e3, SAMPLES + 2 * READS - 1,
                1e9 / (signedCpu + chunksCpu));

        // detection: a node missing 1 % of its chunks, answering those with zeros
        double alpha = 0.01;
        BitSet missing = new BitSet();
        long totalChunks = scope.totalChunks();
        while (missing.cardinality() < totalChunks / 100) {
            missing.set((int) random.nextLong(totalChunks));
        }
        int chunksPerCapsule = CAPSULE_SIZE / ChallengeScope.CHUNK_SIZE;
        ReplicaReader cheater = new Lossy(replica, missing, chunksPerCapsule);
        int caughtDays = 0;
        long failedChallenges = 0;
        for (int d = 0; d < days; d++) {
            boolean caught = false;
            for (int k = 0; k < perDay; k++) {
                Challenge c = Challenge.derive(beacon, 20_000_000L + (long) d * perDay + k, scope, key, timed, SAMPLES, READS, 0);
                if (BundleVerifier.verify(pipeline.generate(c, cheater, node).bytes(), root, node.publicKey(), c) != Verdict.VALID) {
                    caught = true;
                    failedChallenges++;
                }
            }
            caughtDays += caught ? 1 : 0;
        }
        double perChallenge = 1 - Math.pow(1 - alpha, SAMPLES + READS);
        double perDayFormula = 1 - Math.pow(1 - alpha, (double) (SAMPLES + READS) * perDay);
        System.out.printf("detection alpha=%.2f challenges_per_day=%d formula_per_challenge=%.4f simulated_per_challenge=%.4f"
                + " formula_per_day=%.6f simulated_days_caught=%d/%d%n", alpha, perDay, perChallenge,
                (double) failedChallenges / ((long) days * perDay), perDayFormula, caughtDays, days);
        System.out.printf("load_average=%s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
    }

    private static long perOp(int n, Runnable op) {
        return perOp(n, System::nanoTime, op);
    }

    /** Nanoseconds of {@code clock} per run of {@code op}, after a quarter as many warm-up runs. */
    private static long perOp(int n, LongSupplier clock, Runnable op) {
        for (int i = 0; i < n / 4; i++) {
            op.run();
        }
        long start = clock.getAsLong();
        for (int i = 0; i < n; i++) {
            op.run();
        }
        return (clock.getAsLong() - start) / n;
    }

    /** The replica with some chunks lost: those read back as zeros (the cheapest lie). */
    private record Lossy(MemoryReplica d, BitSet missing, int chunksPerCapsule) implements ReplicaReader {
        @Override
        public Bytes32 plotId(int c) {
            return d.plotId(c);
        }

        @Override
        public Bytes32 capsuleHash(int c) {
            return d.capsuleHash(c);
        }

        @Override
        public Bytes32 chunkRoot(int c) {
            return d.chunkRoot(c);
        }

        @Override
        public byte[] readChunk(int c, int k) {
            byte[] b = d.readChunk(c, k);
            return missing.get(c * chunksPerCapsule + k) ? new byte[b.length] : b;
        }

        @Override
        public MerkleProof chunkProof(int c, int k) {
            return d.chunkProof(c, k);
        }

        @Override
        public MerkleProof capsuleProof(int c) {
            return d.capsuleProof(c);
        }
    }
}
