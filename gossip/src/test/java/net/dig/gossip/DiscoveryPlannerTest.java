package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.gossip.DiscoveryPlanner.Action;
import net.dig.gossip.DiscoveryPlanner.Dial;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

class DiscoveryPlannerTest {
    private final ManualClock clock = new ManualClock();
    private final AddressManager book = AddressManager.create(clock, new SplittableRandom(5), true);

    private long ms() {
        return clock.millis();
    }

    private static List<Dial> dials(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Dial).map(a -> (Dial) a).toList();
    }

    private void fill(int groups, int perGroup) {
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < perGroup; i++) {
                book.add(PeerAddress.of("8." + g + "." + i + ".1", 8444), clock.epochSeconds() - 60,
                        Optional.of(PeerAddress.of("1." + g + ".0.1", 8444)), 0);
            }
        }
    }

    @Test
    void emptyBookDialsBootstrapThenAsksTheIntroducerWithBackoff() {
        List<PeerAddress> boot = List.of(PeerAddress.of("9.9.9.9", 9444), PeerAddress.of("9.8.8.8", 9444));
        DiscoveryPlanner p = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(boot, true), book, new SplittableRandom(1));
        List<Action> first = p.tick(ms());
        assertThat(dials(first)).extracting(Dial::address).containsExactlyElementsOf(boot);
        assertThat(first).anyMatch(a -> a instanceof DiscoveryPlanner.QueryIntroducer);
        // No second query while one is pending; bootstrap peers are not redialled within 30 minutes.
        p.onDialFailed(boot.get(0), ms());
        p.onDialFailed(boot.get(1), ms());
        assertThat(p.tick(ms())).isEmpty();
        p.onIntroducerAnswer(0, ms());
        assertThat(p.tick(ms())).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(p.tick(ms())).containsExactly(new DiscoveryPlanner.QueryIntroducer());
        p.onIntroducerAnswer(0, ms());
        assertThat(p.introducerBackoffMillis()).isEqualTo(4000);
        for (int i = 0; i < 10; i++) {
            p.onIntroducerAnswer(0, ms());
        }
        assertThat(p.introducerBackoffMillis()).isEqualTo(300_000);
        p.onIntroducerAnswer(5, ms());
        assertThat(p.introducerBackoffMillis()).isEqualTo(1000);
    }

    @Test
    void dialsABatchOfEightDistinctGroupsUpToTheTarget() {
        fill(20, 5);
        DiscoveryPlanner p = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false), book, new SplittableRandom(2));
        List<Dial> d = dials(p.tick(ms()));
        assertThat(d).hasSize(8);
        Set<String> groups = new HashSet<>();
        d.forEach(x -> groups.add(java.util.HexFormat.of().formatHex(x.address().group())));
        assertThat(groups).as("one outbound per /16").hasSize(8);
        assertThat(p.inFlightCount()).isEqualTo(8);
        assertThat(dials(p.tick(ms()))).as("batch full").isEmpty();
        for (int i = 0; i < 5; i++) {
            p.onDialSucceeded(d.get(i).address(), ms());
        }
        for (int i = 5; i < 8; i++) {
            p.onDialFailed(d.get(i).address(), ms());
        }
        assertThat(p.outboundCount()).isEqualTo(5);
        assertThat(book.triedCount()).isEqualTo(5);
        List<Dial> more = dials(p.tick(ms()));
        assertThat(more).hasSize(3);
        for (Dial x : more) {
            assertThat(d).extracting(Dial::address).as("failed ones not redialled within 30 min").doesNotContain(x.address());
        }
    }

    @Test
    void loopbackPeersAreExemptFromTheGroupRule() {
        for (int port = 10_000; port < 10_020; port++) {
            book.add(PeerAddress.of("127.0.0.1", port), clock.epochSeconds() - 60, Optional.empty(), 0);
        }
        DiscoveryPlanner p = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false), book, new SplittableRandom(3));
        assertThat(dials(p.tick(ms()))).hasSize(8);
    }

    @Test
    void feelersAtPoissonIntervalsOnceTheTargetIsMet() {
        fill(30, 4);
        DiscoveryPlanner p = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false), book, new SplittableRandom(4));
        for (Dial x : dials(p.tick(ms()))) {
            p.onDialSucceeded(x.address(), ms());
        }
        assertThat(p.outboundCount()).isEqualTo(8);
        assertThat(dials(p.tick(ms()))).isEmpty();
        long due = p.nextFeelerMillis();
        assertThat(due).isGreaterThan(ms());
        clock.advance(Duration.ofMillis(due - ms()));
        List<Dial> feeler = dials(p.tick(ms()));
        assertThat(feeler).hasSize(1);
        assertThat(feeler.get(0).feeler()).isTrue();
        assertThat(book.lookup(feeler.get(0).address()).orElseThrow().tried()).as("feelers probe the new table").isFalse();
        p.onDialSucceeded(feeler.get(0).address(), ms());
        assertThat(p.outboundCount()).as("a feeler is not an outbound slot").isEqualTo(8);
        assertThat(book.lookup(feeler.get(0).address()).orElseThrow().tried()).isTrue();
    }

    @Test
    void poissonDelaysHaveTheConfiguredMean() {
        DiscoveryPlanner p = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false), book, new SplittableRandom(9));
        long sum = 0;
        int n = 20_000;
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long d = p.poissonDelayMillis();
            samples.add(d);
            sum += d;
        }
        assertThat(samples).allMatch(d -> d >= 0);
        assertThat(sum / (double) n).isBetween(228_000.0, 252_000.0);
    }

    @Test
    void asksForTheBookToBeSavedEveryFifteenMinutes() {
        DiscoveryPlanner p = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false), book, new SplittableRandom(1));
        assertThat(p.tick(ms())).doesNotContain(new DiscoveryPlanner.SaveAddressBook());
        clock.advance(Duration.ofMinutes(15));
        assertThat(p.tick(ms())).contains(new DiscoveryPlanner.SaveAddressBook());
    }

    @Test
    void asksForASelfAdvertisementEveryDay() {
        DiscoveryPlanner p = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), false), book, new SplittableRandom(1));
        assertThat(p.tick(ms())).doesNotContain(new DiscoveryPlanner.AdvertiseSelf());
        clock.advance(Duration.ofHours(23));
        assertThat(p.tick(ms())).doesNotContain(new DiscoveryPlanner.AdvertiseSelf());
        clock.advance(Duration.ofHours(1));
        assertThat(p.tick(ms())).contains(new DiscoveryPlanner.AdvertiseSelf());
        assertThat(p.tick(ms())).doesNotContain(new DiscoveryPlanner.AdvertiseSelf());
    }
}
