package net.dig.service;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;
import net.dig.gossip.PeerId;

/**
 * The holders a fetch asks, by what validators attested of them ({@link AttestationBook}): a holder attested at or
 * below the floor (the seed's DHT reputation filter, {@code > 0.3}) is left out; the rest are ordered by
 * reputation, highest first, a holder nobody attested counting as 0.5 (the reputation of the unknown), ties in the
 * order given. Pure.
 */
public final class ProviderRanking {
    /** The unknown holder's reputation: Beta(1, 1). */
    static final double UNKNOWN = 0.5;

    private ProviderRanking() {}

    public static List<ProviderSource.Provider> byReputation(List<ProviderSource.Provider> providers,
                                                             Function<PeerId, OptionalDouble> reputation, double floor) {
        return providers.stream()
                .filter(p -> reputation.apply(p.peer()).orElse(UNKNOWN) > floor)
                .sorted(Comparator.comparingDouble((ProviderSource.Provider p) -> reputation.apply(p.peer()).orElse(UNKNOWN))
                        .reversed())
                .toList();
    }
}
