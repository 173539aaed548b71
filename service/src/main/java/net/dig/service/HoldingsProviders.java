package net.dig.service;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import net.dig.core.Bytes32;
import net.dig.gossip.HoldingsBook;
import net.dig.gossip.PeerId;

/**
 * A {@link ProviderSource} answered from the holdings peers announced (opcode 222, docs/decisions.md D40d1):
 * the datastore id is the announced content key. Only peers {@code reachable} says are connected are
 * returned, in PeerId order, since a fetch asks over an open connection. Thread-safe; answers at once.
 */
public final class HoldingsProviders implements ProviderSource {
    private final Function<Bytes32, List<HoldingsBook.Holder>> holders;
    private final Predicate<PeerId> reachable;

    public HoldingsProviders(HoldingsBook book, Predicate<PeerId> reachable) {
        this(book::holders, reachable);
    }

    HoldingsProviders(Function<Bytes32, List<HoldingsBook.Holder>> holders, Predicate<PeerId> reachable) {
        this.holders = Objects.requireNonNull(holders, "holders");
        this.reachable = Objects.requireNonNull(reachable, "reachable");
    }

    @Override
    public CompletionStage<List<Provider>> providers(Bytes32 datastoreId) {
        List<Provider> out = holders.apply(datastoreId).stream().filter(h -> reachable.test(h.peer()))
                .map(h -> new Provider(h.peer(), h.addresses().stream()
                        .map(a -> InetSocketAddress.createUnresolved(a.host(), a.port())).toList(), java.util.Optional.empty()))
                .toList();
        return CompletableFuture.completedFuture(out);
    }
}
