package net.dig.service;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import net.dig.core.Clock;

/**
 * Moves a transport's calls into a {@link FetchSession} off the transport's threads: each answer, tick
 * or new provider becomes a task on an injected {@link Executor} (a virtual-thread or bounded worker
 * pool in the node, a queue a test runs by hand), stamped with the injected {@link Clock} when it runs.
 * The session verifies, stages and lands there, so an event loop that delivers an answer never blocks.
 *
 * <p>Tasks may run in any order and concurrently: the session is synchronised and accepts answers in
 * any order. An executor that refuses a task throws its {@code RejectedExecutionException} to the caller.
 */
public final class FetchDriver<P> {
    private final FetchSession<P> session;
    private final Executor executor;
    private final Clock clock;

    private FetchDriver(FetchSession<P> session, Executor executor, Clock clock) {
        this.session = session;
        this.executor = executor;
        this.clock = clock;
    }

    public static <P> FetchDriver<P> of(FetchSession<P> session, Executor executor, Clock clock) {
        return new FetchDriver<>(Objects.requireNonNull(session, "session"), Objects.requireNonNull(executor, "executor"),
                Objects.requireNonNull(clock, "clock"));
    }

    public FetchSession<P> session() {
        return session;
    }

    /** Sends the first requests. */
    public void start() {
        executor.execute(() -> session.start(clock.nanos()));
    }

    /** An answer from {@code peer}. */
    public void onResponse(P peer, FetchResponse response) {
        executor.execute(() -> session.onResponse(peer, response, clock.nanos()));
    }

    /** Lets the session time out stalled providers; the transport calls it periodically. */
    public void tick() {
        executor.execute(() -> session.onTick(clock.nanos()));
    }

    /** More providers for the session. */
    public void addProviders(Collection<P> providers) {
        List<P> copy = List.copyOf(providers);
        executor.execute(() -> session.addProviders(copy, clock.nanos()));
    }
}
