package net.dig.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
    @TempDir
    Path dir;

    /** A SecureRandom that is repeatable in tests. */
    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rfc8032TestVector1() {
        HexFormat hex = HexFormat.of();
        NodeIdentity id = NodeIdentity.fromSeed(hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertThat(hex.formatHex(id.publicKey())).isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(hex.formatHex(id.sign(new byte[0]))).isEqualTo(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertThat(id.nodeId()).isEqualTo("dig1d75a980182b10ab7");
    }

    @Test
    void signAndVerify() {
        NodeIdentity id = NodeIdentity.generate(seeded(1));
        byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] sig = id.sign(msg);
        assertThat(sig).hasSize(64);
        assertThat(NodeIdentity.verify(id.publicKey(), msg, sig)).isTrue();
        assertThat(NodeIdentity.verify(id.publicKey(), "hellp".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
        sig[10] ^= 1;
        assertThat(NodeIdentity.verify(id.publicKey(), msg, sig)).isFalse();
        assertThat(NodeIdentity.verify(new byte[31], msg, new byte[64])).isFalse();
        assertThat(NodeIdentity.verify(id.publicKey(), msg, new byte[63])).isFalse();
        assertThat(NodeIdentity.verify(NodeIdentity.generate(seeded(2)).publicKey(), msg, id.sign(msg))).isFalse();
    }

    @Test
    void nodeIdFormat() {
        NodeIdentity id = NodeIdentity.generate(seeded(3));
        assertThat(id.nodeId()).matches("dig1[0-9a-f]{16}");
        assertThat(id.nodeId().substring(4)).isEqualTo(HexFormat.of().formatHex(id.publicKey()).substring(0, 16));
    }

    @Test
    void persistsWithOwnerOnlyPermissionsAndReloads() throws IOException {
        Path key = dir.resolve("keys/node.key");
        NodeIdentity created = NodeIdentity.loadOrCreate(key, seeded(4));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.size(key)).isEqualTo(104);
        assertThat(Files.readAllBytes(key)).startsWith('D', 'I', 'G', 'K');
        try (var files = Files.list(key.getParent())) {
            assertThat(files).containsExactly(key);
        }
        NodeIdentity again = NodeIdentity.loadOrCreate(key, seeded(99));
        assertThat(again.publicKey()).isEqualTo(created.publicKey());
        assertThat(NodeIdentity.load(key).nodeId()).isEqualTo(created.nodeId());
        byte[] msg = {1, 2, 3};
        assertThat(NodeIdentity.verify(created.publicKey(), msg, again.sign(msg))).isTrue();
    }

    @Test
    void corruptedKeyFileGivesClearError() throws IOException {
        Path key = dir.resolve("node.key");
        NodeIdentity.loadOrCreate(key, seeded(5));
        byte[] good = Files.readAllBytes(key);

        byte[] flipped = good.clone();
        flipped[20] ^= 1;
        Files.write(key, flipped);
        assertThatThrownBy(() -> NodeIdentity.load(key)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("checksum mismatch");

        Files.write(key, java.util.Arrays.copyOf(good, 50));
        assertThatThrownBy(() -> NodeIdentity.load(key)).hasMessageContaining("is 50 bytes");

        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        Files.write(key, badMagic);
        assertThatThrownBy(() -> NodeIdentity.load(key)).hasMessageContaining("bad magic");

        assertThatThrownBy(() -> NodeIdentity.load(dir.resolve("absent.key")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no such file");
    }

    @Test
    void keyFileMatchesVector() throws IOException {
        HexFormat hex = HexFormat.of();
        NodeIdentity id = NodeIdentity.fromSeed(hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        String expected;
        try (var in = getClass().getResourceAsStream("/vectors/node-key-v1.hex")) {
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        assertThat(hex.formatHex(id.encodeFile())).isEqualTo(expected);
        Path key = Files.write(dir.resolve("vector.key"), hex.parseHex(expected));
        assertThat(NodeIdentity.load(key).publicKey()).isEqualTo(id.publicKey());
    }

    @Test
    void concurrentLoadOrCreateOnAFreshPathAllEndWithTheKeyOnDisk() throws Exception {
        int threads = 16;
        for (int round = 0; round < 10; round++) {
            Path key = dir.resolve("race-" + round + "/node.key");
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            java.util.List<java.util.concurrent.Future<byte[]>> results = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    long seed = round * 100L + t;
                    results.add(pool.submit(() -> {
                        start.await();
                        return NodeIdentity.loadOrCreate(key, seeded(seed)).publicKey();
                    }));
                }
                byte[] onDisk = null;
                for (var f : results) {
                    byte[] pub = f.get();
                    if (onDisk == null) {
                        onDisk = NodeIdentity.load(key).publicKey();
                    }
                    assertThat(pub).as("round %d", round).isEqualTo(onDisk);
                }
            }
            try (var s = Files.list(key.getParent())) {
                assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("node.key");
            }
        }
    }

    @Test
    void aKeyCreatedByAnotherProcessMeanwhileIsNeverReplaced() throws Exception {
        Path key = dir.resolve("node.key");
        NodeIdentity[] other = new NodeIdentity[1];
        NodeIdentity.beforePublish = () -> {
            NodeIdentity.beforePublish = null;
            other[0] = NodeIdentity.loadOrCreate(key, seeded(11)); // the other process wins the race
        };
        try {
            NodeIdentity mine = NodeIdentity.loadOrCreate(key, seeded(12));
            byte[] onDisk = NodeIdentity.load(key).publicKey();
            assertThat(other[0].publicKey()).isEqualTo(onDisk);
            assertThat(mine.publicKey()).isEqualTo(onDisk);
        } finally {
            NodeIdentity.beforePublish = null;
        }
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("node.key");
        }
    }
}
