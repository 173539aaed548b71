package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filling the tiers from plots, and the invalidation points storage events call. */
class ContentServiceTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(new byte[32]);

    @TempDir
    Path tmp;

    @Test
    void fillReadsThePlotOnceThenTheTiersAndEvictionEmptiesThem() throws Exception {
        ManualClock clock = new ManualClock();
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")),
                tmp.resolve("c")), clock, NODE, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, NODE, clock,
                     new NodeServices.Settings(1 << 20, tmp.resolve("l2"), 4 << 20, tmp.resolve("h.sqlite")))) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; text.length() < 400_000; i++) {
                text.append("line ").append(i).append('\n');
            }
            Path src = Files.writeString(tmp.resolve("log.txt"), text);
            Manifest m = engine.ingest(src, new IngestOptions(262_144, Compression.ZSTD, "log"), NODE, Progress.none());
            ContentService content = services.content();
            List<Bytes32> invalidated = new ArrayList<>();
            content.onInvalidate(invalidated::add);

            CapsuleInfo c0 = m.capsules().getFirst();
            byte[] bytes = content.fill(m.datastoreId(), 0, c0.hash());
            assertThat(Sha256.hash(bytes)).isEqualTo(c0.hash());
            assertThat(content.tiers().memory(c0.hash())).isEqualTo(bytes);
            assertThat(content.tiers().disk(c0.hash())).isPresent();
            assertThat(content.views().load(m.datastoreId()).manifest()).isEqualTo(m);

            content.invalidate(m.datastoreId());
            assertThat(invalidated).containsExactly(m.datastoreId());
            assertThat(content.views().cached(m.datastoreId())).isNull();
            assertThat(content.tiers().memory(c0.hash())).as("content addressed: a new version needs no eviction")
                    .isEqualTo(bytes);

            // the engine's eviction event, not a call of ours, empties the tiers
            assertThat(engine.evict(m.datastoreId())).isTrue();
            assertThat(invalidated).containsExactly(m.datastoreId(), m.datastoreId());
            assertThat(content.tiers().memory(c0.hash())).isNull();
            assertThat(content.tiers().disk(c0.hash())).isEmpty();
            try (var files = Files.list(tmp.resolve("l2"))) {
                assertThat(files.toList()).isEmpty();
            }
            assertThatThrownBy(() -> content.fill(m.datastoreId(), 0, c0.hash())).isInstanceOf(ServiceException.class);
        }
    }
}
