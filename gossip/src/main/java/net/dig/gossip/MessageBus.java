package net.dig.gossip;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;
import net.dig.wire.Message;

/**
 * Where the application meets the network's inbound messages: a validator per message type, which the
 * Plumtree router consults before it delivers or forwards a payload, and handlers per message type that
 * receive what was accepted (and every message that does not travel by Plumtree).
 *
 * <h2>Validation</h2>
 * {@link #registerValidator} sets the one validator of a type. {@link #validator()} is the dispatching
 * validator handed to the router; a type without a validator of its own gets
 * {@link MessageValidator#ACCEPT_ALL}, which is what the router did before validation existed. A type
 * with a validator of its own ({@link #validates}) is validated on the direct path too: the transport asks
 * the same validator about each such message that does not travel by Plumtree before it is delivered.
 *
 * <h2>Delivery and backpressure</h2>
 * {@link #subscribe} registers a {@link MessageHandler} for the types a predicate selects; every
 * subscription sees every message of its types. Each subscription holds at most
 * {@link MessageBusConfig#maxUndeliveredPerType()} messages per type whose handler stage has not completed.
 * Two ways in:
 * <ul>
 *   <li>{@link #deliver} (messages the Plumtree router accepted, which are already on their way to other
 *       peers): a message beyond the bound is refused for that subscription, and the subscription's
 *       {@link Subscription#refused()} and the bus's {@link Stats#refused()} count it;</li>
 *   <li>{@link #deliverPausing} (messages straight from one connection): the message is always handed
 *       over, and when a subscription of its type is at its bound the caller is told to stop reading
 *       from that connection; {@link #whenRoom} runs the caller's resume action once every subscription
 *       of the type is below its bound again. Each paused connection can add at most the messages it
 *       had already decoded, so the bound is exceeded by at most that, and nothing is refused.</li>
 * </ul>
 * A message no subscription selects is counted as {@link Stats#unhandled()}. Nothing is dropped without
 * a count.
 *
 * <h2>Concurrency</h2>
 * Thread-safe: the transport's event loops deliver concurrently, application threads subscribe and
 * complete stages. Handlers and validators run on the delivering thread and must not block.
 *
 * <h2>Failure modes</h2>
 * A handler that throws, or whose stage fails, frees its slot and is counted in
 * {@link Stats#handlerErrors()}; the message counts as handed over. Control opcodes 214-217 belong to the
 * router and take no validator.
 */
public final class MessageBus {
    /** What {@link #deliver} or {@link #deliverPausing} did with one message. */
    public enum Delivery {
        /** Every subscription that selects the type took it. */
        HANDED,
        /** Every subscription took it, and one is now at its bound: stop reading until {@link #whenRoom}. */
        HANDED_PAUSE,
        /** At least one subscription was at its bound and refused it (counted there). */
        REFUSED,
        /** No subscription selects the type (counted). */
        UNHANDLED
    }

    /**
     * Totals since the bus was created; {@code pauses}: how often a source was told to stop reading
     * ({@link Delivery#HANDED_PAUSE}).
     */
    public record Stats(long delivered, long refused, long unhandled, long handlerErrors, long pauses) {}

    private final MessageBusConfig config;
    private final ConcurrentHashMap<Integer, MessageValidator> validators = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<Runnable>> waiting = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder unhandled = new LongAdder();
    private final LongAdder handlerErrors = new LongAdder();
    private final LongAdder pauses = new LongAdder();
    private final MessageValidator dispatch = this::validate;

    public MessageBus(MessageBusConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public MessageBusConfig config() {
        return config;
    }

    /** Sets (or replaces) the validator of {@code type}. */
    public void registerValidator(int type, MessageValidator validator) {
        checkType(type);
        if (PlumtreeRouter.isControl(type)) {
            throw new IllegalArgumentException("type " + type + " is Plumtree control, which the router validates itself");
        }
        validators.put(type, Objects.requireNonNull(validator, "validator"));
    }

    /** Removes the validator of {@code type}; the type is then accepted as by {@link MessageValidator#ACCEPT_ALL}. */
    public void removeValidator(int type) {
        validators.remove(type);
    }

    /** Whether {@code type} has a validator of its own (the transport then validates its direct messages too). */
    public boolean validates(int type) {
        return validators.containsKey(type);
    }

    /** The validator to give the router: each message goes to its type's validator, or to ACCEPT_ALL. */
    public MessageValidator validator() {
        return dispatch;
    }

    private CompletionStage<Verdict> validate(PeerId from, Message message) {
        return validators.getOrDefault(message.type(), MessageValidator.ACCEPT_ALL).validate(from, message);
    }

    /** Subscribes {@code handler} to one type. */
    public Subscription subscribe(int type, MessageHandler handler) {
        checkType(type);
        return subscribe(t -> t == type, handler);
    }

    /** Subscribes {@code handler} to every type {@code types} selects. Close the subscription to end it. */
    public Subscription subscribe(IntPredicate types, MessageHandler handler) {
        Subscription s = new Subscription(Objects.requireNonNull(types, "types"), Objects.requireNonNull(handler, "handler"));
        subscriptions.add(s);
        return s;
    }

    /** Hands {@code message} to every subscription of its type, within each one's bound. */
    public Delivery deliver(PeerId from, Message message) {
        boolean any = false;
        boolean refusedHere = false;
        for (Subscription s : subscriptions) {
            if (s.types.test(message.type())) {
                any = true;
                refusedHere |= !s.offer(from, message, false);
            }
        }
        if (!any) {
            unhandled.increment();
            return Delivery.UNHANDLED;
        }
        return refusedHere ? Delivery.REFUSED : Delivery.HANDED;
    }

    /**
     * Hands {@code message} to every subscription of its type, past the bound if need be, and answers
     * {@link Delivery#HANDED_PAUSE} when a subscription of the type is at its bound afterwards: the caller
     * then stops reading from the message's source and resumes it through {@link #whenRoom}.
     */
    public Delivery deliverPausing(PeerId from, Message message) {
        boolean any = false;
        for (Subscription s : subscriptions) {
            if (s.types.test(message.type())) {
                any = true;
                s.offer(from, message, true);
            }
        }
        if (!any) {
            unhandled.increment();
            return Delivery.UNHANDLED;
        }
        if (full(message.type())) {
            pauses.increment();
            return Delivery.HANDED_PAUSE;
        }
        return Delivery.HANDED;
    }

    /** Whether a subscription of {@code type} holds as many unfinished messages of it as its bound allows. */
    public boolean full(int type) {
        for (Subscription s : subscriptions) {
            if (s.types.test(type) && s.undelivered.get(type) >= config.maxUndeliveredPerType()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code resume} once, as soon as no subscription of {@code type} is at its bound (at once if none
     * is now), on the thread that completes the handler stage that made room.
     */
    public void whenRoom(int type, Runnable resume) {
        checkType(type);
        waiting.computeIfAbsent(type, t -> new ConcurrentLinkedQueue<>()).add(Objects.requireNonNull(resume, "resume"));
        wakeWaiters(type);
    }

    private void wakeWaiters(int type) {
        ConcurrentLinkedQueue<Runnable> q = waiting.get(type);
        if (q == null) {
            return;
        }
        Runnable r;
        while (!full(type) && (r = q.poll()) != null) {
            r.run();
        }
    }

    public Stats stats() {
        return new Stats(delivered.sum(), refused.sum(), unhandled.sum(), handlerErrors.sum(), pauses.sum());
    }

    private static void checkType(int type) {
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("message type " + type + " is outside 0..255");
        }
    }

    /** One handler's registration, with its own bound per type and its own counters. */
    public final class Subscription implements AutoCloseable {
        private final IntPredicate types;
        private final MessageHandler handler;
        private final AtomicIntegerArray undelivered = new AtomicIntegerArray(256);
        private final LongAdder handed = new LongAdder();
        private final LongAdder refusedHere = new LongAdder();

        private Subscription(IntPredicate types, MessageHandler handler) {
            this.types = types;
            this.handler = handler;
        }

        private boolean offer(PeerId from, Message message, boolean pastTheBound) {
            int type = message.type();
            if (undelivered.incrementAndGet(type) > config.maxUndeliveredPerType() && !pastTheBound) {
                undelivered.decrementAndGet(type);
                refusedHere.increment();
                refused.increment();
                return false;
            }
            handed.increment();
            delivered.increment();
            CompletionStage<Void> done;
            try {
                done = handler.handle(from, message);
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            if (done == null) {
                done = CompletableFuture.completedFuture(null);
            }
            done.whenComplete((ok, error) -> {
                undelivered.decrementAndGet(type);
                if (error != null) {
                    handlerErrors.increment();
                }
                wakeWaiters(type);
            });
            return true;
        }

        /** Messages of {@code type} handed to the handler whose stage has not completed. */
        public int undelivered(int type) {
            return undelivered.get(type);
        }

        /** Messages handed to the handler. */
        public long handed() {
            return handed.sum();
        }

        /** Messages refused because this subscription was at its bound for their type. */
        public long refused() {
            return refusedHere.sum();
        }

        @Override
        public void close() {
            subscriptions.remove(this);
            for (int type : waiting.keySet()) {
                wakeWaiters(type);
            }
        }
    }
}
