package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import net.dig.core.Bytes32;
import net.dig.gossip.PeerId;
import org.junit.jupiter.api.Test;

/** {@link ProviderRanking}: attested holders at or below the floor left out, the rest by reputation, unknown as 0.5. */
class ProviderRankingTest {
    private static ProviderSource.Provider provider(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        return new ProviderSource.Provider(new PeerId(Bytes32.wrap(b)), List.of(), Optional.empty());
    }

    @Test
    void lowReputationIsLeftOutAndTheRestAreOrderedHighestFirst() {
        ProviderSource.Provider liar = provider(1);
        ProviderSource.Provider unknown = provider(2);
        ProviderSource.Provider good = provider(3);
        ProviderSource.Provider fair = provider(4);
        ProviderSource.Provider floor = provider(5);
        Map<PeerId, Double> attested = Map.of(liar.peer(), 0.1, good.peer(), 0.9, fair.peer(), 0.4, floor.peer(), 0.3);
        List<ProviderSource.Provider> ranked = ProviderRanking.byReputation(List.of(liar, unknown, good, fair, floor),
                p -> attested.containsKey(p) ? OptionalDouble.of(attested.get(p)) : OptionalDouble.empty(), 0.3);
        assertThat(ranked).containsExactly(good, unknown, fair);
        assertThat(ProviderRanking.byReputation(List.of(unknown, provider(6)), p -> OptionalDouble.empty(), 0.3))
                .as("nothing attested: the order given").containsExactly(unknown, provider(6));
    }
}
