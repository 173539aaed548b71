package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Twenty nodes and one introducer, wired together in memory exactly as the net layer wires the real
 * components (register, vet, query the introducer, dial, exchange peers), on virtual time. Every node
 * must reach its outbound target without sockets.
 */
class DiscoveryScenarioTest {
    private static final int NODES = 20;

    private final ManualClock clock = new ManualClock();

    private final class Node {
        final PeerAddress address;
        final AddressManager book;
        final PeerIntake intake;
        final DiscoveryPlanner planner;
        final Set<PeerAddress> connectedTo = new HashSet<>();

        Node(int i) {
            address = PeerAddress.of("127.0.0.1", 10_000 + i);
            book = AddressManager.create(clock, new SplittableRandom(100 + i), true);
            intake = new PeerIntake(book);
            planner = new DiscoveryPlanner(DiscoveryPlanner.Settings.defaults(List.of(), true), book, new SplittableRandom(200 + i));
        }
    }

    @Test
    void twentyNodesReachTheirOutboundTargetThroughOneIntroducer() {
        IntroducerBook introducer = new IntroducerBook(IntroducerBook.Settings.defaults(true), new SplittableRandom(1));
        Map<PeerAddress, Node> nodes = new HashMap<>();
        List<Node> order = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Node n = new Node(i);
            nodes.put(n.address, n);
            order.add(n);
            assertThat(introducer.onRegister(n.address, clock.epochSeconds()).success()).isTrue();
        }
        for (PeerAddress p : introducer.peersToVet(clock.epochSeconds())) {
            introducer.onVetResult(p, nodes.containsKey(p), clock.epochSeconds());
        }

        int seconds = 0;
        for (; seconds < 600 && !order.stream().allMatch(n -> n.planner.outboundCount() >= 8); seconds++) {
            long ms = clock.millis();
            long now = clock.epochSeconds();
            for (Node n : order) {
                for (DiscoveryPlanner.Action a : n.planner.tick(ms)) {
                    switch (a) {
                        case DiscoveryPlanner.QueryIntroducer q ->
                                n.planner.onIntroducerAnswer(n.intake.onIntroducerPeers(introducer.answer(n.address, now), now), ms);
                        case DiscoveryPlanner.Dial d -> {
                            Node target = nodes.get(d.address());
                            if (target == null || target == n) {
                                n.planner.onDialFailed(d.address(), ms);
                                continue;
                            }
                            n.planner.onDialSucceeded(d.address(), ms);
                            target.intake.onInboundFullNode(n.address, now);
                            // The dialer sends RequestPeers right after the handshake.
                            n.intake.onPeerList(target.address, target.book.getPeers(), now);
                            if (d.feeler()) {
                                continue;
                            }
                            target.planner.onInboundOpened();
                            n.connectedTo.add(d.address());
                        }
                        case DiscoveryPlanner.SaveAddressBook s -> { }
                        case DiscoveryPlanner.AdvertiseSelf s -> { }
                    }
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }
        for (Node n : order) {
            assertThat(n.planner.outboundCount()).as(n.address.toString()).isEqualTo(8);
            assertThat(n.connectedTo).hasSize(8).doesNotContain(n.address);
            // Every peer we connected to is in the book with a recorded success (tried, or kept in new
            // when its tried slot was held by another recent success: test-before-evict).
            for (PeerAddress p : n.connectedTo) {
                assertThat(n.book.lookup(p).orElseThrow().lastSuccess()).isPositive();
            }
            assertThat(n.book.triedCount()).isGreaterThanOrEqualTo(6);
            n.book.checkConsistency();
        }
        assertThat(seconds).as("virtual seconds to converge").isLessThan(120);
    }
}
