package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** Random operation sequences keep every invariant of the tables. */
class AddressManagerProperties {
    record Op(int kind, int addr, int src, int seconds) {}

    private static List<Op> ops(Gen g) {
        return g.lists(20, 400, r -> new Op(r.ints(0, 8), r.ints(0, 400), r.ints(0, 30), r.ints(0, 20_000)));
    }

    private static PeerAddress addr(int i) {
        // Few /16 groups so that buckets and tried slots collide often.
        return PeerAddress.of("8." + (i % 6) + "." + (i / 6) + ".1", 8444 + (i % 3));
    }

    @Test
    void tablesStayConsistent() {
        PropertyRunner.tries(60).check(g -> tablesStayConsistent(ops(g), g.longs()));
    }

    private static void tablesStayConsistent(List<Op> ops, long seed) {
        ManualClock clock = new ManualClock();
        AddressManager m = AddressManager.create(clock, new SplittableRandom(seed), false);
        Set<PeerAddress> everAdded = new HashSet<>();
        for (Op op : ops) {
            PeerAddress p = addr(op.addr());
            switch (op.kind()) {
                case 0, 1, 2 -> {
                    m.add(p, clock.epochSeconds() - op.seconds(), Optional.of(addr(op.src() * 7)), op.kind() == 2 ? 7200 : 0);
                    everAdded.add(p);
                }
                case 3 -> m.markGood(p, op.src() % 2 == 0);
                case 4 -> m.attempt(p, true);
                case 5 -> m.connect(p);
                case 6 -> clock.advance(Duration.ofSeconds(op.seconds()));
                case 7 -> m.resolveTriedCollisions();
                default -> m.cleanup(3600, 1);
            }
            m.checkConsistency();
            assertThat(m.size()).isEqualTo(m.newCount() + m.triedCount());
            m.select(op.src() % 2 == 0).ifPresent(k -> {
                assertThat(everAdded).contains(k.address());
                assertThat(m.lookup(k.address())).isPresent();
            });
            m.selectTriedCollision().ifPresent(k -> assertThat(k.tried()).isTrue());
        }
        List<net.dig.wire.TimestampedPeerInfo> peers = m.getPeers();
        assertThat(peers.size()).isLessThanOrEqualTo(Math.min(1000, (23 * m.size() + 99) / 100));
        assertThat(peers.stream().map(t -> t.host() + ":" + t.port()).distinct().count()).isEqualTo(peers.size());
        m.checkConsistency();
    }

    @Test
    void persistenceRoundTripsAnyState() {
        PropertyRunner.tries(15).check(g -> persistenceRoundTripsAnyState(ops(g), g.longs()));
    }

    private static void persistenceRoundTripsAnyState(List<Op> ops, long seed) throws Exception {
        ManualClock clock = new ManualClock();
        AddressManager m = AddressManager.create(clock, new SplittableRandom(seed), false);
        for (Op op : ops) {
            PeerAddress p = addr(op.addr());
            switch (op.kind() % 3) {
                case 0 -> m.add(p, clock.epochSeconds() - op.seconds(), Optional.of(addr(op.src() * 7)), 0);
                case 1 -> m.markGood(p, false);
                default -> m.attempt(p, true);
            }
        }
        AddressManager back = AddressBookFile.decode(AddressBookFile.encode(m), clock, new SplittableRandom(1), false);
        assertThat(back.entries()).containsExactlyInAnyOrderElementsOf(m.entries());
        assertThat(back.newCount()).isEqualTo(m.newCount());
        assertThat(back.triedCount()).isEqualTo(m.triedCount());
    }
}
