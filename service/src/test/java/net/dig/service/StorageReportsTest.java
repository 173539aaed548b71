package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.proof.LocalBeacon;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload.ReportEntry;
import net.dig.wire.NodePayload.ReportSample;
import net.dig.wire.NodePayload.StorageReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StorageReports} with a real store and proofs: an honest report verifies against the owner-signed records
 * alone; a report claiming a version the node lost, samples other than the draw, an entry that differs from its
 * record or a stale epoch are caught; a sample whose record cannot be had leaves the report unverified.
 */
class StorageReportsTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(seed(4));
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(seed(1));

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);
    private final LocalBeacon beacon = new LocalBeacon(Bytes32.ZERO);
    private StorageEngine engine;

    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        s[0] = (byte) b;
        return s;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private Map<Bytes32, DatastoreVersion> holding(int datastores) throws Exception {
        engine = StorageEngine.open(StorageConfig.under(tmp.resolve("node")), clock, NODE, new SplittableRandom(1));
        Map<Bytes32, DatastoreVersion> records = new java.util.HashMap<>();
        for (int i = 0; i < datastores; i++) {
            byte[] data = new byte[600_000 + 140_000 * i];
            new SplittableRandom(i).nextBytes(data);
            Manifest m = engine.ingest(Files.write(tmp.resolve("d" + i), data),
                    new IngestOptions(262_144, Compression.NONE, "d" + i), OWNER, Progress.none());
            records.put(m.version().datastoreId(), m.version());
        }
        return records;
    }

    private static java.util.function.Function<ReportEntry, Optional<DatastoreVersion>> from(Map<Bytes32, DatastoreVersion> records) {
        return e -> Optional.ofNullable(records.get(e.datastoreId()));
    }

    @Test
    void anHonestReportVerifiesFromTheSignedRecordsAlone() throws Exception {
        Map<Bytes32, DatastoreVersion> records = holding(3);
        StorageReports mine = new StorageReports(beacon, clock);
        ProofService proofs = new ProofService(engine, NODE, clock, Set.of());
        List<net.dig.storage.DatastoreSummary> held = new ArrayList<>(engine.datastores());
        held.add(new net.dig.storage.DatastoreSummary(Bytes32.wrap(seed(9)), "empty", 1, 0, 0, Bytes32.ZERO, 0));
        StorageReport report = mine.build(Bytes32.wrap(NODE.publicKey()), held, proofs);
        assertThat(report.entries()).as("an empty datastore has nothing to sample").hasSize(3);
        assertThat(proofs.validations24h()).as("a report's own proofs are not challenges answered").isZero();
        assertThat(report.samples()).hasSize(StorageReports.SAMPLES).allSatisfy(s -> assertThat(s.bundle()).isNotEmpty());

        StorageReports theirs = new StorageReports(beacon, clock);
        assertThat(theirs.check(Bytes32.wrap(NODE.publicKey()), report, from(records))).isEqualTo(StorageReports.Outcome.VERIFIED);
        assertThat(theirs.check(Bytes32.wrap(OWNER.publicKey()), report, from(records)))
                .as("the same report claimed by another key draws other samples").isEqualTo(StorageReports.Outcome.FALSE);
        assertThat(theirs.check(Bytes32.wrap(NODE.publicKey()), report, e -> Optional.empty()))
                .isEqualTo(StorageReports.Outcome.UNVERIFIED);
        clock.advance(Duration.ofHours(2));
        assertThat(theirs.check(Bytes32.wrap(NODE.publicKey()), report, from(records))).isEqualTo(StorageReports.Outcome.STALE);
        StorageReports.Status s = theirs.status();
        assertThat(s.verified()).isEqualTo(1);
        assertThat(s.flagged()).isEqualTo(1);
        assertThat(s.unverified()).isEqualTo(1);
        assertThat(s.received()).isEqualTo(4);
        assertThat(s.lastFlag()).contains("not the one the beacon drew");
    }

    @Test
    void aReportClaimingWhatTheNodeLostIsFlaggedWhenTheDrawHitsIt() throws Exception {
        Map<Bytes32, DatastoreVersion> records = holding(1);
        Bytes32 kept = records.keySet().iterator().next();
        StorageReports mine = new StorageReports(beacon, clock);
        ProofService proofs = new ProofService(engine, NODE, clock, Set.of());
        List<net.dig.storage.DatastoreSummary> claimed = new ArrayList<>(engine.datastores());
        engine.evict(kept); // lost, but still claimed
        StorageReport report = mine.build(Bytes32.wrap(NODE.publicKey()), claimed, proofs);
        assertThat(report.samples()).allSatisfy(x -> assertThat(x.bundle()).isEmpty());
        StorageReports checker = new StorageReports(beacon, clock);
        assertThat(checker.check(Bytes32.wrap(NODE.publicKey()), report, from(records))).isEqualTo(StorageReports.Outcome.FALSE);
        assertThat(checker.status().lastFlag()).contains("does not prove it: MALFORMED");
    }

    @Test
    void anEntryThatDiffersFromItsRecordIsFlagged() throws Exception {
        Map<Bytes32, DatastoreVersion> records = holding(1);
        StorageReport honest = new StorageReports(beacon, clock).build(Bytes32.wrap(NODE.publicKey()), engine.datastores(),
                new ProofService(engine, NODE, clock, Set.of()));
        ReportEntry e = honest.entries().getFirst();
        StorageReport inflated = new StorageReport(honest.epoch(), List.of(new ReportEntry(e.datastoreId(), e.version(),
                e.totalSize() * 1000, e.capsuleCount())), honest.samples());
        StorageReports checker = new StorageReports(beacon, clock);
        assertThat(checker.check(Bytes32.wrap(NODE.publicKey()), inflated, from(records))).isEqualTo(StorageReports.Outcome.FALSE);
        assertThat(checker.status().lastFlag()).contains("does not match the owner-signed record");
        StorageReport resampled = new StorageReport(honest.epoch(), honest.entries(), List.of(honest.samples().getFirst()));
        assertThat(checker.check(Bytes32.wrap(NODE.publicKey()), resampled, from(records))).isEqualTo(StorageReports.Outcome.FALSE);
        ReportSample first = honest.samples().getFirst();
        StorageReport moved = new StorageReport(honest.epoch(), honest.entries(), List.of(
                new ReportSample(first.entry(), (first.capsuleIndex() + 1) % e.capsuleCount(), first.bundle()), honest.samples().get(1)));
        assertThat(checker.check(Bytes32.wrap(NODE.publicKey()), moved, from(records))).isEqualTo(StorageReports.Outcome.FALSE);
    }
}
