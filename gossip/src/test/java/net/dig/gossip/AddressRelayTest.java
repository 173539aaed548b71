package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.Test;

class AddressRelayTest {
    private static final Bytes32 SECRET = Bytes32.fromHex("5a".repeat(32));
    private static final long NOW = 1_700_000_000L;
    private static final PeerAddress SENDER = PeerAddress.of("5.5.5.5", 8444);

    private static List<PeerAddress> neighbours() {
        List<PeerAddress> out = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            out.add(PeerAddress.of("7.7.7." + i, 8444));
        }
        out.add(SENDER);
        return out;
    }

    @Test
    void aFreshSingleEntryGoesToTheTwoLowestRankedNeighbours() {
        AddressRelay relay = new AddressRelay(SECRET);
        TimestampedPeerInfo fresh = new TimestampedPeerInfo("9.9.9.9", 8444, NOW - 30);
        List<AddressRelay.Relay> out = relay.onPeerList(SENDER, List.of(fresh), neighbours(), NOW);
        assertThat(out).hasSize(1);
        long day = NOW / 86_400;
        byte[] d = {(byte) (day >>> 16), (byte) (day >>> 8), (byte) day};
        List<PeerAddress> expected = neighbours().stream().filter(n -> !n.equals(SENDER))
                .sorted(Comparator.comparing(n -> Sha256.hash(SECRET.toArray(), n.key(), d))).limit(2).toList();
        assertThat(out.get(0).to()).containsExactlyElementsOf(expected);
        assertThat(out.get(0).entry()).isEqualTo(fresh);
        // The same host again: those two were told already, the next two get it.
        List<AddressRelay.Relay> again = relay.onPeerList(SENDER, List.of(fresh), neighbours(), NOW);
        assertThat(again.get(0).to()).doesNotContainAnyElementsOf(expected).hasSize(2);
        relay.forgetDaily();
        assertThat(relay.onPeerList(SENDER, List.of(fresh), neighbours(), NOW).get(0).to()).containsExactlyElementsOf(expected);
    }

    @Test
    void staleMultipleOrInvalidEntriesAreNotRelayed() {
        AddressRelay relay = new AddressRelay(SECRET);
        assertThat(relay.onPeerList(SENDER, List.of(new TimestampedPeerInfo("9.9.9.9", 8444, NOW - 601)), neighbours(), NOW)).isEmpty();
        assertThat(relay.onPeerList(SENDER, List.of(new TimestampedPeerInfo("9.9.9.9", 8444, NOW + 601)), neighbours(), NOW)).isEmpty();
        assertThat(relay.onPeerList(SENDER, List.of(new TimestampedPeerInfo("host.example", 8444, NOW)), neighbours(), NOW)).isEmpty();
        assertThat(relay.onPeerList(SENDER, List.of(new TimestampedPeerInfo("9.9.9.9", 8444, NOW),
                new TimestampedPeerInfo("9.9.9.8", 8444, NOW)), neighbours(), NOW)).isEmpty();
        assertThat(relay.onPeerList(SENDER, List.of(new TimestampedPeerInfo("9.9.9.9", 8444, NOW)), List.of(SENDER), NOW)).isEmpty();
    }
}
