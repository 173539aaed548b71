package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodeMessageLimits;
import org.junit.jupiter.api.Test;

/**
 * A node that announces its node key over a new PeerId (a fresh TLS certificate) is re-bound in the
 * directory, and its reputation follows the node id to the new PeerId.
 */
class PeerIdReboundTest {
    private static final String NET = "testnet11";
    private final ManualClock clock = new ManualClock(1_800_000_000_000L);
    private final NodeDirectory directory = new NodeDirectory(8);
    private final NodeMessageValidator validator =
            new NodeMessageValidator(clock, NodeMessageConfig.defaults(), NET, NodeMessageLimits.DEFAULT, directory);
    private final PeerReputations reputations = new PeerReputations(BanPolicy.DEFAULT);

    private Verdict announce(NodeMessageValidatorTest.Node node) {
        return validator.validate(node.peer, node.signed(node.announcement(), clock.epochSeconds())).toCompletableFuture().join();
    }

    @Test
    void theAnnouncementOverANewPeerIdMovesTheBindingAndTheReputation() throws Exception {
        List<PeerId[]> rebinds = new ArrayList<>();
        directory.onRebind((old, now) -> {
            rebinds.add(new PeerId[] {old, now});
            reputations.carryOver(old, now, clock.millis());
        });
        NodeMessageValidatorTest.Node before = new NodeMessageValidatorTest.Node();
        assertThat(announce(before)).isEqualTo(Verdict.ACCEPT);
        reputations.penalize(before.peer, null, PenaltyReason.PROTOCOL_VIOLATION, clock.millis());
        int points = reputations.reputation(before.peer, clock.millis()).penaltyPoints();
        assertThat(points).isPositive();

        NodeMessageValidatorTest.Node after = new NodeMessageValidatorTest.Node(before.key);
        after.seq = before.seq;
        clock.advance(Duration.ofSeconds(10));
        assertThat(announce(after)).isEqualTo(Verdict.ACCEPT);

        assertThat(rebinds).singleElement().satisfies(r -> assertThat(r).containsExactly(before.peer, after.peer));
        assertThat(directory.get(before.peer)).as("the old PeerId is no longer the node's").isEmpty();
        assertThat(directory.get(after.peer)).hasValueSatisfying(i -> assertThat(i.nodeKey()).isEqualTo(net.dig.core.Bytes32.wrap(before.key.publicKey())));
        assertThat(reputations.reputation(after.peer, clock.millis()).penaltyPoints()).isEqualTo(points);
    }

    @Test
    void aBanFollowsTheNodeToItsNewPeerId() throws Exception {
        directory.onRebind((old, now) -> reputations.carryOver(old, now, clock.millis()));
        NodeMessageValidatorTest.Node before = new NodeMessageValidatorTest.Node();
        announce(before);
        reputations.ban(before.peer, null, clock.millis());

        NodeMessageValidatorTest.Node after = new NodeMessageValidatorTest.Node(before.key);
        after.seq = before.seq;
        assertThat(reputations.isBanned(after.peer, clock.millis())).isFalse();
        announce(after);
        assertThat(reputations.isBanned(after.peer, clock.millis())).isTrue();
    }

    @Test
    void anotherNodesAnnouncementMovesNothing() throws Exception {
        List<PeerId> moved = new ArrayList<>();
        directory.onRebind((old, now) -> moved.add(old));
        announce(new NodeMessageValidatorTest.Node());
        announce(new NodeMessageValidatorTest.Node());
        assertThat(moved).isEmpty();
        assertThat(directory.size()).isEqualTo(2);
    }
}
