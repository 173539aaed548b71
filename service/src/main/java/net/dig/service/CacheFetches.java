package net.dig.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.storage.DatastoreVersion;

/**
 * Cache mode's {@link CacheMode.Source} over the node's one {@link FetchService}: the latest version record
 * comes from {@code latest} (a holder's manifest), the providers from {@code providers} (provider records,
 * holdings), and the version is fetched from them through a {@link FetchSession} driven on
 * {@code workers} ({@link FetchDriver}), with every check a fetch makes (owner signature, capsule hashes,
 * proofs to the signed root). {@link #tick} (the node calls it every second) lets the sessions time out
 * stalled providers and completes the stage of each session that ended: true when the version is stored
 * here ({@link FetchSession.State#LANDED} or {@link FetchSession.State#ALREADY_HELD}).
 *
 * <p>Thread-safe: the running sessions are in a concurrent map; everything blocking runs on {@code workers}.
 *
 * @param <P> how the transport names a peer
 */
public final class CacheFetches<P> implements CacheMode.Source {
    private final FetchService fetches;
    private final Function<Bytes32, CompletionStage<Optional<DatastoreVersion>>> latest;
    private final Function<Bytes32, CompletionStage<List<P>>> providers;
    private final Function<BiConsumer<P, FetchResponse>, PeerLink<P>> links;
    private final Executor workers;
    private final Clock clock;
    private final Map<Bytes32, Running<P>> running = new ConcurrentHashMap<>();

    private record Running<P>(FetchDriver<P> driver, CompletableFuture<Boolean> done) {}

    public CacheFetches(FetchService fetches, Function<Bytes32, CompletionStage<Optional<DatastoreVersion>>> latest,
                        Function<Bytes32, CompletionStage<List<P>>> providers,
                        Function<BiConsumer<P, FetchResponse>, PeerLink<P>> links, Executor workers, Clock clock) {
        this.fetches = Objects.requireNonNull(fetches, "fetches");
        this.latest = Objects.requireNonNull(latest, "latest");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.links = Objects.requireNonNull(links, "links");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<Optional<DatastoreVersion>> latest(Bytes32 datastoreId) {
        return latest.apply(datastoreId);
    }

    @Override
    public CompletionStage<Boolean> fetch(DatastoreVersion version) {
        Bytes32 id = version.datastoreId();
        return providers.apply(id).thenComposeAsync(peers -> {
            if (peers.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            @SuppressWarnings("unchecked")
            BiConsumer<P, FetchResponse>[] sink = new BiConsumer[1];
            PeerLink<P> link = links.apply((p, r) -> sink[0].accept(p, r));
            FetchSession<P> session;
            try {
                session = fetches.begin(version, List.copyOf(peers), link);
            } catch (ServiceException e) {
                // held here already, or fetched by replication right now: CacheMode checks the store itself
                return CompletableFuture.completedFuture(e.code() == ErrorCode.STALE_VERSION);
            }
            FetchDriver<P> driver = FetchDriver.of(session, workers, clock);
            sink[0] = driver::onResponse;
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            Running<P> previous = running.put(id, new Running<>(driver, done));
            if (previous != null) {
                previous.done().complete(false);
            }
            driver.start();
            return done;
        }, workers);
    }

    /** Ticks the running sessions and completes those that ended. */
    public void tick() {
        List<Map.Entry<Bytes32, Running<P>>> ended = new ArrayList<>();
        for (Map.Entry<Bytes32, Running<P>> e : running.entrySet()) {
            Optional<FetchSession.Outcome> outcome = e.getValue().driver().session().outcome();
            if (outcome.isPresent()) {
                ended.add(e);
            } else {
                e.getValue().driver().tick();
            }
        }
        for (Map.Entry<Bytes32, Running<P>> e : ended) {
            if (running.remove(e.getKey(), e.getValue())) {
                FetchSession.State state = e.getValue().driver().session().outcome().orElseThrow().state();
                e.getValue().done().complete(state == FetchSession.State.LANDED || state == FetchSession.State.ALREADY_HELD);
            }
        }
    }
}
