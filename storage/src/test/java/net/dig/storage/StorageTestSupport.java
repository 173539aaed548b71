package net.dig.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.dig.core.NodeIdentity;
import net.dig.testkit.ManualClock;

/** Shared fixtures: fixed keys, a manual clock, deterministic data. */
final class StorageTestSupport {
    static final NodeIdentity NODE = NodeIdentity.fromSeed(seed(1));
    static final NodeIdentity OWNER = NodeIdentity.fromSeed(seed(2));

    private StorageTestSupport() {}

    static byte[] seed(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }

    static StorageEngine open(Path home) {
        return open(StorageConfig.under(home));
    }

    static StorageEngine open(StorageConfig config) {
        return StorageEngine.open(config, new ManualClock(), NODE, new SplittableRandom(7));
    }

    /** The capsule damages {@code engine} announces from now on. */
    static java.util.List<CapsuleDamage> damages(StorageEngine engine) {
        java.util.List<CapsuleDamage> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.addListener(new StorageEvents() {
            @Override
            public void onCapsuleQuarantined(CapsuleDamage d) {
                out.add(d);
            }
        });
        return out;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Half random, half repeated text: compresses by well over 10 %. */
    static byte[] compressibleBytes(int n, long seed) {
        byte[] b = randomBytes(n, seed);
        byte[] text = "the quick brown fox jumps over the lazy dog ".getBytes();
        for (int i = 0; i < n; i++) {
            if ((i / 1000) % 2 == 0) {
                b[i] = text[i % text.length];
            }
        }
        return b;
    }

    static Path write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, data);
    }

    static long countTempFiles(StorageConfig config) throws IOException {
        long n = 0;
        for (Path d : config.plotDirs()) {
            try (var s = Files.list(d)) {
                n += s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
            }
        }
        return n;
    }

    static long countPlotFiles(StorageConfig config) throws IOException {
        long n = 0;
        for (Path d : config.plotDirs()) {
            try (var s = Files.list(d)) {
                n += s.filter(p -> p.getFileName().toString().endsWith(".plot")).count();
            }
        }
        return n;
    }
}
