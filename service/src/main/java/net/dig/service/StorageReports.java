package net.dig.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Hex;
import net.dig.core.Sha256;
import net.dig.proof.Beacon;
import net.dig.proof.BundleVerifier;
import net.dig.proof.ChallengeScope;
import net.dig.proof.ProofParts;
import net.dig.proof.Verdict;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.DatastoreVersion;
import net.dig.wire.NodePayload.ReportEntry;
import net.dig.wire.NodePayload.ReportSample;
import net.dig.wire.NodePayload.StorageReport;

/**
 * Storage reports (4EVERLAND's periodic reports, made recomputable instead of trusted to a TEE): a node signs what it
 * holds with inclusion proofs of samples a public beacon drew, and its peers re-check the samples and flag a false
 * report.
 *
 * <h2>The draw</h2>
 * For the report of epoch {@code e} (hours since the epoch, {@link #EPOCH_MILLIS}) by node key {@code k}:
 * {@code seed = SHA-256("dig:report:v1" ‖ beacon entropy of e ‖ k)} and for sample {@code i < }{@link #SAMPLES}
 * {@code h_i = SHA-256(seed ‖ u32 i)}: entry {@code u64(h_i[0..8]) mod len(entries)} (unsigned), capsule
 * {@code u64(h_i[8..16]) mod capsule_count} of that entry, and the bundle answers the {@code inclusion} challenge named
 * by the lower-case hex of {@code h_i} ({@link ProofService#challengeFor}). The reporter picks the entries (what it
 * claims) but not the samples, so a report listing a version it does not hold is caught by each sample with
 * probability {@code 1/len(entries)}. A node with more than {@link StorageReport#MAX_ENTRIES} versions reports a
 * window of them that moves with the epoch (all of them over the epochs).
 *
 * <h2>Checking</h2>
 * A report is checked only for the current or the previous epoch; its samples must be exactly the draw. Each sample
 * is verified against the owner-signed record of its entry (the caller's {@code records}: a checked record of that
 * version, empty when none can be had) without holding the data: a version, size or capsule count that differs from
 * the record, or a bundle that is not {@link Verdict#VALID}, flags the report false; a sample whose record cannot be
 * had leaves the report unverified. Inclusion only: the time a report took is not the checker's to measure.
 *
 * <p>Thread-safe; building blocks on the proofs, checking on nothing but the records function.
 */
public final class StorageReports {
    static final long EPOCH_MILLIS = 3_600_000L;
    public static final int SAMPLES = 2;
    private static final byte[] DOMAIN = "dig:report:v1".getBytes(StandardCharsets.US_ASCII);

    /** What checking a report found. */
    public enum Outcome { VERIFIED, FALSE, UNVERIFIED, STALE }

    /** What this node's reports and its checks of others' did since start. */
    public record Status(long built, long received, long verified, long flagged, long unverified, String lastFlag) {}

    /** One drawn sample: which entry, which capsule, and the challenge name. */
    record Draw(int entry, int capsule, String challengeId) {}

    private final Beacon beacon;
    private final Clock clock;
    private final AtomicLong built = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong verified = new AtomicLong();
    private final AtomicLong flagged = new AtomicLong();
    private final AtomicLong unverified = new AtomicLong();
    private final AtomicReference<String> lastFlag = new AtomicReference<>();

    public StorageReports(Beacon beacon, Clock clock) {
        this.beacon = Objects.requireNonNull(beacon, "beacon");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The epoch now. */
    public long epoch() {
        return clock.millis() / EPOCH_MILLIS;
    }

    static List<Draw> draws(Beacon beacon, long epoch, Bytes32 reporter, List<ReportEntry> entries) {
        List<Draw> out = new ArrayList<>();
        if (entries.isEmpty()) {
            return out;
        }
        Bytes32 seed = Sha256.hash(DOMAIN, beacon.entropy(epoch).toArray(), reporter.toArray());
        for (int i = 0; i < SAMPLES; i++) {
            byte[] h = Sha256.hash(seed.toArray(), ByteBuffer.allocate(4).putInt(i).array()).toArray();
            ByteBuffer b = ByteBuffer.wrap(h);
            int entry = (int) Long.remainderUnsigned(b.getLong(0), entries.size());
            int capsule = (int) Long.remainderUnsigned(b.getLong(8), entries.get(entry).capsuleCount());
            out.add(new Draw(entry, capsule, Hex.encode(h)));
        }
        return out;
    }

    /** This node's report now: its current versions (a window of them past the limit) and its proofs of the draw. */
    public StorageReport build(Bytes32 self, List<DatastoreSummary> held, ProofService proofs) {
        long epoch = epoch();
        List<DatastoreSummary> sorted = held.stream().filter(d -> d.capsuleCount() > 0) // nothing to sample in an empty one
                .sorted(Comparator.comparing(d -> d.datastoreId().toHex())).toList();
        List<ReportEntry> entries = new ArrayList<>();
        int n = sorted.size();
        int from = n <= StorageReport.MAX_ENTRIES ? 0 : (int) Math.floorMod(epoch * StorageReport.MAX_ENTRIES, (long) n);
        for (int i = 0; i < Math.min(n, StorageReport.MAX_ENTRIES); i++) {
            DatastoreSummary d = sorted.get((from + i) % n);
            entries.add(new ReportEntry(d.datastoreId(), d.version(), d.totalSize(), d.capsuleCount()));
        }
        List<ReportSample> samples = new ArrayList<>();
        for (Draw d : draws(beacon, epoch, self, entries)) {
            ReportEntry e = entries.get(d.entry());
            byte[] bundle;
            try {
                bundle = proofs.proveAt(d.challengeId(), e.datastoreId(), d.capsule(), ProofParts.INCLUSION).generated().bytes();
            } catch (RuntimeException unprovable) {
                bundle = new byte[0];
            }
            samples.add(new ReportSample(d.entry(), d.capsule(), bundle));
        }
        built.incrementAndGet();
        return new StorageReport(epoch, entries, samples);
    }

    /** Checks {@code report} of {@code reporter} against the owner-signed records {@code records} gives (class note). */
    public Outcome check(Bytes32 reporter, StorageReport report, Function<ReportEntry, Optional<DatastoreVersion>> records) {
        received.incrementAndGet();
        long now = epoch();
        if (report.epoch() != now && report.epoch() != now - 1) {
            return Outcome.STALE;
        }
        List<Draw> draws = draws(beacon, report.epoch(), reporter, report.entries());
        if (report.samples().size() != draws.size()) {
            return flag(reporter, "carries " + report.samples().size() + " samples, the draw has " + draws.size());
        }
        boolean all = true;
        for (int i = 0; i < draws.size(); i++) {
            Draw d = draws.get(i);
            ReportSample s = report.samples().get(i);
            if (s.entry() != d.entry() || s.capsuleIndex() != d.capsule()) {
                return flag(reporter, "sample " + i + " is not the one the beacon drew");
            }
            ReportEntry e = report.entries().get(d.entry());
            Optional<DatastoreVersion> record = records.apply(e);
            if (record.isEmpty()) {
                all = false;
                continue;
            }
            DatastoreVersion v = record.get();
            if (v.version() != e.version() || v.totalSize() != e.totalSize() || v.capsuleCount() != e.capsuleCount()) {
                return flag(reporter, "entry " + d.entry() + " does not match the owner-signed record of " + e.datastoreId().toHex());
            }
            long size = d.capsule() < v.capsuleCount() - 1 ? v.capsuleSize()
                    : v.totalSize() - (long) v.capsuleSize() * (v.capsuleCount() - 1);
            Verdict verdict = BundleVerifier.verify(s.bundle(), v.merkleRoot(), reporter.toArray(),
                    ProofService.challengeFor(d.challengeId(), new ChallengeScope(v.datastoreId(), v.capsuleCount(),
                            new int[] {d.capsule()}, new long[] {size}), reporter.toArray(), ProofParts.INCLUSION));
            if (verdict != Verdict.VALID) {
                return flag(reporter, "sample " + i + " of " + e.datastoreId().toHex() + " does not prove it: " + verdict);
            }
        }
        if (!all) {
            unverified.incrementAndGet();
            return Outcome.UNVERIFIED;
        }
        verified.incrementAndGet();
        return Outcome.VERIFIED;
    }

    private Outcome flag(Bytes32 reporter, String why) {
        flagged.incrementAndGet();
        lastFlag.set("report of " + Hex.encode(reporter.toArray()) + " " + why);
        return Outcome.FALSE;
    }

    public Status status() {
        return new Status(built.get(), received.get(), verified.get(), flagged.get(), unverified.get(), lastFlag.get());
    }
}
