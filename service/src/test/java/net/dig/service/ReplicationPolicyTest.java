package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.dig.storage.DatastoreVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplicationService} under a {@link HoldingPolicy}: a refused offer is answered with the policy's
 * reason and not a byte is asked for; a full node refuses with {@link ErrorCode#INSUFFICIENT_STORAGE};
 * a version taken from a peer is evicted by a review once the policy no longer keeps it, while what the
 * node holds otherwise stays. A name glob is decided before the fetch on the offered name, believed only when
 * it hashes to the owner-signed name hash.
 */
@Timeout(60)
class ReplicationPolicyTest {
    @TempDir Path tmp;

    /** The destination's replication over {@code t}, which answers fetches from the source; room for anything. */
    private static ReplicationService<String> replicating(FetchHarness h, ReplicationServiceTest.Transport t) {
        t.windows = h.windows;
        return h.dest.replication(h.fetches(FetchHarness.config(262_144)), t, Runnable::run, true, () -> 10_000_000);
    }

    @Test
    void refusedOffersFetchNothingAndAReviewEvictsOnlyWhatWasTakenFromPeers() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 3 * 262_144 + 10)) {
            ReplicationServiceTest.Transport t = new ReplicationServiceTest.Transport();
            t.windows = h.windows;
            long[] free = {10};
            ReplicationService<String> dest = h.dest.replication(h.fetches(FetchHarness.config(262_144)), t, Runnable::run,
                    true, () -> free[0]);
            dest.keepTakenIn(OfferedVersions.open(tmp.resolve("taken")), HoldingFacts.NONE);
            DatastoreVersion v = h.manifest.version();

            assertThat(dest.onOffer("source", v)).isEqualTo(ReplicationService.Reply.decline(ErrorCode.INSUFFICIENT_STORAGE.name()));
            free[0] = 10_000_000;
            dest.usePolicy(new SelectivePolicy(List.of(), List.of("content.bin"), 0, Optional.empty(), 0, h.clock));
            assertThat(dest.onOffer("source", v)).isEqualTo(ReplicationService.Reply.decline("BLACKLISTED"));
            dest.usePolicy(new SelectivePolicy(List.of(), List.of(), 1000, Optional.empty(), 0, h.clock));
            assertThat(dest.onOffer("source", v)).isEqualTo(ReplicationService.Reply.decline("TOO_LARGE"));
            dest.usePolicy(HoldingPolicy.declining("cache"));
            assertThat(dest.onOffer("source", v)).isEqualTo(ReplicationService.Reply.decline("READ_THROUGH_ONLY"));
            assertThat(t.asked).isEmpty();
            assertThat(dest.fetching(v.datastoreId())).isEmpty();
            assertThat(h.destEngine.manifest(v.datastoreId())).isEmpty();

            dest.usePolicy(new ArchivePolicy(true, Set.of()));
            assertThat(dest.onOffer("source", v).accepted()).isTrue();
            FetchSessionTest.assertLanded(h, h.fetches(FetchHarness.config(262_144)));
            assertThat(OfferedVersions.open(tmp.resolve("taken")).offered(v.datastoreId(), v.version())).isTrue();

            // a datastore this node signed itself stays whatever the mode
            Path own = java.nio.file.Files.write(tmp.resolve("own.bin"), new byte[1000]);
            var mine = h.dest.datastores().ingest(own, new net.dig.storage.IngestOptions(262_144,
                    net.dig.storage.Compression.NONE, "own.bin"), h.dest.identity(), net.dig.core.Progress.none());
            assertThat(dest.reviewHoldings()).isEmpty();
            dest.usePolicy(new SelectivePolicy(List.of("own*"), List.of(), 0, Optional.empty(), 0, h.clock));
            assertThat(dest.reviewHoldings()).containsExactly(
                    new HoldingReview.Evicted(v.datastoreId(), HoldingPolicy.Reason.NOT_WHITELISTED));
            assertThat(h.destEngine.manifest(v.datastoreId())).isEmpty();
            assertThat(h.destEngine.manifest(mine.datastoreId())).isPresent();
            assertThat(h.destEngine.readCapsule(mine.datastoreId(), 0)).isEqualTo(new byte[1000]);
            assertThat(dest.reviewHoldings()).isEmpty();
        }
    }

    @Test
    void anArchiveTierFilterRefusesByTheTierOfAnActiveHandleTheNetworkSpreadHere() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 2 * 262_144)) {
            ReplicationServiceTest.Transport t = new ReplicationServiceTest.Transport();
            ReplicationService<String> dest = replicating(h, t);
            dest.keepTakenIn(OfferedVersions.open(tmp.resolve("taken")), h.dest.holdingFacts(id -> 0));
            DatastoreVersion v = h.manifest.version();
            dest.usePolicy(new ArchivePolicy(true, Set.of(1, 2)));
            assertThat(dest.keeps(v)).as("no handle: tier unknown, kept").isTrue();

            long settled = h.clock.epochSeconds() - HandleNamespace.SETTLE_SECONDS - 1;
            var record = net.dig.wire.NodePayload.HandleRegistration.signed("tiered", v.nonce(), Optional.empty(), 4, settled,
                    settled + 86_400, false, new java.util.TreeMap<>(), FetchHarness.OWNER);
            assertThat(record.datastoreId()).isEqualTo(v.datastoreId());
            assertThat(h.dest.handles().receive(record, false)).isEqualTo(HandleService.Outcome.NEW);

            assertThat(dest.onOffer("source", v)).isEqualTo(ReplicationService.Reply.decline("TIER_FILTERED"));
            assertThat(t.asked).isEmpty();
            dest.usePolicy(new ArchivePolicy(true, Set.of(4)));
            assertThat(dest.keeps(v)).isTrue();
        }
    }

    /**
     * The steps of a destination, fetching through {@code fetches} from "source", whose fetch of the harness's version
     * a stop left staged, ticked once under {@code policy}.
     */
    private static List<String> resumedUnder(FetchHarness h, ReplicationServiceTest.Transport t, FetchService fetches,
            HoldingPolicy policy) throws Exception {
        t.windows = h.windows;
        t.peers.add("source");
        FetchStaging.open(h.destEngine.config().dataDir().resolve("fetch"), h.manifest.version());
        ReplicationService<String> dest = h.dest.replication(fetches, t, Runnable::run, true, () -> 10_000_000);
        List<String> steps = new ArrayList<>();
        dest.steps = steps::add;
        dest.usePolicy(policy);
        dest.tick();
        return steps;
    }

    @Test
    void aStagedFetchThePolicyNoLongerKeepsIsNotResumedAndItsStagingAreaIsDeleted() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 2 * 262_144)) {
            ReplicationServiceTest.Transport t = new ReplicationServiceTest.Transport();
            FetchService fetches = h.fetches(FetchHarness.config(262_144));
            List<String> steps = resumedUnder(h, t, fetches, new SelectivePolicy(List.of(), List.of(), 1000, Optional.empty(), 0,
                    h.clock));
            assertThat(steps).containsExactly("resume refused TOO_LARGE");
            assertThat(fetches.staged()).isEmpty();
            assertThat(t.asked).isEmpty();
        }
    }

    @Test
    void nameGlobsAreDecidedBeforeTheFetchByTheOfferedNameOnlyWhenItHashesToTheSignedOne() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 2 * 262_144)) {
            ReplicationServiceTest.Transport t = new ReplicationServiceTest.Transport();
            ReplicationService<String> dest = replicating(h, t);
            DatastoreVersion v = h.manifest.version(); // named content.bin
            dest.usePolicy(new SelectivePolicy(List.of(), List.of("content*"), 0, Optional.empty(), 0, h.clock));
            assertThat(dest.onOffer("source", v, "content.bin")).isEqualTo(ReplicationService.Reply.decline("BLACKLISTED"));
            // a peer that withholds the name, or gives another one, cannot pass the blacklist
            assertThat(dest.onOffer("source", v)).isEqualTo(ReplicationService.Reply.decline("NAME_UNKNOWN"));
            assertThat(dest.onOffer("source", v, "ham.bin")).isEqualTo(ReplicationService.Reply.decline("NAME_UNKNOWN"));
            // nor make a whitelisted datastore look unlisted, or an unlisted one listed
            dest.usePolicy(new SelectivePolicy(List.of("ham*"), List.of(), 0, Optional.empty(), 0, h.clock));
            assertThat(dest.onOffer("source", v, "ham.bin")).isEqualTo(ReplicationService.Reply.decline("NAME_UNKNOWN"));
            assertThat(dest.onOffer("source", v, "content.bin")).isEqualTo(ReplicationService.Reply.decline("NOT_WHITELISTED"));
            assertThat(dest.keeps(v, "ham.bin")).isFalse();
            assertThat(t.asked).as("not a byte asked for").isEmpty();
            assertThat(dest.fetches().bytesFetched()).isZero();

            dest.usePolicy(new SelectivePolicy(List.of("cont*"), List.of("spam*"), 0, Optional.empty(), 0, h.clock));
            assertThat(dest.keeps(v, "content.bin")).isTrue();
            assertThat(dest.onOffer("source", v, "content.bin").accepted()).isTrue();
            FetchSessionTest.assertLanded(h, h.fetches(FetchHarness.config(262_144)));
            assertThat(dest.reviewHoldings()).as("held, its name known: still kept").isEmpty();
        }
    }

    @Test
    void aStagedFetchWhoseNameIsNotKnownIsResumedAndTheLandedReviewDecidesWithTheName() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, 262_144, 2 * 262_144)) {
            DatastoreVersion v = h.manifest.version();
            List<String> steps = resumedUnder(h, new ReplicationServiceTest.Transport(), h.fetches(FetchHarness.config(262_144)),
                    new SelectivePolicy(List.of(), List.of("content*"), 0, Optional.empty(), 0, h.clock));
            assertThat(steps).contains("fetch " + v.version(), "evicted BLACKLISTED");
            assertThat(h.destEngine.manifest(v.datastoreId())).isEmpty();
        }
    }
}
