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
 * {@link #routes(Message)} says which inbound frames belong to the router: Plumtree control (214-217)
 * and the DIG opcodes dig-gossip spreads by Plumtree or flood (200-202, 207, 208, 221-223, 226), when
 * they carry no request id. Everything else (requests, replies, handshakes, Chia messages the
 * application relays itself) bypasses it.
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

    public PlumtreeDriver(PlumtreeConfig config, Clock clock, Executor loop, TickScheduler scheduler, PlumtreeOutput output) {
        this.router = new PlumtreeRouter(config, clock, output);
        this.clock = clock;
        this.loop = loop;
        this.scheduler = scheduler;
    }

    /** True for inbound frames the router handles (see the class comment). */
    public static boolean routes(Message message) {
        if (message.id().isPresent()) {
            return false;
        }
        int t = message.type();
        return PlumtreeRouter.isControl(t) || (t >= 200 && t <= 202) || t == 207 || t == 208
                || (t >= 221 && t <= 223) || t == 226;
    }

    public void neighborUp(PeerId peer) {
        run(() -> router.onNeighborUp(peer));
    }

    public void neighborDown(PeerId peer) {
        run(() -> router.onNeighborDown(peer));
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
