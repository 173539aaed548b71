package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCapsuleCacheTest {
    @TempDir
    Path dir;

    private static Bytes32 sha(byte[] b) {
        try {
            return Bytes32.wrap(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void storesContentAddressedFilesAtomicallyAndFindsThemAfterReopen() throws Exception {
        byte[] b = bytes(10_000, 1);
        Bytes32 h = sha(b);
        DiskCapsuleCache cache = new DiskCapsuleCache(dir, 1 << 20);
        assertThat(cache.verifiedPath(h)).isEmpty();
        cache.put(h, b);
        Path p = cache.verifiedPath(h).orElseThrow();
        assertThat(p.getFileName().toString()).isEqualTo(h.toHex().substring(2));
        assertThat(Files.readAllBytes(p)).isEqualTo(b);
        try (var s = Files.list(dir)) {
            assertThat(s.filter(x -> x.toString().endsWith(".tmp"))).isEmpty();
        }

        Files.writeString(dir.resolve("leftover-123.tmp"), "half a capsule");
        DiskCapsuleCache reopened = new DiskCapsuleCache(dir, 1 << 20);
        // found again, but not served until its bytes are hash-checked once
        assertThat(reopened.weightedBytes()).isEqualTo(10_000);
        assertThat(reopened.verifiedPath(h)).isEmpty();
        assertThat(reopened.read(h)).isEqualTo(b);
        assertThat(reopened.verifiedPath(h)).contains(p);
        assertThat(dir.resolve("leftover-123.tmp")).doesNotExist();
    }

    @Test
    void aRottedFileFoundAtOpenIsDroppedNotServed() throws Exception {
        byte[] b = bytes(10_000, 2);
        Bytes32 h = sha(b);
        new DiskCapsuleCache(dir, 1 << 20).put(h, b);
        Path p = dir.resolve(h.toHex().substring(2));
        b[5] ^= 1;
        Files.write(p, b);
        DiskCapsuleCache reopened = new DiskCapsuleCache(dir, 1 << 20);
        assertThat(reopened.read(h)).isNull();
        assertThat(p).doesNotExist();
        assertThat(reopened.verifiedPath(h)).isEmpty();
        assertThat(reopened.weightedBytes()).isZero();
    }

    @Test
    void staysWithinItsByteBoundByDeletingEvictedFiles() throws Exception {
        DiskCapsuleCache cache = new DiskCapsuleCache(dir, 100_000);
        for (int i = 0; i < 50; i++) {
            byte[] b = bytes(10_000, i);
            cache.put(sha(b), b);
        }
        long onDisk;
        try (var s = Files.list(dir)) {
            onDisk = s.mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(cache.weightedBytes()).isLessThanOrEqualTo(100_000);
        assertThat(onDisk).isLessThanOrEqualTo(100_000).isEqualTo(cache.weightedBytes());
    }

    @Test
    void tiersCountHitsAndMissesPerTier() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CapsuleTiers tiers = new CapsuleTiers(1 << 20, dir, 1 << 20);
        tiers.bindTo(registry);
        byte[] b = bytes(1000, 7);
        Bytes32 h = sha(b);
        assertThat(tiers.memory(h)).isNull();
        assertThat(tiers.disk(h)).isEmpty();
        assertThat(tiers.loadDisk(h)).isNull();
        tiers.putMemory(h, b);
        tiers.putDisk(h, b);
        assertThat(tiers.memory(h)).isEqualTo(b);
        assertThat(tiers.memory(h)).isEqualTo(b);
        assertThat(tiers.disk(h)).isPresent();
        assertThat(tiers.l1Stats().hits()).isEqualTo(2);
        assertThat(tiers.l1Stats().misses()).isEqualTo(1);
        assertThat(tiers.l1Stats().hitRatio()).isEqualTo(2.0 / 3);
        assertThat(tiers.l2Stats().hitRatio()).isEqualTo(0.5);
        assertThat(registry.get("cache_requests").tag("tier", "l1").tag("result", "hit").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("cache_hit_ratio").tag("tier", "l2").gauge().value()).isEqualTo(0.5);
    }
}
