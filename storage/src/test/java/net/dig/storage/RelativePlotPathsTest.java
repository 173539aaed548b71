package net.dig.storage;

import static net.dig.storage.StorageErrorCodesTest.codeOf;
import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static net.dig.testkit.Corruption.flip;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.dig.core.Progress;
import net.dig.testkit.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plot paths in the index are relative to the data directory, so a copied data directory serves its
 * plots from the copy; an absolute-path index (schema 2) is upgraded, and a plot indexed at a path that
 * is gone but found at a new one keeps its bad capsules and is listed once.
 */
class RelativePlotPathsTest {
    static final int KB256 = 262_144;

    @TempDir
    Path tmp;

    @Test
    void aCopiedDataDirectoryReadsFromTheCopy() throws Exception {
        Path home = tmp.resolve("home");
        Manifest m;
        try (StorageEngine e = StorageTestSupport.open(StorageConfig.under(home))) {
            m = e.ingest(write(tmp.resolve("d"), randomBytes(2 * KB256, 1)), new IngestOptions(KB256, Compression.NONE, "d"),
                    OWNER, Progress.none());
        }
        assertThat(rawPaths(home)).isNotEmpty().allMatch(p -> p.startsWith("plots/"));
        Path copy = tmp.resolve("copy");
        FileTrees.copy(home, copy);
        FileTrees.delete(home); // nothing may still point at the original
        try (StorageEngine e = StorageTestSupport.open(StorageConfig.under(copy))) {
            assertThat(e.plots()).singleElement().satisfies(p -> {
                assertThat(p.path().startsWith(copy.resolve("plots"))).isTrue();
                assertThat(p.status()).isEqualTo(PlotStatus.OK);
            });
            assertThat(e.locate(m.datastoreId(), 1).orElseThrow().plotPath().startsWith(copy)).isTrue();
            assertThat(e.readCapsule(m.datastoreId(), 1)).hasSize(KB256);
        }
    }

    @Test
    void anAbsolutePathIndexIsUpgradedAndAMovedPlotKeepsItsBadCapsules() throws Exception {
        Path home = tmp.resolve("home");
        StorageConfig config = StorageConfig.under(home);
        Manifest m;
        CapsuleLocation bad;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = e.ingest(write(tmp.resolve("d"), randomBytes(2 * KB256, 2)), new IngestOptions(KB256, Compression.NONE, "d"),
                    OWNER, Progress.none());
            bad = e.locate(m.datastoreId(), 1).orElseThrow();
        }
        flip(bad.plotPath(), bad.offset() + 100);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.verify(Optional.empty(), Progress.none()).ok()).isFalse();
        }
        // what version 2 wrote: absolute paths
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + config.indexFile()); var s = db.createStatement()) {
            for (String col : List.of("plots.path", "capsules.plot_path", "bad_capsules.plot_path")) {
                String[] tc = col.split("\\.");
                s.execute("UPDATE " + tc[0] + " SET " + tc[1] + " = '" + home + "/' || " + tc[1]);
            }
            s.execute("UPDATE meta SET value='2' WHERE key='schema_version'");
        }
        Path copy = tmp.resolve("copy");
        FileTrees.copy(home, copy);
        try (StorageEngine e = StorageTestSupport.open(StorageConfig.under(copy))) {
            assertThat(e.plots()).as("listed once, at its new place").singleElement().satisfies(p -> {
                assertThat(p.path().startsWith(copy)).isTrue();
                assertThat(p.badCapsules()).extracting(CapsuleProblem::capsuleIndex).containsExactly(1);
            });
            assertThat(codeOf(() -> e.readCapsule(m.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(e.readCapsule(m.datastoreId(), 0)).hasSize(KB256);
        }
        assertThat(rawPaths(copy)).allMatch(p -> p.startsWith("plots/"));
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(e.plots()).singleElement().satisfies(p -> assertThat(p.badCapsules()).hasSize(1));
        }
        assertThat(rawPaths(home)).as("upgraded in place").allMatch(p -> p.startsWith("plots/"));
    }

    private static List<String> rawPaths(Path home) throws Exception {
        List<String> out = new ArrayList<>();
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.sqlite")); var s = db.createStatement();
             var rs = s.executeQuery("SELECT path FROM plots UNION SELECT plot_path FROM capsules UNION SELECT plot_path FROM bad_capsules")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
