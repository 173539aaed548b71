package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A reader's download from several in-memory nodes: verification, skipping a bad node, resume, the written tree. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatastoreDownloadTest {
    private static final int CS = 262_144;
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(FetchHarness.seed(7));

    @TempDir
    Path tmp;

    /** A signed datastore of {@code data} with file table {@code files}. */
    record Store(Manifest manifest, byte[] data) {
        Bytes32 id() {
            return manifest.datastoreId();
        }

        byte[] capsule(int i) {
            return Arrays.copyOfRange(data, i * CS, (int) Math.min(data.length, (long) (i + 1) * CS));
        }
    }

    static Store store(byte[] data, String name, List<FileEntry> files, long version) {
        List<CapsuleInfo> caps = new ArrayList<>();
        List<Bytes32> leaves = new ArrayList<>();
        for (int i = 0; i * (long) CS < data.length; i++) {
            byte[] c = Arrays.copyOfRange(data, i * CS, Math.min(data.length, (i + 1) * CS));
            List<Bytes32> chunks = new ArrayList<>();
            for (int off = 0; off < c.length; off += 4096) {
                chunks.add(MerkleTree.leafHash(c, off, Math.min(4096, c.length - off)));
            }
            CapsuleInfo info = new CapsuleInfo(i, Sha256.hash(c), c.length, MerkleTree.root(chunks));
            caps.add(info);
            byte[] leaf = new byte[64];
            info.hash().copyTo(leaf, 0);
            info.chunkRoot().copyTo(leaf, 32);
            leaves.add(MerkleTree.leafHash(leaf));
        }
        DatastoreVersion v = DatastoreVersion.signed(FetchHarness.seed(3), version, MerkleTree.root(leaves), caps.size(),
                data.length, CS, 1_700_000_000L, name, files, OWNER);
        return new Store(new Manifest(v, name, caps, files), data);
    }

    static Store singleFile(int bytes, long version) {
        byte[] data = new byte[bytes];
        new Random(bytes + version).nextBytes(data);
        return store(data, "movie.bin", List.of(new FileEntry("movie.bin", 0, bytes, Sha256.hash(data))), version);
    }

    /** A node serving {@code store}; {@code flip} >= 0 flips that capsule's first byte; fails (I/O) after {@code budget} capsules. */
    static final class Node implements DatastoreDownload.Source {
        final String name;
        volatile Store store;
        final int flip;
        final AtomicInteger budget;
        final AtomicInteger served = new AtomicInteger();

        Node(String name, Store store, int flip, int budget) {
            this.name = name;
            this.store = store;
            this.flip = flip;
            this.budget = new AtomicInteger(budget);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Optional<String> manifest(Bytes32 id) {
            return store != null && store.id().equals(id) ? Optional.of(ManifestCodec.encode(store.manifest())) : Optional.empty();
        }

        @Override
        public byte[] capsule(Bytes32 id, int index) throws IOException {
            if (budget.decrementAndGet() < 0) {
                throw new IOException("connection refused");
            }
            served.incrementAndGet();
            byte[] c = store.capsule(index);
            if (index == flip) {
                c[0] ^= 1;
            }
            return c;
        }
    }

    @Test
    void aNodeServingAFlippedByteIsSkippedAndThePieceComesFromAnother() throws Exception {
        Store s = singleFile(5 * CS + 1000, 1);
        Node liar = new Node("liar", s, 0, Integer.MAX_VALUE);
        Node honest = new Node("honest", s, -1, Integer.MAX_VALUE);
        Path out = tmp.resolve("out.bin");
        var r = new DatastoreDownload(List.of(liar, honest), 2, Progress.none()).run(s.id(), out);
        assertThat(Files.readAllBytes(out)).isEqualTo(s.data());
        assertThat(r.badSources()).singleElement().asString().startsWith("liar: capsule 0 ");
        assertThat(r.fetchedBytes()).isEqualTo(s.data().length);
        assertThat(honest.served.get()).as("the honest node served what the liar failed").isGreaterThanOrEqualTo(4);
        assertThat(Files.exists(DatastoreDownload.stagingOf(out))).as("staging removed").isFalse();
    }

    @Test
    void aNodeNotHoldingTheDatastoreIsLeftOutOfTheCapsuleWork() throws Exception {
        Store s = singleFile(2 * CS, 1);
        Node empty = new Node("empty", null, -1, Integer.MAX_VALUE);
        Node holder = new Node("holder", s, -1, Integer.MAX_VALUE);
        var r = new DatastoreDownload(List.of(empty, holder), 2, Progress.none()).run(s.id(), tmp.resolve("o"));
        assertThat(empty.served.get()).isZero();
        assertThat(holder.served.get()).isEqualTo(2);
        assertThat(r.badSources()).isEmpty();
    }

    @Test
    void theWorkSpreadsOverEveryNode() throws Exception {
        Store s = singleFile(6 * CS, 1);
        Node a = new Node("a", s, -1, Integer.MAX_VALUE);
        Node b = new Node("b", s, -1, Integer.MAX_VALUE);
        new DatastoreDownload(List.of(a, b), 3, Progress.none()).run(s.id(), tmp.resolve("o"));
        assertThat(a.served.get()).isEqualTo(3);
        assertThat(b.served.get()).isEqualTo(3);
    }

    @Test
    void aKilledDownloadLeavesNothingAtOutAndTheRerunFetchesOnlyTheRest() throws Exception {
        Store s = singleFile(4 * CS + 5, 1);
        Path out = tmp.resolve("resumed.bin");
        Node flaky = new Node("flaky", s, -1, 2);
        assertThatThrownBy(() -> new DatastoreDownload(List.of(flaky), 1, Progress.none()).run(s.id(), out))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(out).doesNotExist();
        try (var files = Files.list(DatastoreDownload.stagingOf(out).resolve("capsules"))) {
            assertThat(files.count()).isEqualTo(2);
        }
        Node good = new Node("good", s, -1, Integer.MAX_VALUE);
        var r = new DatastoreDownload(List.of(good), 2, Progress.none()).run(s.id(), out);
        assertThat(r.resumedBytes()).isEqualTo(2L * CS);
        assertThat(r.fetchedBytes()).isEqualTo(2L * CS + 5);
        assertThat(good.served.get()).isEqualTo(3);
        assertThat(Files.readAllBytes(out)).isEqualTo(s.data());
    }

    @Test
    void aStagedCapsuleDamagedBetweenRunsIsFetchedAgain() throws Exception {
        Store s = singleFile(3 * CS, 1);
        Path out = tmp.resolve("damaged.bin");
        assertThatThrownBy(() -> new DatastoreDownload(List.of(new Node("flaky", s, -1, 2)), 1, Progress.none()).run(s.id(), out))
                .isInstanceOf(ServiceException.class);
        Path staged = DatastoreDownload.stagingOf(out).resolve("capsules").resolve(s.manifest().capsules().get(1).hash().toHex());
        byte[] rotted = Files.readAllBytes(staged);
        rotted[100] ^= 1;
        Files.write(staged, rotted);
        Node good = new Node("good", s, -1, Integer.MAX_VALUE);
        var r = new DatastoreDownload(List.of(good), 1, Progress.none()).run(s.id(), out);
        assertThat(r.resumedBytes()).as("only capsule 0 kept").isEqualTo(CS);
        assertThat(good.served.get()).isEqualTo(2);
        assertThat(Files.readAllBytes(out)).isEqualTo(s.data());
    }

    @Test
    void aDirectoryDatastoreIsWrittenAsItsFileTable() throws Exception {
        byte[] a = new byte[300_000];
        byte[] b = new byte[10];
        new Random(1).nextBytes(a);
        new Random(2).nextBytes(b);
        byte[] data = new byte[a.length + b.length];
        System.arraycopy(a, 0, data, 0, a.length);
        System.arraycopy(b, 0, data, a.length, b.length);
        Store s = store(data, "site", List.of(new FileEntry("docs/a.bin", 0, a.length, Sha256.hash(a)),
                new FileEntry("b.txt", a.length, b.length, Sha256.hash(b))), 1);
        Path out = tmp.resolve("site");
        new DatastoreDownload(List.of(new Node("n", s, -1, Integer.MAX_VALUE)), 4, Progress.none()).run(s.id(), out);
        assertThat(Files.readAllBytes(out.resolve("docs/a.bin"))).isEqualTo(a);
        assertThat(Files.readAllBytes(out.resolve("b.txt"))).isEqualTo(b);
    }

    @Test
    void theHighestSignedVersionIsFetchedFromTheNodesThatOfferIt() throws Exception {
        Store v1 = singleFile(CS + 1, 1);
        Store v2 = store(Arrays.copyOf(v1.data(), CS + 1), "movie.bin", v1.manifest().files(), 2);
        Node old = new Node("old", v1, -1, Integer.MAX_VALUE);
        Node fresh = new Node("fresh", v2, -1, Integer.MAX_VALUE);
        var r = new DatastoreDownload(List.of(old, fresh), 2, Progress.none()).run(v1.id(), tmp.resolve("v"));
        assertThat(r.manifest().version().version()).isEqualTo(2);
        assertThat(old.served.get()).isZero();
    }

    @Test
    void aManifestWithABadSignatureIsRefusedAndNothingIsWritten() {
        Store s = singleFile(CS, 1);
        byte[] sig = s.manifest().version().signature();
        sig[5] ^= 1;
        Manifest forged = new Manifest(s.manifest().version().withSignature(sig), s.manifest().name(), s.manifest().capsules(),
                s.manifest().files());
        Node n = new Node("forger", new Store(forged, s.data()), -1, Integer.MAX_VALUE);
        Path out = tmp.resolve("x");
        assertThatThrownBy(() -> new DatastoreDownload(List.of(n), 1, Progress.none()).run(s.id(), out))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VERIFICATION_FAILED);
                    assertThat(e.getMessage()).contains("owner signature");
                });
        assertThat(out).doesNotExist();
        assertThat(n.served.get()).isZero();
    }

    @Test
    void whenEveryNodeServesBadBytesTheDownloadFailsAsVerification() {
        Store s = singleFile(2 * CS, 1);
        var nodes = List.<DatastoreDownload.Source>of(new Node("a", s, 1, Integer.MAX_VALUE), new Node("b", s, 1, Integer.MAX_VALUE));
        assertThatThrownBy(() -> new DatastoreDownload(nodes, 1, Progress.none()).run(s.id(), tmp.resolve("y")))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VERIFICATION_FAILED));
        assertThat(tmp.resolve("y")).doesNotExist();
    }

    @Test
    void anExistingOutIsNeverOverwritten() throws IOException {
        Store s = singleFile(10, 1);
        Path out = Files.writeString(tmp.resolve("exists"), "keep");
        assertThatThrownBy(() -> new DatastoreDownload(List.of(new Node("n", s, -1, 9)), 1, Progress.none()).run(s.id(), out))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH));
        assertThat(Files.readString(out)).isEqualTo("keep");
    }
}
