package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.gossip.DiscoveryPlanner.Dial;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** The asmap's AS groups next to the /16 rule: outbound selection, bucketing, the dial-time check. */
class AsDiversityTest {
    /** 8.0.0.0/8 is one AS spanning 256 /16s; 9.9.0.0/16 another. */
    private static final AddressGroups BY_AS = AddressGroups.of(Optional.of(Asmap.decode(
            AsmapBuilder.of(Map.of("8.0.0.0/8", 64600L, "9.9.0.0/16", 64601L)).build())));

    private final ManualClock clock = new ManualClock();

    private AddressManager book(AddressGroups groups) {
        AddressManager book = AddressManager.create(clock, new SplittableRandom(5), false, groups);
        for (int g = 0; g < 20; g++) {
            for (int i = 0; i < 5; i++) {
                book.add(PeerAddress.of("8." + g + "." + i + ".1", 8444), clock.epochSeconds() - 60,
                        Optional.of(PeerAddress.of("1." + g + ".0.1", 8444)), 0);
            }
        }
        return book;
    }

    private static List<Dial> dials(DiscoveryPlanner planner, long now) {
        return planner.tick(now).stream().filter(a -> a instanceof Dial).map(a -> (Dial) a).toList();
    }

    @Test
    void oneOutboundPerAsWhereTheMapCoversTheAddress() {
        DiscoveryPlanner byPrefix = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false),
                book(AddressGroups.prefixOnly()), new SplittableRandom(2));
        assertThat(dials(byPrefix, clock.millis())).as("20 /16s: a full batch").hasSize(8);

        DiscoveryPlanner byAs = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false),
                book(BY_AS), new SplittableRandom(2));
        List<Dial> first = dials(byAs, clock.millis());
        assertThat(first).as("the 20 /16s are one AS").hasSize(1);
        byAs.onDialSucceeded(first.get(0).address(), clock.millis());
        assertThat(dials(byAs, clock.millis())).as("AS64600 already has its outbound").isEmpty();
    }

    @Test
    void triedBucketsFollowTheAs() {
        AddressManager byPrefix = book(AddressGroups.prefixOnly());
        AddressManager byAs = book(BY_AS);
        Set<Integer> prefixBuckets = new HashSet<>();
        Set<Integer> asBuckets = new HashSet<>();
        for (int g = 0; g < 20; g++) {
            for (int i = 0; i < 5; i++) {
                PeerAddress a = PeerAddress.of("8." + g + "." + i + ".1", 8444);
                prefixBuckets.add(byPrefix.triedBucket(a));
                asBuckets.add(byAs.triedBucket(a));
            }
        }
        assertThat(asBuckets).as("one AS fills at most 8 tried buckets").hasSizeLessThanOrEqualTo(AddressManager.TRIED_BUCKETS_PER_GROUP);
        assertThat(prefixBuckets.size()).isGreaterThan(AddressManager.TRIED_BUCKETS_PER_GROUP);
    }

    @Test
    void groupsFallBackToTheirPrefixOutsideTheMap() {
        PeerAddress covered = PeerAddress.of("8.1.2.3", 9444);
        PeerAddress uncovered = PeerAddress.of("11.22.3.4", 9444);
        assertThat(BY_AS.group(covered)).containsExactly(2, 0x58, 0xFC, 0, 0); // 64600 = 0xFC58, little-endian
        assertThat(BY_AS.group(uncovered)).isEqualTo(uncovered.group());
        assertThat(BY_AS.describe(covered)).isEqualTo("AS64600");
        assertThat(BY_AS.describe(uncovered)).isEqualTo("/16 11.22");
    }

    @Test
    void dialTimeCheckNamesTheSharedAs() {
        PeerAddress open = PeerAddress.of("8.1.0.1", 9444);
        assertThat(OutboundDiversity.conflict(BY_AS, PeerAddress.of("8.200.0.1", 9444), List.of(open), true))
                .hasValueSatisfying(why -> assertThat(why).startsWith("AS64600 already has an outbound connection (8.1.0.1:9444)"));
        assertThat(OutboundDiversity.conflict(BY_AS, PeerAddress.of("9.9.0.1", 9444), List.of(open), true)).isEmpty();
        assertThat(OutboundDiversity.conflict(AddressGroups.prefixOnly(), PeerAddress.of("8.200.0.1", 9444), List.of(open), true))
                .as("different /16s without a map").isEmpty();
        assertThat(OutboundDiversity.conflict(BY_AS, PeerAddress.of("127.0.0.2", 9444), List.of(PeerAddress.of("127.0.0.3", 9444)), true))
                .as("loopback exempt").isEmpty();
    }

    @Test
    void onionsAreKeptButNotDialledWithoutAProxy() {
        AddressManager book = AddressManager.create(clock, new SplittableRandom(5), false);
        PeerAddress onion = PeerAddress.parse(OnionAddressTest.DUCKDUCKGO, 9444).orElseThrow();
        assertThat(book.add(onion, clock.epochSeconds() - 60, Optional.empty(), 0)).isTrue();
        DiscoveryPlanner.Settings defaults = DiscoveryPlanner.Settings.defaults(List.of(), false);
        assertThat(dials(new DiscoveryPlanner(defaults, book, new SplittableRandom(3)), clock.millis())).isEmpty();
        DiscoveryPlanner.Settings tor = new DiscoveryPlanner.Settings(defaults.targetOutbound(), defaults.connectBatch(),
                defaults.feelerMeanInterval(), defaults.redialInterval(), List.of(), false, defaults.introducerBackoffMax(),
                defaults.exemptPrivateFromGroupRule(), true);
        assertThat(dials(new DiscoveryPlanner(tor, book, new SplittableRandom(3)), clock.millis()))
                .extracting(Dial::address).containsExactly(onion);
    }
}
