package net.dig.storage;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Delivers {@link StorageEvents} without ever calling a listener under an engine lock.
 *
 * <h2>How</h2>
 * The engine {@link #post}s an event at the point its change became durable, wherever it is (inside a
 * commit lock, say); each public engine method that can change something calls {@link #deliver} as its
 * last step, when it holds no lock. Delivery runs on one thread at a time: a thread that finds another
 * delivering leaves its events to it, and the delivering thread looks again after it lets go, so no
 * event is left behind. A listener that calls back into the engine therefore never recurses into
 * delivery; its own events are delivered after it returns, in order.
 *
 * <h2>Failure modes</h2>
 * A listener that throws is logged and the next one still runs; the engine call that delivered it
 * succeeds.
 */
final class StorageListeners {
    private static final System.Logger LOG = System.getLogger(StorageListeners.class.getName());

    private final CopyOnWriteArrayList<StorageEvents> listeners = new CopyOnWriteArrayList<>();
    private final Queue<Consumer<StorageEvents>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();

    void add(StorageEvents listener) {
        listeners.addIfAbsent(listener);
    }

    void remove(StorageEvents listener) {
        listeners.remove(listener);
    }

    /** Queues an event for every listener registered when it is delivered. */
    void post(Consumer<StorageEvents> event) {
        if (!listeners.isEmpty()) {
            pending.add(event);
        }
    }

    /** Delivers every queued event, unless another thread is delivering (it will deliver them). */
    void deliver() {
        do {
            if (!delivering.compareAndSet(false, true)) {
                return;
            }
            try {
                for (Consumer<StorageEvents> e; (e = pending.poll()) != null; ) {
                    for (StorageEvents l : listeners) {
                        try {
                            e.accept(l);
                        } catch (RuntimeException | Error t) {
                            if (t instanceof VirtualMachineError vme) {
                                throw vme;
                            }
                            LOG.log(System.Logger.Level.WARNING, "storage_listener_failed: storage listener " + l + " failed", t);
                        }
                    }
                }
            } finally {
                delivering.set(false);
            }
        } while (!pending.isEmpty());
    }
}
