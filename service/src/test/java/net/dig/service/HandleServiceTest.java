package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handle registration against a real engine, records from peers, and the digest exchange between two tables. */
class HandleServiceTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(filled(1));
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(filled(2));
    private static final long NOW = 1_800_000_000L;

    @TempDir
    Path tmp;

    private static HandleRegistration reg(String label, Bytes32 id, int tier, long at) {
        return new HandleRegistration(label, id, Optional.empty(), tier, at, at + 86_400, false, new TreeMap<>());
    }

    @Test
    void theOwnerRegistersTheHolderWinsAndRepeatsAreIdempotent() throws Exception {
        ManualClock clock = new ManualClock(NOW * 1000);
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")),
                tmp.resolve("c")), clock, NODE, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, NODE, clock,
                     new NodeServices.Settings(0, tmp.resolve("l2"), 0, tmp.resolve("h.sqlite")))) {
            Path src = Files.writeString(tmp.resolve("f.txt"), "hello");
            Manifest m = engine.ingest(src, new IngestOptions(262_144, Compression.NONE, "f"), OWNER, Progress.none());
            Manifest other = engine.ingest(Files.writeString(tmp.resolve("g.txt"), "other"),
                    new IngestOptions(262_144, Compression.NONE, "g"), NODE, Progress.none());
            HandleService handles = services.handles();
            List<NodePayload.HandleRegistration> broadcast = new ArrayList<>();
            handles.onNew(broadcast::add);
            HandleRegistration reg = reg("my-site", m.datastoreId(), 4, NOW);

            HandleNamespace.Resolution r = handles.register(reg, OWNER.sign(reg.signingBytes()));
            assertThat(r.status()).isEqualTo(HandleNamespace.Status.PENDING);
            assertThat(r.record().orElseThrow().datastoreId()).isEqualTo(m.datastoreId());
            assertThat(handles.register(reg, OWNER.sign(reg.signingBytes())).record()).isEqualTo(r.record());
            assertThat(broadcast).hasSize(1);
            assertThat(handles.activeFor(m.datastoreId())).as("pending, not active yet").isEmpty();
            clock.advance(java.time.Duration.ofSeconds(HandleNamespace.SETTLE_SECONDS));
            assertThat(handles.resolve("my-site").status()).isEqualTo(HandleNamespace.Status.ACTIVE);
            assertThat(handles.resolve("my-site").record().orElseThrow().tier()).isEqualTo(4);
            assertThat(handles.activeFor(m.datastoreId())).extracting(NodePayload.HandleRegistration::label).containsExactly("my-site");
            assertThat(handles.activeFor(other.datastoreId())).isEmpty();

            // the owner re-tiers the handle it holds; another owner cannot take it
            HandleRegistration retier = reg("my-site", m.datastoreId(), 2, clock.epochSeconds());
            assertThat(handles.register(retier, OWNER.sign(retier.signingBytes())).record().orElseThrow().tier()).isEqualTo(2);
            HandleRegistration steal = reg("my-site", other.datastoreId(), 4, clock.epochSeconds());
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> handles.register(steal, NODE.sign(steal.signingBytes()))).code()).isEqualTo(ErrorCode.HANDLE_TAKEN);
            HandleRegistration fresh = reg("another", m.datastoreId(), 4, clock.epochSeconds());
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> handles.register(fresh, NODE.sign(fresh.signingBytes()))).code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
            HandleRegistration old = reg("old", m.datastoreId(), 4, clock.epochSeconds() - 3600);
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> handles.register(old, OWNER.sign(old.signingBytes()))).code()).isEqualTo(ErrorCode.BAD_REGISTRATION_TIME);
            HandleRegistration nowhere = reg("nowhere", Bytes32.fromHex("ee".repeat(32)), 4, clock.epochSeconds());
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> handles.register(nowhere, OWNER.sign(nowhere.signingBytes()))).code())
                    .isEqualTo(ErrorCode.UNKNOWN_DATASTORE);
            assertThat(catchThrowableOfType(ServiceException.class, () -> handles.resolve("another")).code())
                    .isEqualTo(ErrorCode.UNKNOWN_HANDLE);
            assertThat(catchThrowableOfType(ServiceException.class, () -> handles.resolve("A")).code())
                    .isEqualTo(ErrorCode.BAD_HANDLE);
            assertThat(handles.resolve("www").status()).isEqualTo(HandleNamespace.Status.RESERVED);
            assertThat(handles.count()).isEqualTo(2);
        }
    }

    private static NodePayload.HandleRegistration record(String label, String owner, long at) {
        NodeIdentity key = NodeIdentity.fromSeed(Sha256.hash(owner.getBytes()).toArray());
        return NodePayload.HandleRegistration.signed(label, new byte[32], Optional.empty(), 4, at, at + 86_400, false,
                new TreeMap<>(), key);
    }

    @Test
    void peersRecordsAreCheckedAndTwoTablesConvergeThroughTheirDigests() {
        ManualClock clock = new ManualClock(NOW * 1000);
        try (HandleService a = new HandleService(new HandleTable(tmp.resolve("a.sqlite")), null, clock);
             HandleService b = new HandleService(new HandleTable(tmp.resolve("b.sqlite")), null, clock)) {
            assertThat(a.receive(record("site", "alice", NOW), true)).isEqualTo(HandleService.Outcome.NEW);
            assertThat(a.receive(record("site", "alice", NOW), true)).isEqualTo(HandleService.Outcome.KNOWN);
            assertThat(a.receive(record("site", "alice", NOW - 3600), true)).isEqualTo(HandleService.Outcome.STALE);
            assertThat(a.receive(record("site", "alice", NOW + 3600), false)).isEqualTo(HandleService.Outcome.STALE);
            assertThat(a.receive(record("www", "alice", NOW), true)).isEqualTo(HandleService.Outcome.INVALID);
            NodePayload.HandleRegistration good = record("forged", "alice", NOW);
            NodePayload.HandleRegistration forged = new NodePayload.HandleRegistration("forged", good.datastoreId(),
                    good.ownerPublicKey(), good.nonce(), good.pinnedRoot(), 5, good.registeredAt(), good.expiresAt(), false,
                    good.metadata(), good.ownerSignature());
            assertThat(a.receive(forged, true)).isEqualTo(HandleService.Outcome.INVALID);

            // a conflict: bob registered "site" a second earlier on the other side, and an old record comes by sync
            assertThat(b.receive(record("site", "bob", NOW - 1), true)).isEqualTo(HandleService.Outcome.NEW);
            assertThat(b.receive(record("archive", "carol", NOW - 86_000), false)).isEqualTo(HandleService.Outcome.NEW);
            for (int i = 0; i < 150; i++) {
                a.receive(record("label-" + i, "dave", NOW), true);
            }
            assertThat(a.digest()).isNotEqualTo(b.digest());
            List<NodePayload.HandleBatch> toB = a.batchesFor(b.digest());
            List<NodePayload.HandleBatch> toA = b.batchesFor(a.digest());
            assertThat(toB).allSatisfy(batch -> assertThat(batch.registrations()).hasSizeLessThanOrEqualTo(NodePayload.HandleBatch.MAX));
            toB.forEach(batch -> batch.registrations().forEach(r -> b.receive(r, false)));
            toA.forEach(batch -> batch.registrations().forEach(r -> a.receive(r, false)));

            assertThat(a.count()).isEqualTo(b.count()).isEqualTo(153);
            assertThat(a.digest().bucketHashes()).isEqualTo(b.digest().bucketHashes());
            assertThat(a.batchesFor(b.digest())).isEmpty();
            assertThat(a.resolve("site").record()).isEqualTo(b.resolve("site").record()).contains(record("site", "bob", NOW - 1));
            assertThat(a.resolve("archive").record()).contains(record("archive", "carol", NOW - 86_000));
        }
    }

    private static byte[] filled(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
