package net.dig.storage;

import static net.dig.storage.StorageErrorCodesTest.codeOf;
import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StorageEngine#evict} and {@link StorageEngine#delete}: plots dropped or rewritten, index and accounting in step. */
class EvictionTest {
    static final int KB256 = 262_144;

    @TempDir
    Path tmp;

    /** Three datastores: a and b also share a packed plot; c has only its own. */
    record Store(StorageConfig config, Map<String, Manifest> manifests, Map<String, byte[]> data) {}

    static Store threeDatastores(Path tmp) throws IOException {
        StorageConfig config = new StorageConfig(tmp.resolve("home"), List.of(tmp.resolve("p1"), tmp.resolve("p2")), null);
        Map<String, Manifest> manifests = new java.util.LinkedHashMap<>();
        Map<String, byte[]> data = new java.util.LinkedHashMap<>();
        try (StorageEngine e = StorageTestSupport.open(config)) {
            int seed = 1;
            for (String name : List.of("a", "b", "c")) {
                byte[] bytes = randomBytes(2 * KB256 + 100 * seed, seed);
                data.put(name, bytes);
                manifests.put(name, e.ingest(write(tmp.resolve("src-" + name), bytes),
                        new IngestOptions(KB256, seed == 2 ? Compression.ZSTD : Compression.NONE, name), OWNER, Progress.none()));
                seed++;
            }
            e.packPlot(List.of(manifests.get("a").datastoreId(), manifests.get("b").datastoreId()));
            assertThat(e.plots()).hasSize(4);
        }
        return new Store(config, manifests, data);
    }

    /** Everything that must hold once {@code gone} is evicted and {@code kept} are whole. */
    static void assertEvicted(StorageEngine e, Store s, String gone, List<String> kept) throws Exception {
        Bytes32 id = s.manifests().get(gone).datastoreId();
        assertThat(e.manifest(id)).isEmpty();
        assertThat(e.datastores()).extracting(DatastoreSummary::datastoreId).doesNotContain(id);
        assertThat(codeOf(() -> e.readCapsule(id, 0))).isEqualTo(StorageErrorCode.NOT_FOUND);
        assertThat(e.locate(id, 0)).isEmpty();
        assertThat(e.indexDump()).noneMatch(row -> row.contains(id.toHex()));
        assertThat(datastoresInPlotFiles(s.config())).doesNotContain(id);
        assertWhole(e, s, kept);
        assertThat(e.plots()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PlotStatus.OK));
        assertThat(Files.list(s.config().dataDir().resolve("evictions")).toList()).isEmpty();
    }

    static void assertWhole(StorageEngine e, Store s, List<String> kept) throws Exception {
        for (String name : kept) {
            Manifest m = s.manifests().get(name);
            assertThat(e.manifest(m.datastoreId())).contains(m);
            byte[] all = new byte[0];
            for (int i = 0; i < m.capsules().size(); i++) {
                all = StorageEngineTest.concat(all, e.readCapsule(m.datastoreId(), i));
            }
            assertThat(all).as(name).isEqualTo(s.data().get(name));
        }
        VerifyReport report = e.verify(Optional.empty(), Progress.none());
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(e.plotBytesOnDisk()).isEqualTo(DiskAccountingTest.du(s.config().plotDirs()));
        assertThat(e.plotCount()).isEqualTo((int) StorageTestSupport.countPlotFiles(s.config()));
        assertThat(e.plots()).hasSize(e.plotCount());
        assertThat(StorageTestSupport.countTempFiles(s.config())).isZero();
    }

    /** Every datastore named in the C5 table of a plot file on disk. */
    static List<Bytes32> datastoresInPlotFiles(StorageConfig config) throws Exception {
        List<Bytes32> out = new ArrayList<>();
        for (Path dir : config.plotDirs()) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".plot")).toList()) {
                    try (PlotReader r = PlotReader.open(f)) {
                        r.manifests().forEach(m -> out.add(m.datastoreId()));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void evictingADatastoreDropsItsOwnPlotAndRewritesTheSharedOne() throws Exception {
        Store s = threeDatastores(tmp);
        Bytes32 a = s.manifests().get("a").datastoreId();
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            assertWhole(e, s, List.of("a", "b", "c"));
            List<Path> before = e.plots().stream().map(PlotSummary::path).toList();
            assertThat(e.evict(a)).isTrue();
            assertEvicted(e, s, "a", List.of("b", "c"));
            // a's plot and the shared plot are gone; b's own plot is the copy that stays, so the shared
            // plot needed no rewrite; c untouched
            assertThat(e.plots()).hasSize(2);
            assertThat(before).containsAll(e.plots().stream().map(PlotSummary::path).toList());
            assertThat(e.evict(a)).isFalse();
            assertThat(codeOf(() -> e.delete(a))).isEqualTo(StorageErrorCode.NOT_FOUND);
        }
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            assertEvicted(e, s, "a", List.of("b", "c"));
        }
    }

    @Test
    void capsulesWhoseOnlyCopyIsInASharedPlotAreCopiedIntoANewPlot() throws Exception {
        Store s = threeDatastores(tmp);
        Bytes32 a = s.manifests().get("a").datastoreId();
        Bytes32 b = s.manifests().get("b").datastoreId();
        dropOwnPlotOf(s, b); // b's only copies are now in the plot it shares with a
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            assertWhole(e, s, List.of("a", "b", "c"));
            Path shared = e.locate(b, 0).orElseThrow().plotPath();
            long sharedSize = Files.size(shared);
            e.delete(a);
            assertEvicted(e, s, "a", List.of("b", "c"));
            assertThat(Files.exists(shared)).isFalse();
            Path rewritten = e.locate(b, 0).orElseThrow().plotPath();
            assertThat(rewritten).isNotEqualTo(shared);
            assertThat(Files.size(rewritten)).isLessThan(sharedSize);
            try (PlotReader r = PlotReader.open(rewritten)) {
                assertThat(r.manifests()).extracting(Manifest::datastoreId).containsExactly(b);
                assertThat(r.entries()).hasSize(3);
            }
        }
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            assertEvicted(e, s, "a", List.of("b", "c"));
        }
    }

    /** Deletes the plot holding only {@code id} and rebuilds the index without it. */
    static void dropOwnPlotOf(Store s, Bytes32 id) throws IOException {
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            Files.delete(ownPlotOf(e, id));
            e.rebuildIndex();
        }
    }

    @Test
    void evictingEveryDatastoreLeavesEmptyDirectoriesAndAccountingEqualToDu() throws Exception {
        Store s = threeDatastores(tmp);
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            for (Manifest m : s.manifests().values()) {
                assertThat(e.evict(m.datastoreId())).isTrue();
                assertThat(e.plotBytesOnDisk()).isEqualTo(DiskAccountingTest.du(s.config().plotDirs()));
            }
            assertThat(e.datastores()).isEmpty();
            assertThat(e.plots()).isEmpty();
            assertThat(e.plotCount()).isZero();
            assertThat(StorageTestSupport.countPlotFiles(s.config())).isZero();
            // and the node takes new data afterwards
            Manifest again = e.ingest(write(tmp.resolve("again"), randomBytes(1000, 9)), new IngestOptions(KB256,
                    Compression.NONE, null), OWNER, Progress.none());
            assertThat(e.readCapsule(again.datastoreId(), 0)).hasSize(1000);
        }
    }

    @Test
    void aFailureBeforeTheSwitchRollsBackAndLeavesTheDatastoreWhole() throws Exception {
        Store s = threeDatastores(tmp);
        Bytes32 a = s.manifests().get("a").datastoreId();
        dropOwnPlotOf(s, s.manifests().get("b").datastoreId()); // evicting a must rewrite the shared plot
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            List<String> before = e.indexDump();
            e.placement().usableSpace = dir -> 0;
            assertThat(codeOf(() -> e.evict(a))).isEqualTo(StorageErrorCode.NO_SPACE);
            e.placement().usableSpace = dir -> Long.MAX_VALUE;
            assertThat(e.indexDump()).isEqualTo(before);
            assertWhole(e, s, List.of("a", "b", "c"));
            assertThat(Files.list(s.config().dataDir().resolve("evictions")).toList()).isEmpty();
        }
    }

    @Test
    void otherDatastoresStayReadableAtEveryStepOfAnEviction() throws Exception {
        Store s = threeDatastores(tmp);
        Bytes32 a = s.manifests().get("a").datastoreId();
        dropOwnPlotOf(s, s.manifests().get("b").datastoreId());
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            List<String> steps = new ArrayList<>();
            List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
            e.evictionStep = step -> {
                steps.add(step);
                // another thread reads every capsule of b and c (and a, until the index switch)
                Thread reader = Thread.ofPlatform().start(() -> {
                    for (String name : List.of("a", "b", "c")) {
                        Manifest m = s.manifests().get(name);
                        boolean switched = steps.contains("indexed");
                        if (name.equals("a") && switched) {
                            if (e.manifest(a).isPresent()) {
                                problems.add(step + ": a is still listed after the switch");
                            }
                            continue;
                        }
                        try {
                            byte[] all = new byte[0];
                            for (int i = 0; i < m.capsules().size(); i++) {
                                all = StorageEngineTest.concat(all, e.readCapsule(m.datastoreId(), i));
                                e.region(m.datastoreId(), i);
                            }
                            if (!Arrays.equals(all, s.data().get(name))) {
                                problems.add(step + ": " + name + " reads wrong bytes");
                            }
                        } catch (RuntimeException ex) {
                            problems.add(step + ": " + name + ": " + ex);
                        }
                    }
                });
                try {
                    reader.join();
                } catch (InterruptedException ex) {
                    throw new AssertionError(ex);
                }
            };
            assertThat(e.evict(a)).isTrue();
            assertThat(steps).containsExactly("begin", "intent", "published", "indexed", "deleted", "deleted");
            assertThat(problems).isEmpty();
            e.evictionStep = null;
            assertEvicted(e, s, "a", List.of("b", "c"));
        }
    }

    @Test
    void everyVersionOfTheDatastoreGoes() throws Exception {
        Store s = threeDatastores(tmp);
        Manifest c = s.manifests().get("c");
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            byte[] data2 = randomBytes(100, 9);
            CapsuleInfo c0 = new CapsuleInfo(0, net.dig.core.Sha256.hash(data2), data2.length, CapsuleHashes.of(data2, data2.length).chunkRoot());
            Bytes32 root2 = net.dig.core.MerkleTree.root(List.of(Manifest.leafHash(c0)));
            DatastoreVersion v2 = DatastoreVersion.signed(c.version().nonce(), 2, root2, 1, data2.length, KB256, 5, "c",
                    List.of(), OWNER);
            e.store(v2, "c", List.of(), List.of(c0), i -> data2, Compression.NONE);
            assertThat(e.readCapsule(c.datastoreId(), 0)).isEqualTo(data2);
            int plotsBefore = e.plotCount();
            assertThat(e.evict(c.datastoreId())).isTrue();
            assertThat(e.plotCount()).isEqualTo(plotsBefore - 2);
            assertThat(e.indexDump()).noneMatch(row -> row.contains(c.datastoreId().toHex()));
            assertThat(datastoresInPlotFiles(s.config())).doesNotContain(c.datastoreId());
            assertWhole(e, s, List.of("a", "b"));
        }
    }

    @Test
    void anEvictionRecordLeftAtOpenIsCompletedAndAnUnreadableOneIgnored() throws Exception {
        Store s = threeDatastores(tmp);
        Bytes32 c = s.manifests().get("c").datastoreId();
        Path intents = s.config().dataDir().resolve("evictions");
        Files.createDirectories(intents);
        // as a crash right after the record became durable leaves it
        Files.writeString(intents.resolve(c.toHex().substring(2)), c.toHex() + "\n");
        Files.writeString(intents.resolve("garbage"), "not an id\n");
        try (StorageEngine e = StorageTestSupport.open(s.config())) {
            assertThat(e.manifest(c)).isEmpty();
            assertThat(datastoresInPlotFiles(s.config())).doesNotContain(c);
            assertWhole(e, s, List.of("a", "b"));
            assertThat(Files.list(intents).map(p -> p.getFileName().toString()).toList()).containsExactly("garbage");
        }
    }

    static Path ownPlotOf(StorageEngine e, Bytes32 id) {
        return e.plots().stream().map(PlotSummary::path).filter(p -> {
            try (PlotReader r = PlotReader.open(p)) {
                return r.manifests().size() == 1 && r.manifest(id) != null;
            } catch (Exception ex) {
                return false;
            }
        }).findFirst().orElseThrow();
    }
}
