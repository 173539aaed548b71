package net.dig.gossip;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import net.dig.core.Clock;
import net.dig.wire.Message;

/**
 * Runs one {@link PlumtreeRouter} for a live node: the glue dig-net needs, without Netty.
 *
 * <h2>What</h2>
 * Every call ({@link #neighborUp}, {@link #neighborDown}, {@link #message}, {@link #broadcast},
 * {@link #stats}) is handed to one serial {@link Executor} (the router's single owner, e.g. a Netty
 * event loop or a single-thread executor), and after each event the router's next wake-up is
 * (re)scheduled through {@link TickScheduler}. Effects go to {@link PlumtreeOutput} on that same thread;
 * the transport's send must therefore be safe to call from it (Netty's {@code writeAndFlush} is).
 *
 * <h2>Which messages</h2>
 * {@link #routes(Message)} says which inbound frames belong to the router: {@link PlumtreeRoutes}, the one
 * table (Plumtree control 214-217 and the gossiped payload types, when they carry no request id).
 * Everything else (requests, replies, handshakes, peer exchange) bypasses it.
 *
 * <h2>Validation</h2>
 * The router asks the given {@link MessageValidator} (normally {@link MessageBus#validator()}) about the
 * first copy of every received payload and delivers and forwards only what it ACCEPTs. A validation that
 * completes later resumes on the serial executor, like any other event.
 *
 * <h2>Failure modes</h2>
 * An exception thrown by the router or an effect is not swallowed: the returned future of
 * {@link #broadcast}/{@link #stats} completes exceptionally, and for the fire-and-forget events the
 * executor's own handler sees it. After {@link #close()} events are ignored and no tick is scheduled.
 */
public final class PlumtreeDriver implements AutoCloseable {
    /** Schedules a one-shot task; the returned handle cancels it. */
    @FunctionalInterface
    public interface TickScheduler {
        Cancellable schedule(Runnable task, long delayMillis);
    }

    @FunctionalInterface
    public interface Cancellable {
        void cancel();
    }

    private final PlumtreeRouter router;
    private final Clock clock;
    private final Executor loop;
    private final TickScheduler scheduler;
    private Cancellable pendingTick;
    private long pendingTickAt = Long.MAX_VALUE;
    private volatile boolean closed;

    private volatile PlumtreeStats lastStats = PlumtreeStats.NONE;
    private volatile ValidationStats lastValidation = ValidationStats.NONE;

    /** A driver whose router accepts every payload ({@link MessageValidator#ACCEPT_ALL}). */
    public PlumtreeDriver(PlumtreeConfig config, Clock clock, Executor loop, TickScheduler scheduler, PlumtreeOutput output) {
        this(config, clock, loop, scheduler, output, MessageValidator.ACCEPT_ALL, MessageBusConfig.defaults().maxValidationsInFlight());
    }

    public PlumtreeDriver(PlumtreeConfig config, Clock clock, Executor loop, TickScheduler scheduler, PlumtreeOutput output,
            MessageValidator validator, int maxValidationsInFlight) {
        this.router = new PlumtreeRouter(config, clock, output, validator, maxValidationsInFlight, this::run);
        this.clock = clock;
        this.loop = loop;
        this.scheduler = scheduler;
    }

    /** True for inbound frames the router handles ({@link PlumtreeRoutes#routes}). */
    public static boolean routes(Message message) {
        return PlumtreeRoutes.routes(message);
    }

    public void neighborUp(PeerId peer) {
        run(() -> router.onNeighborUp(peer));
    }

    public void neighborDown(PeerId peer) {
        run(() -> router.onNeighborDown(peer));
    }

    /** {@link PlumtreeRouter#markSeen} for a payload another relay took in. */
    public void markSeen(Message message) {
        MessageId id = MessageId.of(message);
        run(() -> router.markSeen(id));
    }

    public void message(PeerId from, Message message) {
        run(() -> router.onMessage(from, message));
    }

    /** Routes a locally originated message; completes with the number of peers the payload went to. */
    public CompletableFuture<Integer> broadcast(Message message, Optional<PeerId> exclude) {
        return call(() -> router.broadcast(message, exclude));
    }

    public CompletableFuture<PlumtreeStats> stats() {
        return call(router::stats);
    }

    @Override
    public void close() {
        closed = true;
        loop.execute(() -> {
            if (pendingTick != null) {
                pendingTick.cancel();
                pendingTick = null;
            }
        });
    }

    private void run(Runnable event) {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            event.run();
            reschedule();
            publish();
        });
    }

    private <T> CompletableFuture<T> call(java.util.function.Supplier<T> event) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("the Plumtree driver is closed"));
                return;
            }
            try {
                result.complete(event.get());
                reschedule();
                publish();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void tick(long scheduledAt) {
        if (closed || scheduledAt != pendingTickAt) {
            return;
        }
        pendingTick = null;
        pendingTickAt = Long.MAX_VALUE;
        router.onTick(clock.millis());
        reschedule();
        publish();
    }

    /**
     * The router's counters after the last event it handled, readable from any thread without waiting
     * (metrics scrapes read it synchronously).
     */
    public PlumtreeStats lastStats() {
        return lastStats;
    }

    /** The validation step's counters after the last event, readable from any thread. */
    public ValidationStats lastValidationStats() {
        return lastValidation;
    }

    private void publish() {
        lastStats = router.stats();
        lastValidation = router.validationStats();
    }

    private void reschedule() {
        long wake = router.nextWakeupMillis();
        if (wake == Long.MAX_VALUE || wake >= pendingTickAt) {
            return;
        }
        if (pendingTick != null) {
            pendingTick.cancel();
        }
        pendingTickAt = wake;
        pendingTick = scheduler.schedule(() -> loop.execute(() -> tick(wake)), Math.max(0, wake - clock.millis()));
    }
}
