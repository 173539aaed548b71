package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload.DatastoreTombstone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TombstoneServiceTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(seed(1));
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(seed(2));
    private static final NodeIdentity STRANGER = NodeIdentity.fromSeed(seed(3));
    @TempDir
    Path tmp;

    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);
    private StorageEngine engine;
    private NodeServices services;
    private TombstoneService tombstones;
    private Manifest held;

    @BeforeEach
    void open() throws IOException {
        engine = StorageEngine.open(new StorageConfig(tmp.resolve("data"), List.of(tmp.resolve("plots")), tmp.resolve("cache")),
                clock, NODE, new SplittableRandom(7));
        services = NodeServices.open(engine, NODE, clock,
                new NodeServices.Settings(1 << 20, tmp.resolve("l2"), 1 << 20, tmp.resolve("handles.sqlite")));
        tombstones = new TombstoneService(services.datastores(), clock);
        byte[] data = new byte[100_000];
        new SplittableRandom(3).nextBytes(data);
        Path src = tmp.resolve("src.bin");
        Files.write(src, data);
        held = services.datastores().ingest(src, new IngestOptions(262_144, Compression.NONE, "f"), OWNER, Progress.none());
    }

    @AfterEach
    void close() {
        services.close();
        engine.close();
    }

    private boolean stillHeld() {
        return services.datastores().manifest(held.datastoreId()).isPresent();
    }

    @Test
    void theOwnersTombstoneDeletesAndIsForwardedOnce() {
        DatastoreTombstone t = DatastoreTombstone.signed(held.datastoreId(), 1, clock.epochSeconds(), OWNER);
        assertThat(tombstones.receive(t)).isEqualTo(TombstoneService.Outcome.DELETED);
        assertThat(stillHeld()).isFalse();
        assertThat(tombstones.receive(t)).isEqualTo(TombstoneService.Outcome.NOT_HELD);
        assertThat(TombstoneService.Outcome.NOT_HELD.forward()).isFalse();
        assertThat(TombstoneService.Outcome.DELETED.forward()).isTrue();
    }

    @Test
    void forgedTombstonesDeleteNothing() {
        DatastoreTombstone t = DatastoreTombstone.signed(held.datastoreId(), 1, clock.epochSeconds(), OWNER);
        DatastoreTombstone brokenSignature = new DatastoreTombstone(t.datastoreId(), 2, t.timestamp(), t.ownerPublicKey(), t.ownerSignature());
        assertThat(tombstones.receive(brokenSignature)).isEqualTo(TombstoneService.Outcome.FORGED);
        DatastoreTombstone byStranger = DatastoreTombstone.signed(held.datastoreId(), 1, clock.epochSeconds(), STRANGER);
        assertThat(tombstones.receive(byStranger)).isEqualTo(TombstoneService.Outcome.FORGED);
        assertThat(stillHeld()).isTrue();
    }

    @Test
    void aNewerHeldVersionSurvivesAnOlderTombstone() {
        DatastoreTombstone old = DatastoreTombstone.signed(held.datastoreId(), 0, clock.epochSeconds(), OWNER);
        assertThat(tombstones.receive(old)).isEqualTo(TombstoneService.Outcome.SUPERSEDED);
        assertThat(stillHeld()).isTrue();
    }

    @Test
    void onlyTheOwnerIssuesAndIssuingDeletesHere() {
        ServiceException e = catchThrowableOfType(ServiceException.class, () -> tombstones.issue(held.datastoreId(), STRANGER));
        assertThat(e.code()).isEqualTo(ErrorCode.OWNER_MISMATCH);
        assertThat(stillHeld()).isTrue();
        DatastoreTombstone t = tombstones.issue(held.datastoreId(), OWNER);
        assertThat(t.signatureValid()).isTrue();
        assertThat(t.version()).isEqualTo(1);
        assertThat(t.timestamp()).isEqualTo(clock.epochSeconds());
        assertThat(stillHeld()).isFalse();
        assertThat(catchThrowableOfType(ServiceException.class, () -> tombstones.issue(held.datastoreId(), OWNER)).code())
                .isEqualTo(ErrorCode.UNKNOWN_DATASTORE);
    }
}
