package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.storage.DatastoreVersion;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The archive and selective policies decide from what is known before a fetch: lists (globs over names,
 * handles and hex ids; exact names by their signed hash), size, scorer and tier filter, each with its
 * typed reason.
 */
class HoldingPolicyTest {
    private static final Bytes32 ID = Bytes32.fromHex("ab".repeat(32));
    private final ManualClock clock = new ManualClock();

    private static HoldingCandidate candidate(String name, boolean nameKnown, long size) {
        return new HoldingCandidate(ID, DatastoreVersion.nameSha256(name), nameKnown ? Optional.of(name) : Optional.empty(),
                List.of(), OptionalInt.empty(), size, 0, false, HoldingCandidate.Demand.UNKNOWN);
    }

    private SelectivePolicy selective(List<String> white, List<String> black, long max) {
        return new SelectivePolicy(white, black, max, Optional.empty(), 0.5, clock);
    }

    @Test
    void theDefaultSelectivePolicyKeepsEverything() {
        assertThat(SelectivePolicy.keepingAll(clock).decide(candidate("anything", false, 1L << 40)))
                .isEqualTo(new HoldingPolicy.Verdict(true, HoldingPolicy.Reason.NOT_REFUSED));
    }

    @Test
    void aBlacklistGlobRefusesKnownNamesAndAnExactEntryRefusesByTheSignedNameHash() {
        SelectivePolicy p = selective(List.of(), List.of("spam*"), 0);
        assertThat(p.decide(candidate("spam-2024", true, 10)).reason()).isEqualTo(HoldingPolicy.Reason.BLACKLISTED);
        assertThat(p.decide(candidate("ham", true, 10)).reason()).isEqualTo(HoldingPolicy.Reason.NOT_REFUSED);
        // a wildcard cannot be matched against a hash: an offer whose name is unknown is refused for that
        assertThat(p.decide(candidate("spam-2024", false, 10)).reason()).isEqualTo(HoldingPolicy.Reason.NAME_UNKNOWN);
        assertThat(p.decide(candidate("ham", false, 10)).reason()).isEqualTo(HoldingPolicy.Reason.NAME_UNKNOWN);
        SelectivePolicy exact = selective(List.of(), List.of("spam-2024"), 0);
        assertThat(exact.decide(candidate("spam-2024", false, 10)).reason()).isEqualTo(HoldingPolicy.Reason.BLACKLISTED);
        assertThat(exact.decide(candidate("spam-2025", false, 10)).keep()).isTrue();
    }

    @Test
    void aWhitelistKeepsOnlyWhatMatchesByNameHexIdOrHandleAndTheBlacklistWins() {
        SelectivePolicy p = selective(List.of("docs", "0xABAB*", "site-?"), List.of(), 0);
        assertThat(p.decide(candidate("docs", false, 1)).reason()).isEqualTo(HoldingPolicy.Reason.WHITELISTED);
        assertThat(p.decide(candidate("other", false, 1).withHandles(List.of("site-a"), OptionalInt.of(2))).reason())
                .isEqualTo(HoldingPolicy.Reason.WHITELISTED);
        assertThat(p.decide(candidate("other", false, 1)).reason()).isEqualTo(HoldingPolicy.Reason.WHITELISTED);
        SelectivePolicy byName = selective(List.of("docs", "site-?"), List.of(), 0);
        assertThat(byName.decide(candidate("other", true, 1)).reason()).isEqualTo(HoldingPolicy.Reason.NOT_WHITELISTED);
        assertThat(byName.decide(candidate("other", true, 1).withHandles(List.of("site-ab"), OptionalInt.empty())).reason())
                .isEqualTo(HoldingPolicy.Reason.NOT_WHITELISTED);
        assertThat(byName.decide(candidate("site-b", true, 1)).reason()).isEqualTo(HoldingPolicy.Reason.WHITELISTED);
        // the glob site-? might match a name not known: refused as such, not as unlisted
        assertThat(byName.decide(candidate("other", false, 1)).reason()).isEqualTo(HoldingPolicy.Reason.NAME_UNKNOWN);
        assertThat(selective(List.of("docs"), List.of(), 0).decide(candidate("other", false, 1)).reason())
                .isEqualTo(HoldingPolicy.Reason.NOT_WHITELISTED);
        SelectivePolicy both = selective(List.of("docs"), List.of("ab*"), 0);
        assertThat(both.decide(candidate("docs", true, 1)).reason()).isEqualTo(HoldingPolicy.Reason.BLACKLISTED);
    }

    @Test
    void maxSizeRefusesWhatIsLargerEvenWhenWhitelisted() {
        SelectivePolicy p = selective(List.of("docs"), List.of(), 1000);
        assertThat(p.decide(candidate("docs", true, 1000)).keep()).isTrue();
        assertThat(p.decide(candidate("docs", true, 1001)).reason()).isEqualTo(HoldingPolicy.Reason.TOO_LARGE);
    }

    @Test
    void theScorerRefusesBelowTheThresholdAndKeepsAtIt() {
        ContentScorer fixed = new ContentScorer() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public double score(HoldingCandidate c, long nowMillis) {
                return c.totalSize() / 100.0;
            }
        };
        SelectivePolicy p = new SelectivePolicy(List.of(), List.of(), 0, Optional.of(fixed), 0.5, clock);
        assertThat(p.decide(candidate("x", false, 49)).reason()).isEqualTo(HoldingPolicy.Reason.LOW_SCORE);
        assertThat(p.decide(candidate("x", false, 50)).reason()).isEqualTo(HoldingPolicy.Reason.SCORED);
        assertThatThrownBy(() -> new SelectivePolicy(List.of(), List.of(), 0, Optional.empty(), 1.5, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void archiveKeepsAllWithinTheTierFilterAndWithoutAcceptAllOnlyUpdatesOfWhatItHolds() {
        ArchivePolicy all = new ArchivePolicy(true, Set.of(1, 2));
        HoldingCandidate unknownTier = candidate("x", false, 1L << 40);
        assertThat(all.decide(unknownTier).reason()).isEqualTo(HoldingPolicy.Reason.ACCEPT_ALL);
        assertThat(all.decide(unknownTier.withHandles(List.of("h"), OptionalInt.of(2))).reason())
                .isEqualTo(HoldingPolicy.Reason.ACCEPT_ALL);
        assertThat(all.decide(unknownTier.withHandles(List.of("h"), OptionalInt.of(4))).reason())
                .isEqualTo(HoldingPolicy.Reason.TIER_FILTERED);
        ArchivePolicy closed = new ArchivePolicy(false, Set.of());
        assertThat(closed.decide(unknownTier).reason()).isEqualTo(HoldingPolicy.Reason.NOT_ACCEPTING);
        HoldingCandidate held = new HoldingCandidate(ID, unknownTier.nameSha256(), Optional.empty(), List.of(),
                OptionalInt.empty(), 1, 0, true, HoldingCandidate.Demand.UNKNOWN);
        assertThat(closed.decide(held).reason()).isEqualTo(HoldingPolicy.Reason.HELD_UPDATE);
    }

    @Test
    void cacheModeTakesNothingFromOffersByDefault() {
        assertThat(HoldingPolicy.declining("cache").decide(candidate("x", true, 1)))
                .isEqualTo(new HoldingPolicy.Verdict(false, HoldingPolicy.Reason.READ_THROUGH_ONLY));
    }
}
