package net.dig.net;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.wire.Message;

/**
 * A polling view of the inbound message stream, built on the message bus's handler API
 * ({@link GossipHandle#subscribe}): one subscription to every type, whose handler queues the message and
 * completes its stage when the message is taken. So a receiver holds at most the bus's bound of
 * undelivered messages per type ({@code MessageBusConfig.maxUndeliveredPerType}); beyond it the bus refuses
 * the message for this receiver and {@link #lagged()} counts it. Nothing is dropped without a count.
 *
 * <p>For callers that read in a loop (tests, benchmarks, tools); an application registers handlers.
 * Thread-safe: the network's event loops offer, any number of application threads receive.
 */
public final class InboundReceiver implements AutoCloseable {
    private record Entry(InboundMessage message, CompletableFuture<Void> taken) {}

    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final MessageBus.Subscription subscription;
    private final Runnable onClose;
    private volatile boolean closed;

    InboundReceiver(MessageBus bus, Runnable onClose) {
        this.onClose = onClose;
        this.subscription = bus.subscribe(type -> true, this::enqueue);
    }

    private CompletionStage<Void> enqueue(PeerId from, Message message) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        Entry e = new Entry(new InboundMessage(from, message), new CompletableFuture<>());
        queue.add(e);
        return e.taken;
    }

    /** The next message, waiting at most {@code timeout}; empty on timeout. */
    public Optional<InboundMessage> receive(Duration timeout) throws InterruptedException {
        return take(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The next message if one is waiting. */
    public Optional<InboundMessage> tryReceive() {
        return take(queue.poll());
    }

    private static Optional<InboundMessage> take(Entry e) {
        if (e == null) {
            return Optional.empty();
        }
        e.taken.complete(null);
        return Optional.of(e.message);
    }

    /** Messages the bus refused to this receiver because it held its bound of unread messages of their type. */
    public long lagged() {
        return subscription.refused();
    }

    /** Stops delivery to this receiver and releases what it held. */
    @Override
    public void close() {
        closed = true;
        subscription.close();
        for (Entry e; (e = queue.poll()) != null; ) {
            e.taken.complete(null);
        }
        onClose.run();
    }
}
