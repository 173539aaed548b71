package net.dig.net;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One subscriber's view of the inbound message stream (the seed's {@code broadcast::Receiver}).
 * Every receiver gets every message; each has its own bounded buffer. A receiver that falls behind
 * loses the newest messages instead of slowing the network down, and {@link #lagged()} counts
 * them (tokio's broadcast channel reports the same as {@code Lagged(n)}).
 *
 * <p>Thread-safe: the network's event loops offer, any number of application threads receive.
 */
public final class InboundReceiver implements AutoCloseable {
    private final BlockingQueue<InboundMessage> queue;
    private final AtomicLong lagged = new AtomicLong();
    private final Runnable onClose;
    private volatile boolean closed;

    InboundReceiver(int capacity, Runnable onClose) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onClose = onClose;
    }

    void offer(InboundMessage message) {
        if (!closed && !queue.offer(message)) {
            lagged.incrementAndGet();
        }
    }

    /** The next message, waiting at most {@code timeout}; empty on timeout. */
    public Optional<InboundMessage> receive(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The next message if one is waiting. */
    public Optional<InboundMessage> tryReceive() {
        return Optional.ofNullable(queue.poll());
    }

    /** Messages dropped because this receiver's buffer was full. */
    public long lagged() {
        return lagged.get();
    }

    /** Stops delivery to this receiver. */
    @Override
    public void close() {
        closed = true;
        onClose.run();
    }
}
