package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.CapsuleDamage;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.Corruption;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy found bad reaches {@link ContentService#onRepairNeeded} with the hash good bytes must have,
 * leaves the tiers and the views, and shows in the view's unavailable list and in {@link ContentService#integrity}.
 */
class RepairHookTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(new byte[32]);

    @TempDir
    Path tmp;

    @Test
    void aBadCopyIsAnnouncedForRepairAndDroppedFromTheCaches() throws Exception {
        ManualClock clock = new ManualClock();
        StorageConfig config = new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")), tmp.resolve("c"));
        byte[] data = new byte[2 * 262_144];
        new SplittableRandom(3).nextBytes(data);
        Path src = Files.write(tmp.resolve("data.bin"), data);
        Manifest m;
        CapsuleLocation loc;
        try (StorageEngine engine = StorageEngine.open(config, clock, NODE, new SplittableRandom(1))) {
            m = engine.ingest(src, new IngestOptions(262_144, Compression.NONE, "d"), NODE, Progress.none());
            loc = engine.locate(m.datastoreId(), 1).orElseThrow();
        }
        try (StorageEngine engine = StorageEngine.open(config, clock, NODE, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, NODE, clock,
                     new NodeServices.Settings(1 << 20, tmp.resolve("l2"), 4 << 20, tmp.resolve("h.sqlite")))) {
            ContentService content = services.content();
            List<CapsuleDamage> repairs = new CopyOnWriteArrayList<>();
            content.onRepairNeeded(repairs::add);
            CapsuleInfo one = m.capsules().get(1);
            byte[] good = java.util.Arrays.copyOfRange(data, 262_144, 2 * 262_144);
            content.tiers().putMemory(one.hash(), good); // as a fill from another copy would have left them
            content.tiers().putDisk(one.hash(), good);
            assertThat(content.tiers().memory(one.hash())).isNotNull();
            assertThat(content.views().load(m.datastoreId()).unavailable()).isEmpty();

            Corruption.flip(loc.plotPath(), loc.offset() + 100);
            assertThatThrownBy(() -> content.locate(m.datastoreId(), 1)).isInstanceOfSatisfying(ServiceException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.PLOT_UNAVAILABLE));

            assertThat(repairs).singleElement().satisfies(d -> {
                assertThat(d.datastoreId()).isEqualTo(m.datastoreId());
                assertThat(d.capsuleIndex()).isEqualTo(1);
                assertThat(d.hash()).isEqualTo(one.hash());
            });
            assertThat(content.tiers().memory(one.hash())).isNull();
            assertThat(content.tiers().disk(one.hash())).isEmpty();
            assertThat(content.views().cached(m.datastoreId())).isNull();
            assertThat(content.views().load(m.datastoreId()).unavailable()).containsExactly(1);
            assertThat(content.integrity().badCapsules()).isEqualTo(1);
            assertThatThrownBy(() -> content.fill(m.datastoreId(), 1, one.hash())).isInstanceOf(ServiceException.class);
            // the other capsule is still served
            assertThat(content.locate(m.datastoreId(), 0)).isPresent();
        }
    }
}
